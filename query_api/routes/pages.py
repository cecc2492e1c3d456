"""The browser pages: the search page (`/`), the relevance workbench, the docs, their files.

Plain ES modules and CSS from `query_api/pages/`, no build step; Swagger UI for `/docs` is
served from the package (swagger-ui-dist from npm, Apache-2.0: see its LICENSE and NOTICE
there), so nothing comes from a CDN and everything runs under the pages' CSP.
"""

from __future__ import annotations

import pathlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from query_api.api_keys import DEMO_KEYS
from query_api.deps import State
from query_api.errors import NotFound
from query_api.page_grants import MODULES_PATH, PageGrants
from query_api.response_models import DemoKey, PageConfig
from query_api.tier_openapi import openapi_for

PAGES_DIR = pathlib.Path(__file__).parent.parent / "pages"
SWAGGER_UI_DIR = pathlib.Path(__file__).parent.parent / "swagger_ui"
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class PageFiles(StaticFiles):
    """Static files with the pages' headers (CSP, nosniff, no referrer)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers.update(PAGE_HEADERS)
        return response


router = APIRouter(include_in_schema=False)


@router.get("/")
def search_page() -> FileResponse:
    return FileResponse(PAGES_DIR / "search.html", headers=PAGE_HEADERS)


@router.get("/workbench")
def workbench_page() -> FileResponse:
    return FileResponse(PAGES_DIR / "workbench.html", headers=PAGE_HEADERS)


@router.get("/pages/config", response_model=PageConfig)
def page_config(state: State) -> PageConfig:
    if not state.show_demo_keys:
        return PageConfig()
    return PageConfig(
        demo_keys=[DemoKey(key=key, tier=tier) for key, (_, tier) in DEMO_KEYS.items()]
    )


@router.get("/openapi.json")
def openapi_document(request: Request, state: State) -> JSONResponse:
    """The OpenAPI document of the caller's tier (`X-API-Key`; without one, standard's)."""
    client = state.keys.authenticate(request.headers.get("x-api-key"))
    return JSONResponse(openapi_for(request.app.openapi(), client.tier if client else None))


@router.get("/docs")
def docs_page() -> FileResponse:
    return FileResponse(PAGES_DIR / "docs.html", headers=PAGE_HEADERS)


@router.get(MODULES_PATH + "/{name}")
def tier_module(request: Request, name: str, grant: str | None = None) -> FileResponse:
    """A tier's page module, with the grant `/v1/me` gave; otherwise the 404 of a missing file
    (the same body as the page files' own)."""
    grants: PageGrants = request.app.state.page_grants
    path = grants.file(name, grant)
    if path is None:
        raise NotFound("Not Found")
    return FileResponse(path, headers=PAGE_HEADERS)


# After the routes: `/pages/config` and the tier modules are routes, the rest of `/pages/` are
# files.
router.mount("/pages", PageFiles(directory=PAGES_DIR), name="pages")
router.mount("/swagger-ui", PageFiles(directory=SWAGGER_UI_DIR), name="swagger-ui")
