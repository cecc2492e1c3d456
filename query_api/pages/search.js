// The talent search page: a query (or a whole job post), filters, result tiles and paging over
// GET /v1/search (a query) and POST /v1/search (a job post: `job`, with each tile's fit).

import {
  ApiError,
  BADGE_LABELS,
  apiJson,
  debounce,
  el,
  highlightNodes,
  setUpKey,
  showMessage,
} from "./common.js";

const PAGE_SIZE = 10;
const SUGGESTIONS = 8;
const $ = (id) => document.getElementById(id);

// The tier's extra modules (`page_modules` of GET /v1/me, served only with their grant); each
// may add filters (mount), request parameters (params), a tile badge (badge) and facet counts
// (showFacets). Most tiers have none.
const extensions = [];
let page = 1;
let lastPages = 1;
let sequence = 0;
let mode = "query"; // "query": q and the skills filter (GET); "job": a job post (POST)

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

/**
 * A text box that collects skills as removable chips, with suggestions from
 * GET /v1/skills/suggest under it. `values()` is the chips, in the order they were picked, plus
 * whatever is still typed in the box (comma-separated).
 */
function chipInput(inputId, chipsId, listId) {
  const input = $(inputId);
  const chips = $(chipsId);
  const list = $(listId);
  const chosen = [];
  let suggestSequence = 0;

  function render() {
    chips.replaceChildren(
      ...chosen.map((skill) => {
        const remove = el("button", {
          type: "button",
          class: "chip-remove",
          "aria-label": `Remove ${skill}`,
          text: "×",
        });
        remove.addEventListener("click", () => {
          chosen.splice(chosen.indexOf(skill), 1);
          render();
        });
        return el("span", { class: "chip skill-chip", dataset: { skill } }, skill, remove);
      }),
    );
  }

  function close() {
    suggestSequence++;
    list.replaceChildren();
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function add(label) {
    const skill = label.trim();
    if (skill && !chosen.some((s) => s.toLowerCase() === skill.toLowerCase())) chosen.push(skill);
    input.value = "";
    close();
    render();
  }

  /** Ask for what is typed and list the answers under the box. */
  async function suggest() {
    const prefix = input.value.split(",").pop().trim();
    const mine = ++suggestSequence;
    if (!prefix) {
      close();
      return;
    }
    let body;
    try {
      body = await apiJson("/v1/skills/suggest", {
        params: [
          ["prefix", prefix],
          ["limit", String(SUGGESTIONS)],
        ],
      });
    } catch {
      return; // autocomplete is a convenience: typing on still works
    }
    if (mine !== suggestSequence) return;
    list.replaceChildren(
      ...body.suggestions.map((s) => {
        const option = el(
          "li",
          { role: "option", class: "suggestion", dataset: { label: s.label } },
          el("span", { text: s.label }),
          s.matched !== s.label ? el("span", { class: "hint", text: ` (${s.matched})` }) : null,
        );
        // mousedown, not click: the input's blur would close the list before a click lands
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
          add(s.label);
        });
        return option;
      }),
    );
    list.hidden = body.suggestions.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  }

  input.addEventListener("input", debounce(suggest, 120));
  input.addEventListener("blur", () => setTimeout(close, 0));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
    if ((event.key === "Enter" || event.key === ",") && input.value.trim()) {
      event.preventDefault();
      const first = list.hidden ? null : list.querySelector(".suggestion");
      add(first ? first.dataset.label : input.value.replace(/,$/, ""));
    }
  });
  return { values: () => [...new Set([...chosen, ...splitList(input.value)])] };
}

let skillsFilter; // the skills filter (query mode)
let jobSkills; // the job post's required skills
let jobNiceToHave; // ... and its nice-to-have skills

/** The filters, sort and paging, as [name, value] pairs (the query string of a GET). */
function filterParams(pageNumber) {
  const params = [];
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
  for (const extension of extensions) params.push(...extension.params());
  params.push(["page", String(pageNumber)], ["size", String(PAGE_SIZE)]);
  return params;
}

/** The query string for a search by `q` and the skills filter. */
function searchParams(pageNumber) {
  const params = [];
  const q = $("q").value.trim();
  if (q) params.push(["q", q]);
  for (const skill of skillsFilter.values()) params.push(["skills", skill]);
  return [...params, ...filterParams(pageNumber)];
}

/** The JSON body for a search by the job post: the post, then the filters as JSON fields. */
function jobBody(pageNumber) {
  const body = {
    job: {
      title: $("job-title").value.trim(),
      description: $("job-description").value.trim(),
      skills: jobSkills.values(),
      nice_to_have: jobNiceToHave.values(),
      match: $("job-match-all").checked ? "all" : "rank",
    },
  };
  for (const [name, value] of filterParams(pageNumber)) body[name] = value;
  return body;
}

function setMode(wanted) {
  mode = wanted;
  for (const [id, name] of [
    ["mode-query", "query"],
    ["mode-job", "job"],
  ]) {
    $(id).setAttribute("aria-selected", String(name === mode));
  }
  $("query-panel").hidden = mode !== "query";
  $("skills-filter").hidden = mode !== "query";
  $("job-panel").hidden = mode !== "job";
  (mode === "job" ? $("job-title") : $("q")).focus();
}

/** What the search read the job post as: names it did not know, and corrections. */
function renderJobReading(body) {
  const box = $("job-reading");
  const job = body.query?.job;
  const unknown = job?.unknown_skills ?? [];
  box.hidden = !job || unknown.length === 0;
  box.replaceChildren();
  if (!box.hidden) {
    box.append(
      "Not in our skills list, so matched by their words in freelancers' skills: ",
      ...unknown.map((name) => el("span", { class: "chip unknown-skill", text: name })),
    );
  }
}

