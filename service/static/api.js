// The JSON API on the same origin: one named function per endpoint, and the one place that builds URLs.
// Every function takes an optional AbortSignal, so a newer click can cancel an older request.

export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body?.detail === "string" ? body.detail : `the server answered ${status}`);
    this.status = status;
    this.body = body || {};
  }

  // a 422 names each bad parameter: [{loc, msg, type, suggestions}]
  get issues() { return Array.isArray(this.body.detail) ? this.body.detail : []; }
}

export const isAbort = (error) => error?.name === "AbortError";

function queryString(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

async function call(path, params = {}, { signal, body } = {}) {
  const init = { headers: { Accept: "application/json" }, signal };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path + queryString(params), init);
  let answer = null;
  try { answer = await response.json(); } catch { answer = null; }
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

const showPath = (showId) => `/shows/${encodeURIComponent(showId)}`;

/** GET /config: {weekend_minutes, max_k} of this server. */
export const config = () => call("/config");

/** GET /shows?q=: title search, best first (empty q: the most popular). */
export const searchShows = (q, limit, signal) => call("/shows", { q, limit }, { signal });

/** GET /shows/{id}: one show in full (synopsis, tags, cast). */
export const showDetail = (showId, signal) => call(showPath(showId), {}, { signal });

/** GET /similar?title=: more like one show named any way (id, title, alias, Hangul); seed, alternatives, results. */
export const similar = (title, filters, signal) => call("/similar", { title, ...filters }, { signal });

/** POST /recommend: more like several shows. */
export const recommend = (like, filters, signal) => call("/recommend", {}, { signal, body: { like, ...filters } });

/** GET /ask?q=: a request in words; interpretation (pieces, unused), note and results. */
export const ask = (q, k, signal) => call("/ask", { q, k }, { signal });
