// "More like this": a page over the kdrama JSON API on the same origin.
// Rule for this file: text from the API only ever reaches the page through textContent and DOM
// APIs (el() below), never innerHTML, so a title like "<script>..." shows as text.
"use strict";

const PAGE_SIZE = 10;
const ANY_EPISODES = 50; // the slider's top value means "any number"
const SUGGEST_DELAY_MS = 180;
const MAX_TAG_CHIPS = 12;

const state = {
  weekendMinutes: 720,
  mode: "none",        // "none" | "similar" (one seed) | "recommend" (several liked shows)
  seed: null,          // the single seed: a ShowDetail
  seeds: [],           // recommend mode: the liked shows, as resolved by the API
  seedTags: [],        // trope tags offered as filter chips
  weekend: false,
  maxEpisodes: null,   // null = any
  tags: new Set(),     // required tags
  liked: new Map(),    // show_id -> title, the "like these" selection
  likeIds: [],         // recommend mode: the selection that was asked for
  offset: 0,
  topScore: 0,         // the best score on page one: score bars are relative to it
  query: 0,            // increases with every results request; late answers to old ones are dropped
};

const $ = (id) => document.getElementById(id);

// ---- tiny DOM helpers ----------------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function plural(n, one, many) { return `${n} ${n === 1 ? one : many}`; }

function hours(minutes) {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60), m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

// "4 eps × 45 min = 3 h"
function runtimeText(show) {
  const { episodes, episode_minutes: perEpisode, total_minutes: total } = show;
  if (episodes && perEpisode) {
    return `${plural(episodes, "ep", "eps")} × ${perEpisode} min = ${hours(total ?? episodes * perEpisode)}`;
  }
  if (episodes) return `${plural(episodes, "ep", "eps")} · episode length unknown`;
  return "runtime unknown";
}

function tagLabel(tag) { return tag.replaceAll("-", " "); }

function metaLine(show) {
  return [show.year, show.network].filter(Boolean).join(" · ");
}