/** "Did you mean Python?": each correction as a link that searches the corrected text. */
function renderDidYouMean(body) {
  const box = $("did-you-mean");
  const corrections = body.did_you_mean ?? [];
  box.hidden = corrections.length === 0;
  if (box.hidden) {
    box.replaceChildren();
    return;
  }
  if (mode === "job") {
    // a job post's corrections are its skills' own: say what each was read as
    box.replaceChildren(
      "Read as: ",
      corrections.map((c) => `${c.typed} → ${c.suggestion}`).join(", "),
    );
    return;
  }
  const corrected = corrections.reduce(
    (text, c) =>
      text.replace(new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(c.typed)}(?=$|[^\\p{L}\\p{N}])`, "giu"),
        (_, before) => `${before}${c.suggestion}`),
    $("q").value,
  );
  const link = el("button", {
    type: "button",
    id: "did-you-mean-link",
    class: "link",
    text: corrections.map((c) => c.suggestion).join(", "),
    title: `Search "${corrected}"`,
  });
  link.addEventListener("click", () => {
    $("q").value = corrected;
    search(1);
  });
  box.replaceChildren("Did you mean ", link, "?");
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
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
    ...extensions.map((extension) => extension.badge(tile)),
  );
  const node = el(
    "li",
    { class: "tile", dataset: { id: tile.id } },
    el("h3", { class: "name", text: tile.name }),
    el("p", { class: "title" }, titleNodes(tile)),
    facts,
  );
  if (tile.required_skills) {
    const fit = tile.required_skills;
    node.append(
      el(
        "div",
        { class: "skills fit", dataset: { held: String(fit.held), of: String(fit.of) } },
        el("span", {
          class: fit.held === fit.of ? "coverage full" : "coverage",
          text: `Has ${fit.held} of ${fit.of} required skills`,
        }),
        fit.matched.map((skill) => el("span", { class: "chip matched", text: skill })),
        fit.missing.length ? el("span", { class: "label", text: "Missing:" }) : null,
        fit.missing.map((skill) => el("span", { class: "chip missing", text: skill })),
      ),
    );
  }
  if (tile.matched_skills?.length && !tile.required_skills) {
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
  // `total` is what the pages reach (the best `window` by relevance) and what the facets count;
  // `matched` is how many the engine matched, which may be more ("359+": 359 or more).
  lastPages = body.pages;
  const matched = body.matched;
  const wider = matched.relation === "gte" || matched.count > body.total;
  const matchedText = `${matched.count}${matched.relation === "gte" ? "+" : ""}`;
  const windowNote = wider ? ` · the best ${body.total} of ${matchedText} matches` : "";
  $("summary").textContent = body.total
    ? `${body.total} talent${body.total === 1 ? "" : "s"}${windowNote} · ${body.took_ms.toFixed(0)} ms`
    : "No talent matches: try fewer filters or other words.";
  $("summary").dataset.total = String(body.total);
  $("page-info").textContent = `Page ${body.page} of ${lastPages}`;
  $("prev-page").disabled = body.page <= 1;
  $("next-page").disabled = body.page >= lastPages;
  $("page-input").max = String(lastPages);
  $("pager").hidden = body.total === 0;
  renderDidYouMean(body);
  renderJobReading(body);
  for (const extension of extensions) extension.showFacets(body.facets);
}

async function search(pageNumber) {
  const mine = ++sequence;
  const box = $("search-error");
  showMessage(box, null);
  document.body.dataset.searching = "true";
  try {
    const body =
      mode === "job"
        ? await apiJson("/v1/search", { method: "POST", body: jobBody(pageNumber) })
        : await apiJson("/v1/search", { params: searchParams(pageNumber) });
    if (mine !== sequence) return;
    page = body.page;
    render(body);
  } catch (err) {
    if (mine !== sequence) return;
    const error =
      err instanceof ApiError && err.status === 422 && err.details.some((d) => d.field === "page")
        ? new ApiError(422, err.code, "That page is beyond the ranked results.", err.details)
        : err;
    $("page-input").value = "";
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
    $("page-input").value = ""; // a new search starts on page 1, whatever was typed there
    search(1);
  });
  $("prev-page").addEventListener("click", () => search(Math.max(1, page - 1)));
  $("next-page").addEventListener("click", () => search(page + 1));
  // A page outside 1..last is brought inside it, so the box never holds a page the API would
  // refuse (and the form never keeps a value it cannot submit).
  const goToPage = () => {
    const wanted = Number.parseInt($("page-input").value, 10);
    if (!Number.isInteger(wanted)) {
      $("page-input").value = "";
      return;
    }
    const clamped = Math.min(Math.max(wanted, 1), lastPages);
    $("page-input").value = String(clamped);
    search(clamped);
  };
  $("go-page").addEventListener("click", goToPage);
  skillsFilter = chipInput("skills", "skill-chips", "skill-suggestions");
  jobSkills = chipInput("job-skills", "job-skill-chips", "job-skill-suggestions");
  jobNiceToHave = chipInput("job-nice", "job-nice-chips", "job-nice-suggestions");
  $("mode-query").addEventListener("click", () => setMode("query"));
  $("mode-job").addEventListener("click", () => setMode("job"));
  $("page-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      goToPage();
    }
  });
}

setUpKey(async (me) => {
  $("sign-in-hint").hidden = true;
  for (const url of me.page_modules ?? []) {
    const extension = await import(url);
    extension.mount($("filters"));
    extensions.push(extension);
  }
  wire();
  $("search-form").hidden = false;
  $("q").focus();
  document.body.dataset.tier = me.tier;
});
