// Everything drawn on the page. Rule for this file: text from the API only ever reaches the page
// through textContent and DOM calls (el() below), never innerHTML, so a title like "<script>..."
// shows as text. What a click does is main.js's business: it hands its actions to bindActions().
import { state, tagLabel, tagLabels } from "./state.js";

const MAX_TAG_CHIPS = 12;
let act = {};

export const bindActions = (actions) => { act = actions; };
export const $ = (id) => document.getElementById(id);

// replaceChildren() would write a skipped part (null) as the text "null"
const fill = (box, ...children) => box.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));

// ---- tiny DOM helpers ----------------------------------------------------------------------------
export function el(tag, attrs = {}, ...children) {
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

export const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

export function hours(minutes) {
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

export const metaLine = (show) => [show.year, show.network].filter(Boolean).join(" · ");

const chipButton = (attrs) => el("button", { type: "button", class: "chip suggestion", ...attrs });

// ---- the seed ------------------------------------------------------------------------------------
export function renderSeed() {
  const box = $("seed");
  box.dataset.mode = state.mode;
  box.hidden = state.mode === "none" || state.mode === "ask";
  if (state.mode === "similar") {
    const seed = state.seed;
    box.dataset.showId = seed.show_id;
    box.dataset.totalMinutes = seed.total_minutes ?? "";
    fill(box,
      el("p", { class: "eyebrow", text: "More like" }),
      el("h2", { class: "seed-title", "data-testid": "seed-title", text: seed.title }),
      seed.native_title ? el("p", { class: "native", lang: "ko", text: seed.native_title }) : null,
      el("p", { class: "meta", text: metaLine(seed) }),
      genreLine(seed.genres),
      el("p", { class: "runtime", "data-testid": "seed-runtime", text: runtimeText(seed) }),
      tagFilters(),
      seed.synopsis ? el("p", { class: "synopsis", "data-testid": "seed-synopsis", text: seed.synopsis }) : null,
      likeToggle(seed),
    );
  } else if (state.mode === "recommend") {
    delete box.dataset.showId;
    fill(box,
      el("p", { class: "eyebrow", text: "More like all of" }),
      el("ul", { class: "seed-list", "data-testid": "seed-list" }, state.seeds.map((show) => el("li", {},
        el("button", { type: "button", class: "link", text: show.title, title: "More like just this one",
                       onclick: () => act.pickSeed(show.show_id) }),
        el("span", { class: "meta", text: ` · ${runtimeText(show)}` })))),
      tagFilters(),
    );
  }
}

// the seed's tropes, each a toggle: pressed = every result must have it
function tagFilters() {
  const tags = [...new Set([...state.seedTags.slice(0, MAX_TAG_CHIPS), ...state.tags])];
  if (!tags.length) return null;
  return el("div", { class: "tag-filters" },
    el("p", { class: "label", id: "tag-filters-label", text: "Tropes · tap to require" }),
    el("div", { class: "chips", role: "group", "aria-labelledby": "tag-filters-label", "data-testid": "tag-filters" },
      tags.map((tag) => el("button", {
        type: "button", class: "chip toggle", "data-testid": "tag-filter", "data-tag": tag,
        "aria-pressed": String(state.tags.has(tag)), text: tagLabel(tag), onclick: () => act.toggleTag(tag),
      }))));
}

const genreLine = (genres) => (genres?.length
  ? el("p", { class: "genres", "data-testid": "genres", text: genres.join(" · ") }) : null);

const titleYear = (show) => (show.year ? `${show.title} (${show.year})` : show.title);

// what the engine took for granted, and the other shows an ambiguous name could mean
export function renderNotes(notes = [], alternatives = [], seed = null) {
  const box = $("notes");
  // the did-you-mean line says what a note about the same ambiguity would ("taking X; also: Y")
  const shown = notes.filter((note) => !alternatives.some((show) => note.includes(show.title)));
  box.hidden = !shown.length && !alternatives.length;
  fill(box,
    ...shown.map((note) => el("p", { class: "note", "data-testid": "note", text: note })),
    alternatives.length ? el("p", { class: "did-you-mean", "data-testid": "did-you-mean" },
      seed ? `Showing ${titleYear(seed)}. ` : "", "Did you mean: ", ...alternatives.map((show) => chipButton({
      "data-testid": "alternative", "data-show-id": show.show_id, text: titleYear(show),
      onclick: () => act.pickSeed(show.show_id, show),
    }))) : null,
  );
}

// ---- results -------------------------------------------------------------------------------------
export function heading(text) { $("results-heading").textContent = text; }

export function renderResults(page, append, shown = page.results) {
  hideMessage();
  const list = $("results");
  if (!append) {
    state.topScore = shown.length ? shown[0].score : 0;
    list.replaceChildren();
  }
  list.append(...shown.map(resultCard));
  const count = list.children.length;
  $("results-count").textContent = page.total ? `${count} of ${plural(page.total, "show", "shows")} that fit` : "";
  $("more").hidden = count >= page.total;
}

export function clearResults() {
  $("results").replaceChildren();
  $("results-count").textContent = "";
  $("more").hidden = true;
}

function resultCard(result) {
  const reasons = reasonChips(result);
  const share = state.topScore > 0 ? Math.max(4, Math.min(100, Math.round((100 * result.score) / state.topScore))) : 0;
  const fill = el("span", { class: "fill" });
  fill.style.width = `${share}%`;
  const also = alsoInFranchise(result);
  return el("li", {
    class: "card", tabindex: "0", "data-testid": "result-card", "data-show-id": result.show_id,
    "data-total-minutes": result.total_minutes ?? "", "data-episodes": result.episodes ?? "",
    "data-score": result.score, "data-same-franchise": String(Boolean(result.reasons.same_franchise)),
    "aria-label": `${result.title}: press Enter for more like this`,
    onclick: (event) => { if (!event.target.closest("label, input, button")) act.pickSeed(result.show_id, result); },
    onkeydown: (event) => {
      if (event.target === event.currentTarget && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        act.pickSeed(result.show_id, result);
      }
    },
  },
    el("h3", { class: "card-title", "data-testid": "card-title", text: result.title }),
    el("p", { class: "meta", text: metaLine(result) }),
    genreLine(result.genres),
    el("p", { class: "runtime", "data-testid": "runtime", text: runtimeText(result) }),
    also ? el("p", { class: "also", "data-testid": "also-in-franchise", text: `also: ${also}` }) : null,
    result.summary ? el("p", { class: "summary", "data-testid": "summary", text: result.summary }) : null,
    el("div", { class: "score", title: `score ${result.score.toFixed(2)}; the bar compares it with the best match` },
      el("span", { class: "bar", "aria-hidden": "true" }, fill),
      el("span", { class: "score-text", text: `${share}% match` })),
    reasons.length ? el("div", { class: "why" }, el("span", { class: "why-label", text: "Why it’s similar" }),
      el("ul", { class: "chips", "data-testid": "reasons" }, reasons)) : null,
    likeToggle(result),
  );
}

// "Hospital Playlist Season 2" on the card of Hospital Playlist reads "Season 2"
function alsoInFranchise(result) {
  const names = result.reasons.also_in_franchise || [];
  return names.map((name) => (name.startsWith(result.title) && name.length > result.title.length
    ? name.slice(result.title.length).replace(/^[\s:·-]+/, "") : name)).join(", ");
}

function reasonChips({ reasons }) {
  const chip = (kind, text, label) => el("li", { class: `chip ${kind}`, "data-testid": "reason-chip", "data-kind": kind,
                                                 title: label }, text);
  return [
    reasons.same_franchise ? chip("franchise", "same series", "another season or sister series of the seed") : null,
    ...reasons.shared_tags.slice(0, 4).map((tag, i) => chip("tag", reasons.tag_labels?.[i] || tagLabel(tag), "shared trope")),
    ...reasons.shared_cast.slice(0, 2).map((name) => chip("cast", `★ ${name}`, "shared cast")),
    ...(reasons.shared_crew || []).slice(0, 2).map((name) => chip("crew", `by ${name}`, "shared director or writer")),
    ...reasons.shared_terms.slice(0, 2).map((term) => chip("term", `“${term}”`, "a word fans use for both")),
  ].filter(Boolean);
}

function likeToggle(show) {
  const box = el("input", { type: "checkbox", "data-testid": "like-toggle", "data-show-id": show.show_id });
  box.checked = state.liked.has(show.show_id);
  box.addEventListener("change", () => act.like(show, box.checked));
  return el("label", { class: "like" }, box, " I like this");
}

export function renderLikeBar() {
  const bar = $("like-bar");
  bar.hidden = state.liked.size === 0;
  document.body.classList.toggle("has-like-bar", !bar.hidden);
  $("like-chips").replaceChildren(...[...state.liked.entries()].map(([id, title]) => el("button", {
    type: "button", class: "chip removable", "aria-label": `Remove ${title}`, text: `${title} ✕`,
    onclick: () => act.unlike(id),
  })));
  $("like-go").textContent = state.liked.size > 1 ? `More like these (${state.liked.size})` : "More like this one";
  for (const box of document.querySelectorAll("[data-testid=like-toggle]")) box.checked = state.liked.has(box.dataset.showId);
}

// ---- a request in words: what was understood, each piece removable ----------------------------------
export function renderUnderstood(answer) {
  const box = $("understood");
  if (!answer) { box.hidden = true; box.replaceChildren(); return; }
  const { pieces, unused } = answer.interpretation;
  box.hidden = false;
  fill(box,
    el("p", { class: "label", id: "understood-label", text: pieces.length ? "Understood · tap ✕ to drop one" : "Understood nothing yet" }),
    el("div", { class: "chips", role: "group", "aria-labelledby": "understood-label", "data-testid": "ask-pieces" },
      pieces.map((piece, i) => el("button", {
        type: "button", class: `chip piece ${piece.kind}`, "data-testid": "ask-piece", "data-kind": piece.kind,
        "data-value": String(piece.value), title: `from “${piece.words}”`, "aria-label": `Drop ${piece.label}`,
        onclick: () => act.dropPiece(i),
      }, el("span", { text: pieceLabel(piece) }), el("span", { class: "x", "aria-hidden": "true", text: " ✕" })))),
    unused.length ? el("p", { class: "unused", "data-testid": "ask-unused",
                              text: `did not understand: ${unused.map((w) => `‘${w}’`).join(", ")}` }) : null,
    answer.note ? el("p", { class: "note", "data-testid": "ask-note", text: answer.note }) : null,
  );
}

// a trope reads as the vocabulary names it on the cards ("Friends to lovers"), once the API has named it
function pieceLabel(piece) {
  if (piece.kind === "tag" && tagLabels.has(piece.value)) return tagLabels.get(piece.value);
  if (piece.kind === "exclude_tag" && tagLabels.has(piece.value)) return `no ${tagLabels.get(piece.value)}`;
  return piece.label.replaceAll("<=", "≤").replaceAll(">=", "≥");
}

// ---- messages -------------------------------------------------------------------------------------
export function hideMessage() { $("message").hidden = true; }

export function showMessage(kind, ...children) {
  const box = $("message");
  box.dataset.kind = kind;
  fill(box, ...children);
  box.hidden = false;
}

export function showError(error, query) {
  clearResults();
  if (error.status === 404) {
    const suggestions = error.body.suggestions || [];
    showMessage("no-match",
      el("p", { class: "message-title", text: `No show called “${query}” here.` }),
      suggestions.length ? el("p", {}, "Did you mean: ", ...suggestions.map((title) => chipButton({
        "data-testid": "suggestion-button", text: title, onclick: () => act.findTitle(title),
      }))) : el("p", { text: "Try fewer letters, another spelling, or the Hangul title." }));
  } else if (error.issues?.length) {
    // a 422: each bad parameter's message, and its did-you-mean when the server has one
    showMessage("invalid", el("p", { class: "message-title", text: "That did not work:" }),
      ...error.issues.map((issue) => el("div", { class: "issue", "data-testid": "issue" },
        el("p", { text: issue.msg }),
        issue.suggestions?.length ? el("p", {}, "Did you mean: ", ...issue.suggestions.map((value) => chipButton({
          "data-testid": "issue-suggestion", text: tagLabel(value), onclick: () => act.applySuggestion(issue, value),
        }))) : null)));
  } else {
    showMessage("error", el("p", { class: "message-title", text: "Something went wrong." }),
      el("p", { text: error.status ? error.message : "The server did not answer; is it still running?" }));
  }
}

// when the filters leave nothing: the server's reason, and buttons that relax what this page set
export function showEmpty(name, reason, fixes) {
  showMessage("empty",
    el("p", { class: "message-title", text: `Nothing like ${name} fits these filters.` }),
    reason ? el("p", { text: reason }) : null,
    fixes.length ? el("p", {}, ...fixes.map(([label, fix]) => el("button", {
      type: "button", class: "secondary", "data-testid": "relax-filter", text: label, onclick: fix,
    }))) : null);
}

export function showStarters(shows) {
  showMessage("hint", el("p", { class: "message-title", text: "Not sure where to start? Fans love these:" }),
    el("p", {}, ...shows.map((show) => chipButton({
      "data-testid": "starter", text: show.title, onclick: () => act.pickSeed(show.show_id, show),
    }))));
}

export function setBusy(busy) {
  $("results").setAttribute("aria-busy", String(busy));
  document.body.classList.toggle("busy", busy);
}

// at phone width the results sit below the seed card: bring the first answers into view
export function revealResults() {
  if (window.matchMedia("(max-width: 760px)").matches) {
    $("results-top").scrollIntoView({ block: "start" });
  } else {
    const top = document.querySelector(".layout").offsetTop;
    if (window.scrollY > top) window.scrollTo({ top });
  }
  $("results").focus({ preventScroll: true });
}
