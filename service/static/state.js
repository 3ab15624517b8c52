// What the page is showing and asking for, the address bar that mirrors it, and the rule that the
// last action wins. No DOM here beyond location/history.

export const PAGE_SIZE = 10;
export const ANY_EPISODES = 50; // the slider's top value means "any number"

export const state = {
  weekendMinutes: 720,
  maxK: 100,
  mode: "none",        // "none" | "similar" (one seed) | "recommend" (several liked shows) | "ask" (words)
  seed: null,          // similar mode: the seed as the API resolved it (ShowPublic), plus detail once known
  seeds: [],           // recommend/ask mode: the seeds as resolved by the API
  seedTags: [],        // trope slugs offered as filter chips
  weekend: false,
  maxEpisodes: null,   // null = any
  tags: new Set(),     // required tags
  includeFranchise: true,
  liked: new Map(),    // show_id -> title, the "like these" selection
  likeIds: [],         // recommend mode: the selection that was asked for
  askText: "",         // ask mode: the request as sent
  askK: PAGE_SIZE,     // ask mode: GET /ask has no offset, so "more" asks for a longer list
  answer: null,        // ask mode: the last answer (its interpretation's pieces can be dropped)
  offset: 0,
  topScore: 0,         // the best score on page one: score bars are relative to it
};

// every trope label the API has told us (reasons.tag_labels), so a seed's chips read the same way
export const tagLabels = new Map();

export function learnLabels(results) {
  for (const { reasons } of results) {
    (reasons.shared_tags || []).forEach((tag, i) => {
      if (reasons.tag_labels?.[i]) tagLabels.set(tag, reasons.tag_labels[i]);
    });
  }
}

// the vocabulary's own label; until the API has named a tag, its slug ("co-habitation") is the honest fallback
export const tagLabel = (tag) => tagLabels.get(tag) || tag;

export function filterParams(offset = state.offset) {
  const params = { k: PAGE_SIZE, offset };
  if (state.weekend) params.weekend = true;
  if (state.maxEpisodes) params.max_episodes = state.maxEpisodes;
  if (state.tags.size) params.tags = [...state.tags];
  if (!state.includeFranchise) params.include_franchise = false;
  return params;
}

// ---- the last action wins --------------------------------------------------------------------------
// Each results request starts with begin(): the one before it is aborted, and current(token) tells
// a late answer that it is no longer wanted (an abort can lose the race with a finished fetch).
let controller = null;
let latest = 0;

export function begin() {
  controller?.abort();
  controller = new AbortController();
  latest += 1;
  return { token: latest, signal: controller.signal };
}

export const current = (token) => token === latest;

// ---- the address bar: #show=<id>&weekend=1&eps=8&tags=a,b&franchise=0 (or like=a,b, or ask=words) ---
export function saveHash(push) {
  const params = new URLSearchParams();
  if (state.mode === "similar") params.set("show", state.seed.show_id);
  if (state.mode === "recommend") params.set("like", state.likeIds.join(","));
  if (state.mode === "ask") params.set("ask", state.askText);
  if (state.mode !== "ask") {
    if (state.weekend) params.set("weekend", "1");
    if (state.maxEpisodes) params.set("eps", String(state.maxEpisodes));
    if (state.tags.size) params.set("tags", [...state.tags].join(","));
    if (!state.includeFranchise) params.set("franchise", "0");
  }
  const hash = `#${params}`;
  if (hash === location.hash) return;
  if (push) history.pushState(null, "", hash); else history.replaceState(null, "", hash);
}

export function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  return {
    show: params.get("show"),
    like: (params.get("like") || "").split(",").filter(Boolean),
    ask: params.get("ask"),
    weekend: params.get("weekend") === "1",
    eps: Number(params.get("eps")) || ANY_EPISODES,
    tags: (params.get("tags") || "").split(",").filter(Boolean),
    includeFranchise: params.get("franchise") !== "0",
  };
}

// ---- removing one understood piece of a request --------------------------------------------------
// The request is rebuilt from the words of the pieces that stay, each made to stand on its own
// (a negation runs on through a list: "no love triangle, amnesia or cheating" must keep "no" on
// "amnesia" once "no love triangle" is gone), then asked again, so the server says how it reads it.
const NEGATORS = new Set(["no", "not", "without", "nothing", "never", "non", "avoid", "minus", "zero", "anything"]);
const JOINERS = new Set(["and", "or", "but", "nor", "&", "plus"]);

function standAlone(piece, sharedWithRemoved) {
  // titles: the label names the show exactly, with its cue ("like X", "not like Y")
  if (piece.kind === "like" || piece.kind === "unlike") return piece.label;
  // "not too dark" gave "no Thriller" and "no Horror": dropping one keeps the other by its label
  if (sharedWithRemoved) return piece.label;
  const words = piece.words.replace(/^[\s,;]+|[\s,;]+$/g, "").split(/\s+/);
  while (words.length > 1 && JOINERS.has(words[0].toLowerCase())) words.shift();
  const negative = piece.kind === "exclude_tag" || piece.kind === "exclude_genre";
  if (negative && !NEGATORS.has(words[0].toLowerCase())) words.unshift("no");
  return words.join(" ");
}

export function requestWithout(interpretation, index) {
  const removed = interpretation.pieces[index];
  const clauses = [];
  interpretation.pieces.forEach((piece, i) => {
    if (i === index) return;
    const clause = standAlone(piece, piece.words === removed.words);
    if (clauses.at(-1) !== clause) clauses.push(clause);
  });
  // words nothing understood stay, so "did not understand" still says them
  if (interpretation.unused.length) clauses.push(interpretation.unused.join(" "));
  return clauses.join(", ");
}
