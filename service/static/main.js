// "More like this": what each user action does. One results request per action (the seed's own
// detail, for its synopsis and tropes, rides along in parallel); the last action wins.
import * as api from "./api.js";
import {
  ANY_EPISODES, PAGE_SIZE, begin, current, filterParams, learnLabels, readHash, requestWithout, saveHash, state,
} from "./state.js";
import * as view from "./view.js";

const { $, el } = view;
const SUGGEST_DELAY_MS = 180;
let again = () => {}; // the last results action, to run again once a did-you-mean is taken

// ---- search box with suggestions (an ARIA combobox) ----------------------------------------------
const search = {
  input: null, list: null, items: [], active: -1, timer: 0, asked: 0,

  init() {
    this.input = $("search-input");
    this.list = $("suggestions");
    this.input.addEventListener("input", () => {
      this.highlight(null); // new words: Enter must not pick a suggestion made for the old ones
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.suggest(), SUGGEST_DELAY_MS);
    });
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    this.input.addEventListener("focus", () => { if (this.items.length) this.open(); });
    this.input.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  },

  async suggest() {
    const q = this.input.value.trim();
    const asked = ++this.asked;
    if (!q) { this.show([]); return; }
    try {
      const page = await api.searchShows(q, 8);
      if (asked === this.asked) {
        this.list.dataset.query = q; // which words the list answers (tests wait for it)
        this.show(page.results);
      }
    } catch {
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
      el("span", { class: "option-meta", text: [show.native_title, view.metaLine(show),
        show.episodes ? view.plural(show.episodes, "ep", "eps") : ""].filter(Boolean).join(" · ") }),
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
    if (index === null || !options.length) {
      this.active = -1;
      [...options].forEach((option) => option.setAttribute("aria-selected", "false"));
      this.input.removeAttribute("aria-activedescendant");
      return;
    }
    this.active = (index + options.length) % options.length;
    [...options].forEach((option, i) => option.setAttribute("aria-selected", String(i === this.active)));
    const chosen = options[this.active];
    this.input.setAttribute("aria-activedescendant", chosen.id);
    chosen.scrollIntoView({ block: "nearest" });
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
    this.close();
    if (text) openSeed(text); // the server resolves any title form, fuzzy, or says what it might mean
  },

  pick(index) {
    const show = this.items[index];
    if (!show) return;
    this.close();
    this.input.value = show.title;
    openSeed(show.show_id, { known: true });
  },
};

// ---- one seed: GET /similar?title= answers with the seed, the alternatives and the results -------
async function openSeed(name, { push = true, known = false, tags = [] } = {}) {
  again = () => openSeed(name, { push, known, tags: [...state.tags] });
  const { token, signal } = begin();
  enterMode("similar");
  state.tags = new Set(tags); // the chips come from the seed: another seed, other tropes
  state.offset = 0;
  view.setBusy(true);
  // a known id: the seed's detail (synopsis, tropes) comes in parallel with its results
  const detail = known ? api.showDetail(name, signal).catch(() => null) : null;
  let page;
  try {
    page = await api.similar(name, filterParams(0), signal);
  } catch (error) {
    if (current(token)) failed(error, name);
    return;
  }
  if (!current(token)) return;
  state.seed = page.seed;
  state.seedTags = [];
  search.input.value = page.seed.title;
  saveHash(push);
  view.renderSeed();
  view.renderNotes(page.notes, page.alternatives, page.seed);
  showPage(page, false, `Like ${page.seed.title}`);
  view.setBusy(false);
  view.revealResults();
  const full = await (detail ?? api.showDetail(page.seed.show_id, signal).catch(() => null));
  if (full && current(token) && full.show_id === state.seed.show_id) {
    state.seed = { ...state.seed, ...full };
    state.seedTags = full.tags;
    view.renderSeed();
  }
}

// the filters changed, or "Show more": the same seed(s), another page
async function runQuery({ append = false } = {}) {
  if (state.mode === "ask") { if (append) { state.askK += PAGE_SIZE; askFor(state.askText, { push: false, keepK: true }); } return; }
  if (state.mode === "none") return;
  const { token, signal } = begin();
  const offset = append ? state.offset : 0;
  view.setBusy(true);
  try {
    const page = state.mode === "similar"
      ? await api.similar(state.seed.show_id, filterParams(offset), signal)
      : await api.recommend(state.likeIds, filterParams(offset), signal);
    if (!current(token)) return;
    showPage(page, append, $("results-heading").textContent);
  } catch (error) {
    if (current(token)) failed(error, "", { keep: true });
  } finally {
    if (current(token)) view.setBusy(false);
  }
}

