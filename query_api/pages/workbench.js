// The relevance workbench: one query, two ranking profiles side by side, weight sliders, the
// explain breakdown of every hit, judgments with nDCG@10, and export of a tuned profile.
// Relevance engineer keys only; the API refuses the rest anyway (403).

import { api, apiJson, BADGE_LABELS, debounce, el, setUpKey, showMessage } from "./common.js";
import { badgeExposure } from "./exposure.js";
import { MAX_RATING, ndcgAtK, parseJudgments } from "./judgments.js";

const SIZE = 20; // hits per side; nDCG uses the top 10
const NDCG_K = 10;
const DEBOUNCE_MS = 300;
// Which settings get a slider, and how finely they move; each slider's range is the setting's
// valid range from the ranking profile model (GET /v1/ranking-profiles `settings`).
const SLIDERS = [
  { group: "Leg weights" },
  { path: "legs.lexical.weight", label: "lexical", step: 0.05 },
  { path: "legs.skill.weight", label: "skill", step: 0.05 },
  { group: "Badge multipliers" },
  { path: "badges.expert_vetted", label: "expert_vetted", step: 0.01 },
  { path: "badges.top_rated_plus", label: "top_rated_plus", step: 0.01 },
  { path: "badges.top_rated", label: "top_rated", step: 0.01 },
  { path: "badges.rising_talent", label: "rising_talent", step: 0.01 },
  { group: "JSS prior" },
  { path: "jss_prior.weight", label: "JSS prior weight", step: 0.01 },
];
const PART_CLASSES = new Set(["lexical_leg", "skill_leg", "base", "badge_boost", "jss_prior"]);
const $ = (id) => document.getElementById(id);

// The profile side B opens on (when it exists): the BM25-only baseline.
const COMPARE_WITH = "bm25";
const profiles = new Map(); // name -> full profile settings (GET /v1/ranking-profiles)
let settingInfo = {}; // dotted path -> the setting's description, stage and range, from the model
let policyWarnings = {}; // profile name -> where it breaks the badge policy
let judgments = null; // Map(query -> Map(docid -> rating)), from a Quepid CSV
let query = "";
const sides = {};

function read(object, path) {
  return path.split(".").reduce((value, key) => value?.[key], object);
}

function write(object, path, value) {
  const keys = path.split(".");
  let target = object;
  for (const key of keys.slice(0, -1)) target = target[key] ??= {};
  target[keys.at(-1)] = value;
}

/** The side's slider values that differ from its profile, as nested ranking_overrides. */
function overrides(side) {
  const out = {};
  let changed = false;
  for (const [path, input] of side.sliders) {
    if (input.value !== input.dataset.base) {
      write(out, path, Number(input.value));
      changed = true;
    }
  }
  return changed ? out : null;
}

/** The profile's description (its first sentence) and any badge-policy break, under its name. */
function describeProfile(side) {
  const profile = profiles.get(side.select.value);
  const text = (profile?.description ?? "").trim();
  side.about.textContent = text.split(/(?<=\.)\s/)[0] || "No description.";
  side.about.title = text;
}

/** Where the ranking this side shows breaks the badge policy (profile or sliders), or nothing. */
function showPolicy(side) {
  const warnings = side.body?.policy_warnings ?? policyWarnings[side.select.value] ?? [];
  side.policy.hidden = warnings.length === 0;
  side.policy.textContent = warnings.length
    ? `Badge policy: ${warnings.join("; ")}. Allowed (promoting new talent is a policy choice), ` +
      "but it changes the marketplace's order."
    : "";
}

function resetSliders(side) {
  describeProfile(side);
  const profile = profiles.get(side.select.value);
  for (const [path, input] of side.sliders) {
    const value = read(profile, path); // always inside the slider: its range is the model's
    input.value = String(value);
    input.dataset.base = input.value; // as the slider holds it (snapped to its step)
    showValue(input);
  }
}

function showValue(input) {
  const output = input.nextElementSibling;
  output.textContent = Number(input.value).toFixed(2);
  output.classList.toggle("changed", input.value !== input.dataset.base);
}

