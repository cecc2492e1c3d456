// The Diversity-Certified filter and tile badge. Enterprise Suite keys only: the API serves this
// module (and its stylesheet) only with the grant GET /v1/me gives an enterprise key
// (query_api/page_grants.py), and search.js imports what /v1/me lists. So a standard key never
// downloads it, never shows the filter, and never sends a diversity parameter.

import { el } from "/pages/common.js";

// Keep in step with domain.diversity.DiversityCategory; categories the API reports in the
// enterprise facets but missing here are added on the fly (the list is meant to grow).
const LABELS = {
  minority_owned: "Minority-owned",
  black_owned: "Black-owned",
  woman_owned: "Woman-owned",
  veteran_owned: "U.S. veteran-owned",
  disability_owned: "Disability-owned",
  lgbtq_owned: "LGBTQ+-owned",
};

let certified;
let list;
let representative;

export function label(category) {
  return LABELS[category] ?? category.replaceAll("_", " ");
}

function addCategory(category) {
  const box = el("input", {
    type: "checkbox",
    name: "diversity-category",
    value: category,
    disabled: !certified.checked,
  });
  const row = el("label", { class: "check", dataset: { category } }, box, ` ${label(category)}`);
  row.append(el("span", { class: "hint count" }));
  list.append(row);
}

/** Build the filter at the end of `filters`, and load this module's stylesheet. */
export function mount(filters) {
  const sheet = new URL(import.meta.url);
  sheet.pathname = sheet.pathname.replace(/\.js$/, ".css");
  document.head.append(el("link", { rel: "stylesheet", href: sheet.href }));
  const slot = el("div", { id: "diversity-slot" });
  filters.append(slot);
  certified = el("input", { type: "checkbox", id: "diversity-certified" });
  list = el("div", { id: "diversity-categories" });
  certified.addEventListener("change", () => {
    for (const box of list.querySelectorAll("input")) box.disabled = !certified.checked;
  });
  // Representative results (the API's `representative`): not a filter, a re-ordering that
  // keeps certified businesses, and everyone else, at their share of every page.
  representative = el("input", { type: "checkbox", id: "representative" });
  slot.replaceChildren(
    el(
      "fieldset",
      { id: "diversity-filter" },
      el("legend", { text: "Diversity-Certified" }),
      el("label", { class: "check" }, certified, " Diversity-Certified businesses only"),
      el("div", { class: "hint", text: "Optionally, only these certified categories:" }),
      list,
      el("label", { class: "check" }, representative, " Representative results"),
      el("div", {
        class: "hint",
        text: "Every page holds certified businesses at least in their share among the first 50 results.",
      }),
    ),
  );
  for (const category of Object.keys(LABELS)) addCategory(category);
}

/** The request parameters for the current filter state (none when it is off). */
export function params() {
  const out = representative?.checked ? [["representative", "diversity"]] : [];
  if (!certified?.checked) return out;
  const categories = [...list.querySelectorAll("input:checked")].map((box) => box.value);
  out.push(["diversity_certified", "true"]);
  if (categories.length) out.push(["diversity_categories", categories.join(",")]);
  return out;
}

/** Show the enterprise facet counts next to each category. */
export function showFacets(facets) {
  const buckets = facets.diversity_categories ?? [];
  const counts = new Map(buckets.map((b) => [b.value, b.count]));
  for (const value of counts.keys()) {
    if (!list.querySelector(`[data-category="${CSS.escape(value)}"]`)) addCategory(value);
  }
  for (const row of list.querySelectorAll("label[data-category]")) {
    const count = counts.get(row.dataset.category);
    row.querySelector(".count").textContent = count ? ` (${count})` : "";
  }
}

/** The tile's diversity badge, or null. */
export function badge(tile) {
  const categories = tile.diversity?.categories ?? [];
  if (!categories.length) return null;
  return el("span", {
    class: "diversity-badge",
    text: `Diversity-Certified: ${categories.map(label).join(", ")}`,
  });
}
