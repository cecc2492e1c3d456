// Swagger UI for /docs, on the packaged bundle. No validator (it would call an outside host):
// the page's CSP allows nothing but this origin anyway.
/* global SwaggerUIBundle */
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
