// Swagger UI for /docs, on the packaged bundle. No validator (it would call an outside host):
// the page's CSP allows nothing but this origin anyway.
/* global SwaggerUIBundle */
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  // The document (and "Try it out") follows the key the pages keep: each tier has its own.
  requestInterceptor: (request) => {
    const key = sessionStorage.getItem("talent-search.api-key");
    if (key && !request.headers["X-API-Key"]) request.headers["X-API-Key"] = key;
    return request;
  },
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