// several liked shows: POST /recommend, which also names them
async function likeThese() {
  if (!state.liked.size) return;
  again = likeThese;
  const { token, signal } = begin();
  enterMode("recommend");
  state.likeIds = [...state.liked.keys()];
  state.offset = 0;
  view.setBusy(true);
  try {
    const page = await api.recommend(state.likeIds, filterParams(0), signal);
    if (!current(token)) return;
    state.seeds = page.seeds;
    for (const show of page.seeds) state.liked.set(show.show_id, show.title);
    // the tropes the results share with them, most common first, as filter chips
    const counts = new Map();
    for (const { reasons } of page.results) for (const tag of reasons.shared_tags) counts.set(tag, (counts.get(tag) || 0) + 1);
    state.seedTags = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([tag]) => tag);
    view.renderLikeBar();
    saveHash(true);
    view.renderNotes(page.notes);
    showPage(page, false, "Like all of these");
    view.renderSeed();
    view.revealResults();
  } catch (error) {
    if (current(token)) failed(error);
  } finally {
    if (current(token)) view.setBusy(false);
  }
}

// ---- a request in words: GET /ask ------------------------------------------------------------------
async function askFor(text, { push = true, keepK = false } = {}) {
  again = () => askFor(text, { push, keepK });
  const { token, signal } = begin();
  enterMode("ask");
  state.askText = text;
  if (!keepK) state.askK = PAGE_SIZE;
  $("ask-input").value = text;
  view.setBusy(true);
  try {
    const answer = await api.ask(text, Math.min(state.askK, state.maxK), signal);
    if (!current(token)) return;
    state.answer = answer;
    state.seeds = answer.seeds;
    saveHash(push);
    view.renderUnderstood(answer);
    view.renderNotes(answer.notes);
    // GET /ask has no offset: a longer list replaces the shorter one, and the count says how far it goes
    showPage(answer, false, "What you asked for");
    view.revealResults();
  } catch (error) {
    if (current(token)) failed(error, text);
  } finally {
    if (current(token)) view.setBusy(false);
  }
}

function dropPiece(index) {
  const text = requestWithout(state.answer.interpretation, index);
  if (text.trim()) askFor(text);
}

// ---- shared steps ----------------------------------------------------------------------------------
function enterMode(mode) {
  state.mode = mode;
  const asking = mode === "ask";
  $("controls").disabled = asking; // a request in words carries its own time limits
  $("controls-hint").hidden = !asking;
  if (!asking) { view.renderUnderstood(null); state.answer = null; }
}

function showPage(page, append, title) {
  learnLabels(page.results);
  view.heading(title);
  view.renderResults(page, append);
  state.offset = page.offset + page.results.length;
  if (!page.total) view.showEmpty(emptyName(), page.message, relaxers());
}

const emptyName = () => (state.mode === "similar" ? state.seed.title : state.mode === "ask" ? "that" : "these shows");

// what the page set and can undo when nothing passes
function relaxers() {
  if (state.mode === "ask") return [];
  const fix = (label, undo) => [label, () => { undo(); saveHash(false); view.renderSeed(); runQuery(); }];
  const fixes = [];
  if (state.weekend) fixes.push(fix("Turn off weekend binge", () => { $("weekend").checked = false; state.weekend = false; }));
  if (state.maxEpisodes) fixes.push(fix("Any number of episodes", () => { $("max-episodes").value = ANY_EPISODES; readSlider(); }));
  if (state.tags.size) fixes.push(fix("Clear tropes", () => state.tags.clear()));
  return fixes;
}

// an error replaces the answer it was meant to bring: no old seed or heading stays beside it
function failed(error, query, { keep = false } = {}) {
  if (api.isAbort(error)) return;
  view.setBusy(false);
  if (!keep) {
    state.mode = "none";
    $("seed").hidden = true;
    $("seed").replaceChildren();
    view.renderNotes();
    view.renderUnderstood(null);
    view.heading(error.status === 404 ? "No match" : "That did not work");
  }
  view.showError(error, query);
}

