// The talent search page: a query, filters, result tiles and paging over GET /v1/search.

import { ApiError, BADGE_LABELS, apiJson, el, highlightNodes, setUpKey, showMessage } from "./common.js";

const PAGE_SIZE = 10;
const $ = (id) => document.getElementById(id);

let diversity = null; // the enterprise-only module, loaded for enterprise keys only
let page = 1;
let lastPages = 1;
let sequence = 0;

function splitList(text) {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

function number(id) {
  const value = $(id).value.trim();
  return value === "" ? null : value;
}

/** The query string for the current form, as [name, value] pairs. */
function searchParams(pageNumber) {
  const params = [];
  const q = $("q").value.trim();
  if (q) params.push(["q", q]);
  for (const skill of splitList($("skills").value)) params.push(["skills", skill]);
  const badges = [...document.querySelectorAll("input[name=badge]:checked")].map((b) => b.value);
  if (badges.length) params.push(["badges", badges.join(",")]);
  for (const [id, name] of [
    ["min-jss", "min_jss"],
    ["min-rate", "min_rate"],
    ["max-rate", "max_rate"],
  ]) {
    const value = number(id);
    if (value !== null) params.push([name, value]);
  }
  const countries = splitList($("country").value).map((c) => c.toUpperCase());
  if (countries.length) params.push(["country", countries.join(",")]);
  if ($("sort").value !== "relevance") params.push(["sort", $("sort").value]);
  if (diversity) params.push(...diversity.params());
  params.push(["page", String(pageNumber)], ["size", String(PAGE_SIZE)]);
  return params;
}

function money(value) {
  return value === null || value === undefined ? "rate not set" : `$${Number(value).toFixed(0)}/h`;
}

/** The title, with the query terms marked when the server highlighted it. */
function titleNodes(tile) {
  const highlighted = tile.highlights?.title?.[0];
  return highlighted ? highlightNodes(highlighted) : document.createTextNode(tile.title);
}

function tileNode(tile) {
  const facts = el(
    "div",
    { class: "facts" },
    tile.badge
      ? el("span", { class: `badge ${tile.badge}`, text: BADGE_LABELS[tile.badge] ?? tile.badge })
      : null,
    el("span", {
      class: "jss",
      text:
        tile.job_success_score === null || tile.job_success_score === undefined
          ? "No JSS yet"
          : `JSS ${Math.round(tile.job_success_score)}%`,
    }),
    el("span", { class: "rate", text: money(tile.hourly_rate_usd) }),
    el("span", { class: "country", text: tile.country }),
    diversity ? diversity.badge(tile) : null,
  );
  const node = el(
    "li",
    { class: "tile", dataset: { id: tile.id } },
    el("h3", { class: "name", text: tile.name }),
    el("p", { class: "title" }, titleNodes(tile)),
    facts,
  );
  if (tile.matched_skills?.length) {
    node.append(
      el(
        "div",
        { class: "skills matched-skills" },
        el("span", { class: "label", text: "Matches:" }),
        tile.matched_skills.map((skill) =>
          el("span", {
            class: skill.exact ? "chip matched" : "chip matched similar",
            title: skill.exact ? "named in the query" : `similar (${skill.similarity.toFixed(2)})`,
            text: skill.label,
          }),
        ),
      ),
    );
  }
  if (tile.top_skills?.length) {
    node.append(
      el(
        "div",
        { class: "skills top-skills" },
        el("span", { class: "label", text: "Skills:" }),
        tile.top_skills.map((skill) => el("span", { class: "chip", text: skill })),
      ),
    );
  }
  const fields = Object.entries(tile.highlights ?? {}).filter(
    ([field, parts]) => field !== "title" && parts.length,
  );
  if (fields.length) {
    const box = el("div", { class: "highlights" });
    for (const [field, fragments] of fields) {
      const p = el("p", { dataset: { field } });
      fragments.forEach((fragment, i) => {
        if (i) p.append(" … ");
        p.append(highlightNodes(fragment));
      });
      box.append(p);
    }
    node.append(box);
  }
  return node;
}

function render(body) {
  const results = $("results");
  results.replaceChildren(...body.results.map(tileNode));
  lastPages = Math.max(1, Math.ceil(body.total / body.size));
  const windowNote = body.total >= body.window ? ` (ranked within the top ${body.window})` : "";
  $("summary").textContent = body.total
    ? `${body.total} talent${body.total === 1 ? "" : "s"}${windowNote} · ${body.took_ms.toFixed(0)} ms`
    : "No talent matches: try fewer filters or other words.";
  $("page-info").textContent = `Page ${body.page} of ${lastPages}`;
  $("prev-page").disabled = body.page <= 1;
  $("next-page").disabled = body.page >= lastPages;
  $("page-input").max = String(lastPages);
  $("pager").hidden = body.total === 0;
  if (diversity) diversity.showFacets(body.facets.diversity_categories);
}

async function search(pageNumber) {
  const mine = ++sequence;
  const box = $("search-error");
  showMessage(box, null);
  document.body.dataset.searching = "true";
  try {
    const body = await apiJson("/v1/search", { params: searchParams(pageNumber) });
    if (mine !== sequence) return;
    page = body.page;
    render(body);
  } catch (err) {
    if (mine !== sequence) return;
    const error =
      err instanceof ApiError && err.status === 422 && err.details.some((d) => d.field === "page")
        ? new ApiError(422, err.code, "That page is beyond the ranked results.", err.details)
        : err;
    if (err.status === 401) error.message = "Your key is no longer accepted: change key.";
    showMessage(box, error);
    $("results").replaceChildren();
    $("summary").textContent = "";
  } finally {
    if (mine === sequence) document.body.dataset.searching = "false";
  }
}

function wire() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    search(1);
  });
  $("prev-page").addEventListener("click", () => search(Math.max(1, page - 1)));
  $("next-page").addEventListener("click", () => search(page + 1));
  const goToPage = () => {
    const wanted = Number.parseInt($("page-input").value, 10);
    if (Number.isInteger(wanted) && wanted >= 1) search(wanted);
  };
  $("go-page").addEventListener("click", goToPage);
  $("page-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      goToPage();
    }
  });
}

setUpKey(async (me) => {
  $("sign-in-hint").hidden = true;
  if (me.tier === "enterprise") {
    diversity = await import("./diversity.js");
    diversity.mount($("diversity-slot"));
  }
  wire();
  $("search-form").hidden = false;
  $("q").focus();
  document.body.dataset.tier = me.tier;
});