// ---- API ----------------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, body) {
    super(typeof body?.detail === "string" ? body.detail : `the server answered ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

async function api(path, options = {}) {
  const init = { headers: { Accept: "application/json" }, ...options };
  if (init.body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(init.body);
  }
  const response = await fetch(path, init);
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function filterParams() {
  const params = { k: PAGE_SIZE, offset: state.offset };
  if (state.weekend) params.weekend = true;
  if (state.maxEpisodes) params.max_episodes = state.maxEpisodes;
  if (state.tags.size) params.tags = [...state.tags];
  return params;
}

function queryString(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  return search.toString();
}

// ---- search box with suggestions (an ARIA combobox) ----------------------------------------------
const search = {
  input: null, list: null, items: [], active: -1, timer: 0, asked: 0,

  init() {
    this.input = $("search-input");
    this.list = $("suggestions");
    this.input.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.suggest(), SUGGEST_DELAY_MS);
    });
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    this.input.addEventListener("focus", () => { if (this.items.length) this.open(); });
    $("search-input").form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  },

  async suggest() {
    const q = this.input.value.trim();
    const asked = ++this.asked;
    if (!q) { this.show([]); return; }
    try {
      const page = await api(`/shows?${queryString({ q, limit: 8 })}`);
      if (asked === this.asked) {
        this.list.dataset.query = q; // which words the list answers (tests wait for it)
        this.show(page.results);
      }
    } catch (error) {
      if (asked === this.asked) this.show([]);
    }
  },

  show(shows) {
    this.items = shows;
    this.active = -1;
    this.list.replaceChildren(...shows.map((show, i) => el("li", {
      id: `suggestion-${i}`, role: "option", "aria-selected": "false", class: "option",
      "data-testid": "suggestion", "data-show-id": show.show_id,
      onmousedown: (event) => event.preventDefault(), // keep focus in the box
      onclick: () => this.pick(i),
    },
      el("span", { class: "option-title", text: show.title }),
      el("span", { class: "option-meta", text: [show.native_title, metaLine(show), show.episodes ? plural(show.episodes, "ep", "eps") : ""].filter(Boolean).join(" · ") }),
    )));
    if (shows.length) this.open(); else this.close();
  },

  open() { this.list.hidden = false; this.input.setAttribute("aria-expanded", "true"); },

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  },

  highlight(index) {
    const options = this.list.children;
    if (!options.length) return;
    this.active = (index + options.length) % options.length;
    [...options].forEach((option, i) => option.setAttribute("aria-selected", String(i === this.active)));
    const current = options[this.active];
    this.input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  },

  onKey(event) {
    const isOpen = !this.list.hidden && this.items.length;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!isOpen && this.items.length) this.open();
      this.highlight(this.active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (isOpen) this.highlight(this.active - 1);
    } else if (event.key === "Escape") {
      this.cancel();
      if (isOpen) { event.preventDefault(); this.close(); }
    }
  },

  // forget any suggestions still on their way: they must not reopen the list
  cancel() {
    clearTimeout(this.timer);
    this.asked += 1;
  },

  submit() {
    this.cancel();
    if (!this.list.hidden && this.active >= 0) { this.pick(this.active); return; }
    const text = this.input.value.trim();
    if (text) resolveTitle(text);
  },

  pick(index) {
    const show = this.items[index];
    if (!show) return;
    this.close();
    this.input.value = show.title;
    setSeed(show.show_id);
  },
};

// ---- seeds and queries --------------------------------------------------------------------------
async function setSeed(showId, { push = true } = {}) {
  state.mode = "similar";
  state.tags.clear(); // the chips come from the seed: another seed, other tropes
  state.offset = 0;
  let seed;
  try {
    seed = await api(`/shows/${encodeURIComponent(showId)}`);
  } catch (error) {
    showError(error, showId);
    return;
  }
  state.seed = seed;
  state.seeds = [seed];
  search.input.value = seed.title;
  state.seedTags = seed.tags.slice(0, MAX_TAG_CHIPS);
  if (push) saveHash(true);
  renderSeed();
  await runQuery();
  // a new seed is a new page of results: start reading it from the top
  const top = document.querySelector(".layout").offsetTop;
  if (window.scrollY > top) window.scrollTo({ top });
  $("results").focus({ preventScroll: true });
}

// Enter on free text: let the API resolve it (fuzzy), or say what it might have meant
async function resolveTitle(text) {
  search.close();
  try {
    const page = await api(`/similar?${queryString({ title: text, k: 1 })}`);
    await setSeed(page.seed.show_id);
  } catch (error) {
    showError(error, text);
  }
}

async function likeThese() {
  if (!state.liked.size) return;
  state.mode = "recommend";
  state.tags.clear();
  state.offset = 0;
  const ids = [...state.liked.keys()];
  state.likeIds = ids;
  // their tropes, for the filter chips: most common first
  const details = await Promise.all(ids.map((id) => api(`/shows/${encodeURIComponent(id)}`).catch(() => null)));
  const counts = new Map();
  for (const show of details.filter(Boolean)) for (const tag of show.tags) counts.set(tag, (counts.get(tag) || 0) + 1);
  state.seedTags = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([tag]) => tag).slice(0, MAX_TAG_CHIPS);
  state.seeds = details.filter(Boolean);
  for (const show of state.seeds) state.liked.set(show.show_id, show.title);
  renderLikeBar();
  state.seed = null;
  saveHash(true);
  renderSeed();
  await runQuery();
}

async function runQuery({ append = false } = {}) {
  if (state.mode === "none") return;
  const asked = ++state.query;
  if (!append) state.offset = 0;
  setBusy(true);
  try {
    let page;
    if (state.mode === "similar") {
      page = await api(`/shows/${encodeURIComponent(state.seed.show_id)}/similar?${queryString(filterParams())}`);
    } else {
      page = await api("/recommend", { body: { like: state.likeIds, ...filterParams() } });
    }
    if (asked !== state.query) return;
    renderResults(page, append);
  } catch (error) {
    if (asked === state.query) showError(error);
  } finally {
    if (asked === state.query) setBusy(false);
  }
}

function setBusy(busy) {
  $("results").setAttribute("aria-busy", String(busy));
  document.body.classList.toggle("busy", busy);
}

// ---- rendering ------------------------------------------------------------------------------------
function renderSeed() {
  const box = $("seed");
  box.hidden = false;
  box.dataset.mode = state.mode;
  if (state.mode === "similar") {
    const seed = state.seed;
    box.dataset.showId = seed.show_id;
    box.dataset.totalMinutes = seed.total_minutes ?? "";
    box.replaceChildren(
      el("p", { class: "eyebrow", text: "More like" }),
      el("h2", { class: "seed-title", "data-testid": "seed-title", text: seed.title }),
      seed.native_title ? el("p", { class: "native", lang: "ko", text: seed.native_title }) : null,
      el("p", { class: "meta", text: metaLine(seed) }),
      el("p", { class: "runtime", "data-testid": "seed-runtime", text: runtimeText(seed) }),
      tagFilters(),
      seed.synopsis ? el("p", { class: "synopsis", text: seed.synopsis }) : null,
      likeToggle(seed),
    );
  } else {
    delete box.dataset.showId;
    box.replaceChildren(
      el("p", { class: "eyebrow", text: "More like all of" }),
      el("ul", { class: "seed-list", "data-testid": "seed-list" }, state.seeds.map((show) => el("li", {},
        el("button", { type: "button", class: "link", text: show.title, title: "More like just this one",
                       onclick: () => setSeed(show.show_id) }),
        el("span", { class: "meta", text: ` · ${runtimeText(show)}` })))),
      tagFilters(),
    );
  }
}

// the seed's tropes, each a toggle: pressed = every result must have it
function tagFilters() {
  if (!state.seedTags.length) return null;
  return el("div", { class: "tag-filters" },
    el("p", { class: "label", id: "tag-filters-label", text: "Tropes · tap to require" }),
    el("div", { class: "chips", role: "group", "aria-labelledby": "tag-filters-label", "data-testid": "tag-filters" },
      state.seedTags.map((tag) => el("button", {
        type: "button", class: "chip toggle", "data-testid": "tag-filter", "data-tag": tag,
        "aria-pressed": String(state.tags.has(tag)), text: tagLabel(tag),
        onclick: (event) => {
          if (state.tags.has(tag)) state.tags.delete(tag); else state.tags.add(tag);
          event.currentTarget.setAttribute("aria-pressed", String(state.tags.has(tag)));
          saveHash(false);
          runQuery();
        },
      }))));
}

function renderResults(page, append) {
  hideMessage();
  const list = $("results");
  if (!append) {
    state.topScore = page.results.length ? page.results[0].score : 0;
    list.replaceChildren();
  }
  list.append(...page.results.map(resultCard));
  state.offset = page.offset + page.results.length;
  const shown = list.children.length;
  $("results-heading").textContent = state.mode === "similar" ? `Like ${state.seed.title}` : "Like all of these";
  $("results-count").textContent = page.total ? `${shown} of ${plural(page.total, "show", "shows")} that fit` : "";
  $("more").hidden = shown >= page.total;
  if (!page.total) showEmpty();
}

function resultCard(result) {
  const reasons = reasonChips(result.reasons);
  const share = state.topScore > 0 ? Math.max(4, Math.min(100, Math.round((100 * result.score) / state.topScore))) : 0;
  const fill = el("span", { class: "fill" });
  fill.style.width = `${share}%`;
  const card = el("li", {
    class: "card", tabindex: "0", "data-testid": "result-card", "data-show-id": result.show_id,
    "data-total-minutes": result.total_minutes ?? "", "data-episodes": result.episodes ?? "",
    "data-score": result.score, "aria-label": `${result.title}: press Enter for more like this`,
    onclick: (event) => { if (!event.target.closest("label, input, button")) setSeed(result.show_id); },
    onkeydown: (event) => {
      if (event.target === event.currentTarget && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        setSeed(result.show_id);
      }
    },
  },
    el("h3", { class: "card-title", "data-testid": "card-title", text: result.title }),
    el("p", { class: "meta", text: metaLine(result) }),
    el("p", { class: "runtime", "data-testid": "runtime", text: runtimeText(result) }),
    el("div", { class: "score", title: `score ${result.score.toFixed(2)}; the bar compares it with the best match` },
      el("span", { class: "bar", "aria-hidden": "true" }, fill),
      el("span", { class: "score-text", text: `${share}% match` })),
    reasons.length ? el("div", { class: "why" }, el("span", { class: "why-label", text: "Why it’s similar" }),
      el("ul", { class: "chips", "data-testid": "reasons" }, reasons)) : null,
    likeToggle(result),
  );
  return card;
}

function reasonChips(reasons) {
  const chip = (kind, text, label) => el("li", { class: `chip ${kind}`, "data-testid": "reason-chip", "data-kind": kind,
                                                 title: label }, text);
  return [
    ...reasons.shared_tags.slice(0, 4).map((tag) => chip("tag", tagLabel(tag), "shared trope")),
    ...reasons.shared_cast.slice(0, 3).map((name) => chip("cast", `★ ${name}`, "shared cast")),
    ...reasons.shared_terms.slice(0, 3).map((term) => chip("term", `“${term}”`, "a word fans use for both")),
  ];
}

function likeToggle(show) {
  const box = el("input", { type: "checkbox", "data-testid": "like-toggle", "data-show-id": show.show_id });
  box.checked = state.liked.has(show.show_id);
  box.addEventListener("change", () => {
    if (box.checked) state.liked.set(show.show_id, show.title); else state.liked.delete(show.show_id);
    renderLikeBar();
  });
  return el("label", { class: "like" }, box, " I like this");
}

function renderLikeBar() {
  const bar = $("like-bar");
  bar.hidden = state.liked.size === 0;
  document.body.classList.toggle("has-like-bar", !bar.hidden);
  $("like-chips").replaceChildren(...[...state.liked.entries()].map(([id, title]) => el("button", {
    type: "button", class: "chip removable", "aria-label": `Remove ${title}`, text: `${title} ✕`,
    onclick: () => { state.liked.delete(id); syncLikeBoxes(); renderLikeBar(); },
  })));
  $("like-go").textContent = state.liked.size > 1 ? `More like these (${state.liked.size})` : "More like this one";
}

function syncLikeBoxes() {
  for (const box of document.querySelectorAll("[data-testid=like-toggle]")) box.checked = state.liked.has(box.dataset.showId);
}

// ---- messages -------------------------------------------------------------------------------------
function hideMessage() { $("message").hidden = true; }

function showMessage(kind, ...children) {
  const box = $("message");
  box.dataset.kind = kind;
  box.replaceChildren(...children);
  box.hidden = false;
}

function showError(error, query) {
  if (error instanceof ApiError && error.status === 404) {
    const suggestions = error.body.suggestions || [];
    $("results").replaceChildren();
    $("results-count").textContent = "";
    $("more").hidden = true;
    showMessage("no-match",
      el("p", { class: "message-title", text: `No show called “${query}” here.` }),
      suggestions.length ? el("p", {}, "Did you mean: ", ...suggestions.map((title) => el("button", {
        type: "button", class: "chip suggestion", "data-testid": "suggestion-button", text: title,
        onclick: () => { search.input.value = title; resolveTitle(title); },
      }))) : el("p", { text: "Try fewer letters, another spelling, or the Hangul title." }));
    return;
  }
  showMessage("error", el("p", { class: "message-title", text: "Something went wrong." }),
    el("p", { text: error instanceof ApiError ? error.message : "The server did not answer; is it still running?" }));
}

function showEmpty() {
  const fixes = [];
  if (state.weekend) fixes.push(["Turn off weekend binge", () => { $("weekend").checked = false; state.weekend = false; }]);
  if (state.maxEpisodes) fixes.push(["Any number of episodes", () => { $("max-episodes").value = ANY_EPISODES; readSlider(); }]);
  if (state.tags.size) fixes.push(["Clear tropes", () => { state.tags.clear(); renderSeed(); }]);
  const name = state.mode === "similar" ? state.seed.title : "these shows";
  showMessage("empty",
    el("p", { class: "message-title", text: `Nothing like ${name} fits these filters.` }),
    fixes.length ? el("p", {}, ...fixes.map(([label, fix]) => el("button", {
      type: "button", class: "secondary", "data-testid": "relax-filter", text: label,
      onclick: () => { fix(); saveHash(false); runQuery(); },
    }))) : null);
}

// ---- controls -------------------------------------------------------------------------------------
function readSlider() {
  const value = Number($("max-episodes").value);
  state.maxEpisodes = value >= ANY_EPISODES ? null : value;
  $("max-episodes-value").textContent = state.maxEpisodes ? String(state.maxEpisodes) : "any";
}

function initControls() {
  $("weekend").addEventListener("change", (event) => {
    state.weekend = event.target.checked;
    saveHash(false);
    runQuery();
  });
  let timer = 0;
  $("max-episodes").addEventListener("input", () => {
    readSlider();
    clearTimeout(timer);
    timer = setTimeout(() => { saveHash(false); runQuery(); }, 250);
  });
  $("more").addEventListener("click", () => runQuery({ append: true }));
  $("like-go").addEventListener("click", likeThese);
  $("like-clear").addEventListener("click", () => { state.liked.clear(); syncLikeBoxes(); renderLikeBar(); });
}

// ---- the address bar: #show=<id>&weekend=1&eps=8&tags=a,b (or like=a,b) -----------------------------
function saveHash(push) {
  const params = new URLSearchParams();
  if (state.mode === "similar") params.set("show", state.seed.show_id);
  if (state.mode === "recommend") params.set("like", state.likeIds.join(","));
  if (state.weekend) params.set("weekend", "1");
  if (state.maxEpisodes) params.set("eps", String(state.maxEpisodes));
  if (state.tags.size) params.set("tags", [...state.tags].join(","));
  const hash = `#${params}`;
  if (hash === location.hash) return;
  if (push) history.pushState(null, "", hash); else history.replaceState(null, "", hash);
}