function buildSide(id, defaultProfile) {
  const root = $(`side-${id}`);
  const select = el(
    "select",
    { class: "profile", "aria-label": `Side ${id.toUpperCase()} ranking profile` },
    [...profiles.values()].map((p) =>
      el("option", { value: p.name, text: `${p.name} v${p.version}`, title: p.description }),
    ),
  );
  select.value = defaultProfile;
  const sliders = new Map();
  const grid = el("div", { class: "sliders" });
  for (const def of SLIDERS) {
    if (def.group) {
      grid.append(el("div", { class: "group", text: def.group }));
      continue;
    }
    const info = settingInfo[def.path] ?? {};
    const input = el("input", {
      type: "range",
      // an exclusive bound (a badge multiplier is above 0) starts one step inside
      min: info.min_exclusive ? info.min + def.step : info.min,
      max: info.max_exclusive ? info.max - def.step : info.max,
      step: def.step,
      "aria-label": `${def.path} (side ${id.toUpperCase()})`,
      dataset: { path: def.path },
    });
    sliders.set(def.path, input);
    const help = info.description ?? "";
    grid.append(
      el("label", { text: def.label, title: `${def.path}: ${help}` }),
      input,
      el("output"),
      el("div", { class: "slider-help", text: help, dataset: { path: def.path } }),
    );
  }
  const name = el("input", {
    type: "text",
    class: "export-name",
    placeholder: "new-profile-name",
    "aria-label": "New profile name",
    pattern: "[a-z0-9][a-z0-9_-]{0,63}",
  });
  const version = el("input", {
    type: "number",
    class: "export-version",
    min: 1,
    value: 1,
    "aria-label": "New profile version",
  });
  const reset = el("button", { type: "button", class: "secondary reset", text: "Reset" });
  const save = el("button", { type: "button", class: "export", text: "Save as profile YAML" });
  const side = {
    id,
    root,
    select,
    sliders,
    ndcg: el("span", { class: "ndcg", text: `nDCG@${NDCG_K} —` }),
    exposure: el("div", { class: "summary exposure" }),
    status: el("div", { class: "summary status" }),
    message: el("div", { class: "side-message", hidden: true }),
    about: el("div", { class: "profile-about" }),
    policy: el("div", { class: "message info policy-warning", hidden: true }),
    hits: el("ol", { class: "hits" }),
    body: null,
    sequence: 0,
  };
  side.search = debounce(() => runSide(side), DEBOUNCE_MS);
  root.replaceChildren(
    el("h2", {}, `Side ${id.toUpperCase()}`, select, side.ndcg),
    side.about,
    side.policy,
    grid,
    el("div", { class: "side-actions" }, reset, name, version, save),
    side.message,
    side.status,
    side.exposure,
    side.hits,
  );
  resetSliders(side);
  showPolicy(side);
  select.addEventListener("change", () => {
    side.body = null;
    resetSliders(side);
    showPolicy(side);
    runSide(side);
  });
  for (const input of sliders.values()) {
    input.addEventListener("input", () => {
      showValue(input);
      side.search();
    });
  }
  reset.addEventListener("click", () => {
    resetSliders(side);
    runSide(side);
  });
  save.addEventListener("click", () => exportProfile(side, name.value.trim(), version.value));
  return side;
}

async function runSide(side) {
  if (!query) return;
  const mine = ++side.sequence;
  side.root.dataset.state = "loading";
  const body = {
    q: query,
    size: SIZE,
    ranking_profile: side.select.value,
    explain: true,
  };
  const tuned = overrides(side);
  if (tuned) body.ranking_overrides = tuned;
  try {
    const result = await apiJson("/v1/search", { method: "POST", body });
    if (mine !== side.sequence) return;
    side.body = result;
    side.tuned = tuned;
    showMessage(side.message, null);
  } catch (err) {
    if (mine !== side.sequence) return;
    side.body = null;
    showMessage(side.message, err);
  }
  renderAll();
  showPolicy(side);
  side.root.dataset.overridden = String(Boolean(side.body?.ranking.overridden));
  side.root.dataset.state = "ready";
}

function renderAll() {
  // One scale for both sides, so bar lengths compare across them.
  let scale = 0;
  for (const side of Object.values(sides)) {
    for (const hit of side.body?.results ?? []) {
      const parts = Object.values(hit.explain?.parts ?? {});
      scale = Math.max(scale, hit.score, parts.filter((v) => v > 0).reduce((a, b) => a + b, 0));
    }
  }
  renderSide(sides.a, sides.b, scale || 1);
  renderSide(sides.b, sides.a, scale || 1);
}