// a did-you-mean from a 422: swap the value the server named for the one it suggests, and run again
function applySuggestion(issue, value) {
  const field = issue.loc.at(-1);
  if (field === "tags") {
    const bad = [...state.tags].find((tag) => issue.msg.includes(`'${tag}'`)) ?? [...state.tags][0];
    state.tags.delete(bad);
    state.tags.add(value);
  }
  again();
}

// ---- controls -------------------------------------------------------------------------------------
function readSlider() {
  const value = Number($("max-episodes").value);
  state.maxEpisodes = value >= ANY_EPISODES ? null : value;
  $("max-episodes-value").textContent = state.maxEpisodes ? String(state.maxEpisodes) : "any";
}

function initControls() {
  const changed = () => { saveHash(false); runQuery(); };
  $("weekend").addEventListener("change", (event) => { state.weekend = event.target.checked; changed(); });
  $("franchise").addEventListener("change", (event) => { state.includeFranchise = event.target.checked; changed(); });
  let timer = 0;
  $("max-episodes").addEventListener("input", () => {
    readSlider();
    clearTimeout(timer);
    timer = setTimeout(changed, 250);
  });
  $("more").addEventListener("click", () => runQuery({ append: true }));
  $("like-go").addEventListener("click", likeThese);
  $("like-clear").addEventListener("click", () => { state.liked.clear(); view.renderLikeBar(); });
  const submitAsk = () => { const text = $("ask-input").value.trim(); if (text) askFor(text); };
  $("ask-form").addEventListener("submit", (event) => { event.preventDefault(); submitAsk(); });
  // a textarea, so a long request stays readable; Enter asks, Shift+Enter breaks the line
  $("ask-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); submitAsk(); }
  });
}

view.bindActions({
  pickSeed: (showId) => { search.input.value = ""; openSeed(showId, { known: true }); },
  findTitle: (title) => { search.input.value = title; openSeed(title); },
  toggleTag: (tag) => {
    if (state.tags.has(tag)) state.tags.delete(tag); else state.tags.add(tag);
    view.renderSeed();
    saveHash(false);
    runQuery();
  },
  dropPiece,
  applySuggestion,
  like: (show, liked) => { if (liked) state.liked.set(show.show_id, show.title); else state.liked.delete(show.show_id); view.renderLikeBar(); },
  unlike: (showId) => { state.liked.delete(showId); view.renderLikeBar(); },
});

// ---- the address bar ----------------------------------------------------------------------------------
async function loadHash() {
  const wanted = readHash();
  state.weekend = wanted.weekend;
  $("weekend").checked = wanted.weekend;
  state.includeFranchise = wanted.includeFranchise;
  $("franchise").checked = wanted.includeFranchise;
  $("max-episodes").value = wanted.eps;
  readSlider();
  if (wanted.show) return openSeed(wanted.show, { push: false, known: true, tags: wanted.tags });
  if (wanted.ask) return askFor(wanted.ask, { push: false });
  if (wanted.like.length) {
    state.liked = new Map(wanted.like.map((id) => [id, id]));
    view.renderLikeBar();
    return likeThese();
  }
  return resetView();
}

// back at the start (no seed in the address): an empty page with a few ideas
async function resetView() {
  const { token, signal } = begin(); // answers still on their way are for a page no longer shown
  enterMode("none");
  view.renderSeed();
  view.renderNotes();
  view.clearResults();
  view.heading("Start with a show you loved");
  view.hideMessage();
  view.setBusy(false);
  try {
    const page = await api.searchShows("", 6, signal);
    if (current(token) && page.results.length) view.showStarters(page.results);
  } catch { /* the search box still works */ }
}

async function init() {
  search.init();
  initControls();
  try {
    const settings = await api.config();
    state.weekendMinutes = settings.weekend_minutes;
    state.maxK = settings.max_k;
  } catch { /* keep the documented defaults */ }
  $("weekend-label").textContent = `Weekend binge (≤ ${view.hours(state.weekendMinutes)} in total)`;
  window.addEventListener("popstate", loadHash);
  await loadHash();
  document.body.dataset.ready = "true";
}

init();