async function loadHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  state.weekend = params.get("weekend") === "1";
  $("weekend").checked = state.weekend;
  $("max-episodes").value = Number(params.get("eps")) || ANY_EPISODES;
  readSlider();
  const tags = (params.get("tags") || "").split(",").filter(Boolean);
  if (params.get("show")) {
    await setSeed(params.get("show"), { push: false });
  } else if (params.get("like")) {
    state.liked = new Map(params.get("like").split(",").filter(Boolean).map((id) => [id, id]));
    renderLikeBar();
    await likeThese();
  } else {
    await resetView();
    return;
  }
  if (tags.length) {
    tags.forEach((tag) => state.tags.add(tag));
    renderSeed();
    await runQuery();
  }
}

// back at the start (no seed in the address): an empty page with a few ideas
function resetView() {
  state.mode = "none";
  state.query += 1; // answers still on their way are for a page no longer shown
  $("seed").hidden = true;
  $("results").replaceChildren();
  $("results-heading").textContent = "Start with a show you loved";
  $("results-count").textContent = "";
  $("more").hidden = true;
  hideMessage();
  return showStarters();
}

async function showStarters() {
  if (state.mode !== "none") return;
  try {
    const page = await api("/shows?limit=6");
    // the user may have searched meanwhile: never cover their answer with ideas
    if (state.mode !== "none" || !$("message").hidden || !page.results.length) return;
    showMessage("hint", el("p", { class: "message-title", text: "Not sure where to start? Fans love these:" }),
      el("p", {}, ...page.results.map((show) => el("button", {
        type: "button", class: "chip suggestion", "data-testid": "starter", text: show.title,
        onclick: () => { search.input.value = show.title; setSeed(show.show_id); },
      }))));
  } catch { /* the search box still works */ }
}

async function init() {
  search.init();
  initControls();
  try {
    const config = await api("/config");
    state.weekendMinutes = config.weekend_minutes;
  } catch { /* keep the documented default */ }
  $("weekend-label").textContent = `Weekend binge (≤ ${hours(state.weekendMinutes)} in total)`;
  window.addEventListener("popstate", () => { state.mode = "none"; loadHash(); });
  await loadHash();
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", init);