function scoreBar(hit, scale) {
  const bar = el("div", { class: "bar", title: `score ${hit.score.toFixed(4)}` });
  const parts = Object.entries(hit.explain?.parts ?? {});
  let positive = 0;
  for (const [name, value] of parts) {
    if (value <= 0) continue;
    const span = el("span", {
      class: `part-${PART_CLASSES.has(name) ? name : "other"}`,
      title: `${name}: ${value.toFixed(4)}`,
      dataset: { part: name, value },
    });
    span.style.width = `${(100 * value) / scale}%`;
    bar.append(span);
    positive += value;
  }
  let end = positive;
  for (const [name, value] of parts) {
    if (value >= 0) continue;
    const span = el("span", {
      class: "negative",
      title: `${name}: ${value.toFixed(4)}`,
      dataset: { part: name, value },
    });
    end += value;
    span.style.left = `${(100 * Math.max(0, end)) / scale}%`;
    span.style.width = `${(100 * -value) / scale}%`;
    bar.append(span);
  }
  return bar;
}

function deltaNode(id, rank, other) {
  if (!other.body) return el("span", { class: "delta" });
  const index = other.body.results.findIndex((hit) => hit.id === id);
  if (index < 0) return el("span", { class: "delta new", text: "new", title: "not in the other side's results" });
  const delta = index + 1 - rank;
  if (delta === 0) return el("span", { class: "delta same", text: "=", title: "same rank on the other side" });
  return el("span", {
    class: delta > 0 ? "delta up" : "delta down",
    text: `${delta > 0 ? "▲" : "▼"}${Math.abs(delta)}`,
    title: `rank ${index + 1} on the other side`,
  });
}

function renderSide(side, other, scale) {
  const body = side.body;
  const rated = judgments?.get(query);
  if (!body) {
    side.hits.replaceChildren();
    side.status.textContent = "";
    side.ndcg.textContent = `nDCG@${NDCG_K} —`;
    side.exposure.textContent = "";
    return;
  }
  const ids = body.results.map((hit) => hit.id);
  if (rated) {
    const value = ndcgAtK(ids, rated, NDCG_K);
    side.ndcg.textContent = `nDCG@${NDCG_K} ${value.toFixed(3)}`;
    side.ndcg.dataset.value = String(value);
    side.ndcg.title = `${rated.size} judged documents for this query`;
  } else {
    side.ndcg.textContent = `nDCG@${NDCG_K} —`;
    delete side.ndcg.dataset.value;
    side.ndcg.title = judgments ? "no judgments for this query" : "load a judgment file";
  }
  const exposure = badgeExposure(body.results, NDCG_K);
  const skew = exposure.risingSkew;
  side.exposure.textContent =
    `badge exposure: NDKL ${exposure.ndkl.toFixed(3)} · Rising Talent skew@${NDCG_K} ` +
    (skew === null ? "— (none shown)" : Number.isFinite(skew) ? skew.toFixed(3) : "−∞ (none in the top 10)");
  side.exposure.title = `over the ${body.results.length} hits shown (docs/evaluation.md)`;
  side.exposure.dataset.ndkl = String(exposure.ndkl);
  const ranking = body.ranking;
  // `ranking.overridden` says whether overrides were applied; the sliders say which.
  side.status.textContent =
    `${ranking.profile} v${ranking.version}${ranking.overridden ? " with slider overrides" : ""}` +
    classNote(ranking) +
    ` · ${body.total} candidates · ${body.took_ms.toFixed(0)} ms`;
  side.hits.replaceChildren(
    ...body.results.map((hit, i) => {
      const rank = i + 1;
      const rating = rated?.get(hit.id);
      const row = el(
        "li",
        {
          class: rating === undefined ? "hit" : `hit rated-${Math.min(rating, MAX_RATING)}`,
          dataset: { id: hit.id, rank, score: hit.score },
        },
        el("span", { class: "rank", text: String(rank) }),
        deltaNode(hit.id, rank, other),
        el(
          "span",
          { class: "who", title: `${hit.id}: ${hit.title}` },
          el("strong", { text: hit.name }),
          " · ",
          el("code", { text: hit.id }),
          ` · ${hit.title}`,
          hit.badge ? ` · ${BADGE_LABELS[hit.badge] ?? hit.badge}` : "",
        ),
        el("span", { class: "score", text: hit.score.toFixed(4) }),
        el("span", { class: "rating", text: rating === undefined ? "" : `rated ${rating}` }),
        scoreBar(hit, scale),
      );
      return row;
    }),
  );
}

