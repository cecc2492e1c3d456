// Shared by the search page and the relevance workbench: the API key, API calls, safe rendering.
//
// The key is entered once and kept in sessionStorage (this browser tab only, gone when the tab
// closes). The page never guesses the tier: it asks GET /v1/me.

const KEY_STORAGE = "talent-search.api-key";

export const BADGE_LABELS = {
  expert_vetted: "Expert-Vetted",
  top_rated_plus: "Top Rated Plus",
  top_rated: "Top Rated",
  rising_talent: "Rising Talent",
};

export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function storedKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

export async function api(path, { method = "GET", params, body, key } = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of params ?? []) url.searchParams.append(name, value);
  const headers = { "X-API-Key": key ?? storedKey() ?? "", Accept: "application/json" };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new ApiError(0, "network_error", `cannot reach the API (${err.message})`);
  }
  if (!response.ok) {
    let error = {};
    try {
      error = (await response.json()).error ?? {};
    } catch {
      // not our JSON error shape
    }
    throw new ApiError(
      response.status,
      error.code ?? "http_error",
      error.message ?? `${response.status} ${response.statusText}`,
      error.details ?? [],
    );
  }
  return response;
}

export async function apiJson(path, options) {
  return (await api(path, options)).json();
}

/** Build an element: el("p", {class: "x", text: "..."}, child, ...). Text is never parsed. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return node;
}

/**
 * A highlight fragment as DOM nodes. The server HTML-escapes the stored text and wraps query
 * terms in <em>; anything else that looks like markup is kept as text only. The fragment is
 * parsed by DOMParser (an inert document: no scripts run, nothing loads) and rebuilt from text
 * nodes and <em> elements alone, so innerHTML is never used.
 */
export function highlightNodes(html) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const out = document.createDocumentFragment();
  const copy = (from, to) => {
    for (const child of from.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        to.append(document.createTextNode(child.data));
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.localName === "em") {
          const em = document.createElement("em");
          copy(child, em);
          to.append(em);
        } else {
          copy(child, to);
        }
      }
    }
  };
  copy(doc.body, out);
  return out;
}

/** An error (or any message) shown in a box: the message and each invalid field. */
export function showMessage(box, error, kind = "error") {
  box.replaceChildren();
  box.hidden = !error;
  if (!error) return;
  box.classList.remove("error", "info");
  box.classList.add("message", kind);
  const text = typeof error === "string" ? error : error.message;
  box.append(el("div", { text }));
  const details = error.details ?? [];
  if (details.length) {
    box.append(
      el(
        "ul",
        {},
        details.map((d) => el("li", { text: d.field ? `${d.field}: ${d.message}` : d.message })),
      ),
    );
  }
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/**
 * Under `talent-search demo` only, the public demo keys next to the key box (GET /pages/config
 * lists them then, and nothing otherwise); clicking one fills it in.
 */
async function showDemoKeys(panel, input) {
  let config;
  try {
    const response = await fetch("/pages/config", { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    config = await response.json();
  } catch {
    return;
  }
  if (!config.demo_keys?.length || !panel.contains(input)) return;
  panel.append(
    el(
      "div",
      { id: "demo-keys", class: "demo-keys" },
      el("span", { text: "Demo keys:" }),
      config.demo_keys.map(({ key, tier }) => {
        const button = el("button", {
          type: "button",
          class: "link demo-key",
          dataset: { key, tier },
          title: `${tier.replace("_", " ")} tier`,
          text: key,
        });
        button.addEventListener("click", () => {
          input.value = key;
          input.focus();
        });
        return button;
      }),
    ),
  );
}

/**
 * The key panel in the header. Calls onReady(me) once a key is known to work ({client, tier}).
 * A stored key that stops working (revoked) brings the form back.
 */
export async function setUpKey(onReady) {
  const panel = document.getElementById("key-panel");
  const showForm = (problem) => {
    const input = el("input", {
      type: "password",
      id: "api-key",
      placeholder: "API key (X-API-Key)",
      autocomplete: "off",
      "aria-label": "API key",
      required: true,
    });
    const error = el("span", { id: "key-error", class: "who", text: problem ?? "" });
    const form = el("form", { id: "key-form" }, input, el("button", { text: "Use key" }), error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const key = input.value.trim();
      try {
        const me = await apiJson("/v1/me", { key });
        sessionStorage.setItem(KEY_STORAGE, key);
        ready(me);
      } catch (err) {
        error.textContent = err.status === 401 ? "Unknown key." : err.message;
      }
    });
    panel.replaceChildren(form);
    input.focus();
    showDemoKeys(panel, input);
  };
  const ready = (me) => {
    const change = el("button", { id: "change-key", class: "secondary", text: "Change key" });
    change.addEventListener("click", () => {
      sessionStorage.removeItem(KEY_STORAGE);
      location.reload();
    });
    panel.replaceChildren(
      el(
        "span",
        { id: "whoami", class: "who", dataset: { tier: me.tier } },
        "Signed in as ",
        el("strong", { text: me.client }),
        " ",
        el("span", { class: "tier", text: me.tier.replace("_", " ") }),
      ),
      change,
    );
    onReady(me);
  };
  const key = storedKey();
  if (!key) {
    showForm();
    return;
  }
  try {
    ready(await apiJson("/v1/me", { key }));
  } catch (err) {
    if (err.status === 401) sessionStorage.removeItem(KEY_STORAGE);
    showForm(err.status === 401 ? "The saved key no longer works." : err.message);
  }
}