/** Dotted paths of a nested settings object ({legs: {skill: {weight: 2}}} -> legs.skill.weight). */
function settingPaths(settings, prefix = "") {
  return Object.entries(settings).flatMap(([key, value]) =>
    value && typeof value === "object" ? settingPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** The query's class, and the settings the profile's class replaces (sliders move the others). */
function classNote(ranking) {
  if (!ranking.query_class) return "";
  const own = profiles.get(ranking.profile)?.query_classes?.[ranking.query_class];
  const paths = own ? settingPaths(own) : [];
  return paths.length
    ? ` · ${ranking.query_class} query, ranked with its class's ${paths.join(", ")}`
    : ` · ${ranking.query_class} query`;
}

async function exportProfile(side, name, version) {
  const body = {
    base: side.select.value,
    name,
    version: Number.parseInt(version, 10) || 1,
    overrides: overrides(side) ?? {},
  };
  try {
    const response = await api("/v1/ranking-profiles/export", { method: "POST", body });
    const blob = new Blob([await response.text()], { type: "application/yaml" });
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: `${name}.yaml` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    showMessage(
      side.message,
      `Saved ${name}.yaml. Put it in the user profiles directory ` +
        `(TALENT_SEARCH_RANKING_PROFILES_DIR; default $TALENT_SEARCH_STATE_DIR/ranking-profiles) ` +
        `to use it as ranking_profile=${name}.`,
      "info",
    );
  } catch (err) {
    showMessage(side.message, err);
  }
}

async function loadJudgments(file) {
  const info = $("judgments-info");
  try {
    judgments = parseJudgments(await file.text());
  } catch (err) {
    judgments = null;
    info.textContent = `${file.name}: ${err.message}`;
    renderAll();
    return;
  }
  info.textContent = `${file.name}: ${judgments.size} judged quer${judgments.size === 1 ? "y" : "ies"}`;
  $("rating-legend").hidden = false;
  $("judged-queries").replaceChildren(...[...judgments.keys()].map((q) => el("option", { value: q })));
  if (!query && judgments.size) {
    $("bench-q").value = judgments.keys().next().value;
    runBoth();
  } else {
    renderAll();
  }
}

function runBoth() {
  query = $("bench-q").value.trim();
  for (const side of Object.values(sides)) runSide(side);
}

async function start() {
  const bench = $("bench");
  let catalog;
  try {
    catalog = await apiJson("/v1/ranking-profiles");
  } catch (err) {
    bench.hidden = false;
    showMessage($("bench-error"), err);
    return;
  }
  for (const profile of catalog.profiles) profiles.set(profile.name, profile);
  settingInfo = catalog.settings ?? {};
  policyWarnings = catalog.policy_warnings ?? {};
  if (catalog.invalid.length) {
    const problem = { message: "Some ranking profile files did not load:", details: catalog.invalid };
    showMessage($("bench-error"), problem, "info");
  }
  const fallback = profiles.has(catalog.default) ? catalog.default : profiles.keys().next().value;
  // Side B opens on the lexical baseline, so the first comparison already shows a difference.
  const baseline = profiles.has(COMPARE_WITH) && COMPARE_WITH !== fallback ? COMPARE_WITH : fallback;
  sides.a = buildSide("a", fallback);
  sides.b = buildSide("b", baseline);
  $("bench-form").addEventListener("submit", (event) => {
    event.preventDefault();
    runBoth();
  });
  $("judgments").addEventListener("change", (event) => {
    const [file] = event.target.files;
    if (file) loadJudgments(file);
  });
  bench.hidden = false;
  $("bench-q").focus();
}

setUpKey((me) => {
  $("sign-in-hint").hidden = true;
  document.body.dataset.tier = me.tier;
  if (me.tier !== "relevance_engineer") {
    $("engineers-only").hidden = false;
    return;
  }
  start();
});
