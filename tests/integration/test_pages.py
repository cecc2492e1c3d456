"""The search page and the relevance workbench in a real browser: Debian's headless Chromium,
driven by the Python playwright package, against the API served over HTTP by uvicorn.

Chromium comes from Debian (`scripts/setup.sh` installs it); `playwright install` is never run.
Screenshots of both pages land in `test-artifacts/` at the repository root.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from osmem_server import OsmemServer
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright

from config.settings import TalentSettings
from ranking.ranking_profile import RankingProfile, load_profile
from relevance import exposure
from relevance.evaluation import ndcg_at_k
from tests.factories import profile
from tests.integration.api_support import COUNTING, corpus, indexed_clone, make_app
from tests.integration.servers import served_over_http

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000

# Stored text that looks like markup: it must show as text, never run or load anything.
HOSTILE = profile(
    id="xss-1",
    name="Mallory <b>Bold</b>",
    title='Python <img src=x onerror="window.__xss=1"> Developer',
    overview="Python <script>window.__xss=2</script> automation scripts",
    skills=["Python"],
    country="GB",
    hourly_rate_usd=50,
)
# Ratings for the workbench query (Quepid CSV; quoted cells on purpose).
JUDGMENTS = (
    'query,docid,rating\r\n"developer",cert-ok,3\r\ndeveloper,cert-ca,2\r\n'
    "developer,go-ev,0\r\ndeveloper,react-1,0\r\ngolang,go-ev,3\r\n"
)


@pytest.fixture(scope="module")
def clone_url(osmem_server: OsmemServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An embedded clone holding the test corpus and a hostile profile."""
    workdir = tmp_path_factory.mktemp("pages-index")
    with indexed_clone(osmem_server, [*corpus(), HOSTILE], workdir) as clone:
        yield clone.url


# A user profile whose job-title class ranks with a skill weight of its own.
CLASSED = load_profile("default").with_overrides(
    {
        "name": "title-classed",
        "query_classes": {"job_title": {"legs": {"skill": {"weight": 3.0}}}},
    }
)


@pytest.fixture(scope="module")
def base_url(clone_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API with its pages, on real HTTP in a background thread, over an indexed clone; its
    user profiles directory holds CLASSED."""
    workdir = tmp_path_factory.mktemp("pages")
    profiles = workdir / "ranking-profiles"
    profiles.mkdir()
    (profiles / "title-classed.yaml").write_text(CLASSED.to_yaml())
    talent = TalentSettings(ranking_profiles_dir=profiles, state_dir=workdir / "state")
    with served_over_http(make_app(clone_url, workdir, talent_settings=talent)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run scripts/setup.sh (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def sign_in(page: Page, url: str, key: str, tier: str) -> None:
    page.goto(url)
    page.fill("#api-key", key)
    page.click("#key-form button")
    expect(page.locator("#whoami")).to_have_attribute("data-tier", tier)


def tile_ids(page: Page) -> list[str]:
    ids: list[str] = page.locator(".tile").evaluate_all("tiles => tiles.map(t => t.dataset.id)")
    return ids


def search(page: Page, q: str) -> None:
    page.fill("#q", q)
    page.click("#search-button")
    expect(page.locator("body")).to_have_attribute("data-searching", "false")


# --- the search page ----------------------------------------------------------------------------


def test_a_search_shows_tiles_with_matched_skills_and_safe_highlights(
    page: Page, base_url: str
) -> None:
    sign_in(page, base_url + "/", "demo-standard-key", "standard")
    search(page, "python")
    tiles = page.locator(".tile")
    expect(tiles.first).to_be_visible()
    assert "cert-ok" in tile_ids(page)
    ok = page.locator('.tile[data-id="cert-ok"]')
    expect(ok.locator(".matched-skills .chip")).to_have_text(["Python"])
    expect(ok.locator(".jss")).to_have_text("JSS 95%")
    expect(ok.locator(".rate")).to_have_text("$60/h")
    expect(ok.locator(".country")).to_have_text("US")
    expect(ok.locator(".badge")).to_have_text("Top Rated Plus")
    expect(ok.locator(".title")).to_have_text("Python Developer")
    expect(ok.locator(".title em")).to_have_text("Python", ignore_case=True)

    # Markup in stored text is shown as text; nothing runs, nothing loads.
    hostile = page.locator('.tile[data-id="xss-1"]')
    expect(hostile.locator(".name")).to_have_text("Mallory <b>Bold</b>")
    expect(hostile.locator(".title")).to_have_text(
        'Python <img src=x onerror="window.__xss=1"> Developer'
    )
    expect(hostile.locator(".highlights")).to_contain_text("<script>window.__xss=2</script>")
    assert hostile.locator("img, script, b").count() == 0
    assert hostile.locator(".title em, .highlights em").count() >= 2
    assert page.evaluate("window.__xss") is None

    # Filters narrow the results; a tile shows badge, JSS, rate and country.
    search(page, "golang")
    expect(page.locator('.tile[data-id="go-ev"] .badge')).to_have_text("Expert-Vetted")
    page.fill("#max-rate", "50")
    search(page, "golang")
    expect(tiles).to_have_count(1)
    assert tile_ids(page) == ["go-new"]
    expect(page.locator('.tile[data-id="go-new"] .jss')).to_have_text("No JSS yet")

    # A page beyond the last is brought back to the last (the API would refuse it).
    page.fill("#max-rate", "")
    search(page, "python")
    page.fill("#page-input", "999")
    page.click("#go-page")
    expect(page.locator("body")).to_have_attribute("data-searching", "false")
    expect(page.locator("#page-info")).to_have_text("Page 1 of 1")
    expect(page.locator("#page-input")).to_have_value("1")
    expect(page.locator("#search-error")).to_be_hidden()

    # The key is kept for the browser session.
    page.reload()
    expect(page.locator("#whoami")).to_have_attribute("data-tier", "standard")
    assert page.locator("#api-key").count() == 0


def test_the_diversity_filter_is_for_enterprise_keys_only(
    browser: Browser, page: Page, base_url: str
) -> None:
    sign_in(page, base_url + "/", "demo-enterprise-key", "enterprise")
    expect(page.locator("#diversity-filter")).to_be_visible()
    search(page, "python")
    assert len(tile_ids(page)) > len(COUNTING)
    page.check("#diversity-certified")
    search(page, "python")
    expect(page.locator(".tile")).to_have_count(len(COUNTING))
    assert set(tile_ids(page)) == set(COUNTING)
    expect(page.locator('.tile[data-id="cert-ok"] .diversity-badge')).to_have_text(
        "Diversity-Certified: Woman-owned"
    )
    expect(page.locator('.tile[data-id="cert-vet"] .diversity-badge')).to_contain_text(
        "veteran-owned"
    )
    page.check('input[name="diversity-category"][value="veteran_owned"]')
    search(page, "python")
    expect(page.locator(".tile")).to_have_count(1)
    assert tile_ids(page) == ["cert-vet"]

    # Representative results: a re-ordering of the same window, sent as `representative`
    page.uncheck("#diversity-certified")
    sent: list[Request] = []
    page.on("request", lambda request: sent.append(request))
    page.check("#representative")
    search(page, "python")
    expect(page.locator(".tile").first).to_be_visible()
    assert any("representative=diversity" in r.url for r in sent if "/v1/search" in r.url)

    # A standard key: no filter, no badge, and no request that carries or loads anything
    # about diversity.
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    standard = context.new_page()
    requests: list[Request] = []
    standard.on("request", lambda request: requests.append(request))
    sign_in(standard, base_url + "/", "demo-standard-key", "standard")
    standard.check('input[name="badge"][value="top_rated_plus"]')
    standard.fill("#min-jss", "80")
    search(standard, "python")
    expect(standard.locator(".tile").first).to_be_visible()
    assert (
        standard.locator("#diversity-filter, #diversity-certified, .diversity-badge").count() == 0
    )
    assert "diversity" not in standard.inner_text("body").lower()
    searches = [r for r in requests if "/v1/search" in r.url]
    assert searches and all("badges=top_rated_plus" in r.url for r in searches)
    leaks = [r.url for r in requests if "diversity" in (r.url + (r.post_data or "")).lower()]
    assert leaks == []
    assert not [r.url for r in requests if "/pages/enterprise/" in r.url]

    # The key carries over to the workbench, which tells a non-engineer it is not for them.
    standard.goto(base_url + "/workbench")
    expect(standard.locator("#engineers-only")).to_be_visible()
    expect(standard.locator("#engineers-only")).to_contain_text("relevance engineers only")
    assert not [r for r in requests if "/v1/ranking-profiles" in r.url]
    context.close()


def test_a_standard_key_cannot_download_or_discover_the_enterprise_page_code(
    base_url: str,
) -> None:
    """The search page's own files say nothing about diversity; the enterprise module is served
    only with the grant /v1/me gives an enterprise key, and answers any other request with the
    404 of a missing file."""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for path in ("/", "/pages/search.js", "/pages/common.js", "/pages/style.css"):
            response = http.get(path)
            assert response.status_code == 200 and "iversity" not in response.text, path
        missing = http.get("/pages/no-such-file.js")
        assert missing.status_code == 404
        standard = http.get("/v1/me", headers={"X-API-Key": "demo-standard-key"}).json()
        assert standard["page_modules"] == []
        [module] = http.get("/v1/me", headers={"X-API-Key": "demo-enterprise-key"}).json()[
            "page_modules"
        ]
        assert module.startswith("/pages/enterprise/diversity.js?grant=")
        grant = module.partition("grant=")[2]
        expires, _, signature = grant.partition(".")
        for refused in (
            "/pages/diversity.js",
            "/pages/enterprise/diversity.js",
            "/pages/enterprise/diversity.css",
            f"/pages/enterprise/diversity.js?grant={expires}.{'0' * len(signature)}",
            f"/pages/enterprise/diversity.js?grant={int(expires) + 1}.{signature}",
            f"/pages/enterprise/other.js?grant={grant}",
        ):
            response = http.get(refused)
            assert response.status_code == 404, refused
            assert response.json()["error"] | {"request_id": None} == missing.json()["error"] | {
                "request_id": None
            }
        for granted in (module, module.replace(".js?", ".css?")):
            response = http.get(granted)
            assert response.status_code == 200 and "iversity" in response.text, granted
            assert response.headers["x-content-type-options"] == "nosniff"


def test_did_you_mean_offers_the_corrected_search(page: Page, base_url: str) -> None:
    sign_in(page, base_url + "/", "demo-standard-key", "standard")
    search(page, "pyhton developer")
    box = page.locator("#did-you-mean")
    expect(box).to_be_visible()
    expect(box).to_have_text("Did you mean Python?")
    assert "cert-ok" in tile_ids(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "search-did-you-mean.png")
    page.click("#did-you-mean-link")
    expect(page.locator("#q")).to_have_value("Python developer")
    expect(page.locator("body")).to_have_attribute("data-searching", "false")
    expect(box).to_be_hidden()
    assert "cert-ok" in tile_ids(page)


def test_the_skills_filter_suggests_skills_as_chips(page: Page, base_url: str) -> None:
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    sign_in(page, base_url + "/", "demo-standard-key", "standard")
    page.locator("#skills").press_sequentially("reac")
    options = page.locator("#skill-suggestions .suggestion")
    expect(options.first).to_have_attribute("data-label", "React")
    labels = options.evaluate_all("items => items.map(i => i.dataset.label)")
    assert "React Native" in labels
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "search-skill-suggestions.png")
    options.first.click()
    expect(page.locator("#skill-chips .skill-chip")).to_contain_text(["React"])
    expect(page.locator("#skills")).to_have_value("")
    page.locator("#skills").press_sequentially("golan")
    expect(options.first).to_have_attribute("data-label", "Go")
    page.locator("#skills").press("Enter")  # picks the first suggestion, does not search
    chips = page.locator("#skill-chips .skill-chip")
    expect(chips).to_have_count(2)
    assert chips.evaluate_all("cs => cs.map(c => c.dataset.skill)") == ["React", "Go"]
    search(page, "")
    searched = [r.url for r in requests if "/v1/search" in r.url]
    assert searched and "skills=React" in searched[-1] and "skills=Go" in searched[-1]
    assert {"react-1", "go-ev", "go-new"} <= set(tile_ids(page))
    page.click('#skill-chips .skill-chip[data-skill="React"] .chip-remove')
    expect(chips).to_have_count(1)
    assert any("/v1/skills/suggest?prefix=reac" in r.url for r in requests)


def test_describe_your_job_searches_by_the_post_and_shows_each_tiles_fit(
    page: Page, base_url: str
) -> None:
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    sign_in(page, base_url + "/", "demo-standard-key", "standard")
    page.click("#mode-job")
    expect(page.locator("#job-panel")).to_be_visible()
    expect(page.locator("#query-panel")).to_be_hidden()
    expect(page.locator("#skills-filter")).to_be_hidden()  # the post's skills replace it
    page.fill("#job-title", "Backend for our booking app")
    page.fill("#job-description", "We deploy with Docker.")
    page.locator("#job-skills").press_sequentially("djang")
    expect(page.locator("#job-skill-suggestions .suggestion").first).to_have_attribute(
        "data-label", "Django"
    )
    page.locator("#job-skills").press("Enter")
    for typed in ("Python", "Landing Page"):  # one the vocabulary lacks: kept by its text
        page.fill("#job-skills", typed)
        page.locator("#job-skills").press(",")
    chips = page.locator("#job-skill-chips .skill-chip")
    assert chips.evaluate_all("cs => cs.map(c => c.dataset.skill)") == [
        "Django",
        "Python",
        "Landing Page",
    ]
    page.fill("#job-nice", "Flask")
    page.locator("#job-nice").press("Enter")
    page.click("#job-search-button")
    expect(page.locator("body")).to_have_attribute("data-searching", "false")
    posted = [r for r in requests if r.url.endswith("/v1/search") and r.method == "POST"]
    assert posted, [r.url for r in requests]
    job = posted[-1].post_data_json["job"]
    assert job["skills"] == ["Django", "Python", "Landing Page"]
    assert job["nice_to_have"] == ["Flask"] and job["match"] == "rank"
    ids = tile_ids(page)
    assert ids[0] in {"cert-ok", "cert-rejected"}, ids  # the two that hold Python and Django
    fit = page.locator('.tile[data-id="cert-ok"] .fit')
    expect(fit).to_have_attribute("data-held", "2")
    expect(fit.locator(".coverage")).to_have_text("Has 2 of 3 required skills")
    expect(fit.locator(".chip.missing")).to_have_text(["Landing Page"])
    expect(page.locator("#job-reading")).to_contain_text("Landing Page")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "search-describe-your-job.png", full_page=True)

    page.check("#job-match-all")  # only those who hold all three: nobody here
    page.click("#job-search-button")
    expect(page.locator("body")).to_have_attribute("data-searching", "false")
    last = [r for r in requests if r.url.endswith("/v1/search") and r.method == "POST"][-1]
    assert last.post_data_json["job"]["match"] == "all"
    expect(page.locator("#summary")).to_have_attribute("data-total", "0")
    page.click('#job-skill-chips .skill-chip[data-skill="Landing Page"] .chip-remove')
    page.click("#job-search-button")
    expect(page.locator("body")).to_have_attribute("data-searching", "false")
    assert {"cert-ok", "cert-rejected"} <= set(tile_ids(page))
    expect(page.locator(".tile .chip.missing")).to_have_count(0)


def test_a_bad_job_post_names_the_field_on_the_page(page: Page, base_url: str) -> None:
    sign_in(page, base_url + "/", "demo-standard-key", "standard")
    page.click("#mode-job")
    page.click("#job-search-button")  # no title
    box = page.locator("#search-error")
    expect(box).to_be_visible()
    expect(box).to_contain_text("job.title")
    page.click("#mode-query")
    expect(page.locator("#q")).to_be_focused()
    search(page, "golang")
    assert "go-ev" in tile_ids(page)
    expect(page.locator(".tile .fit")).to_have_count(0)


def test_the_pager_never_offers_a_page_beyond_the_window(
    page: Page, clone_url: str, tmp_path: Path
) -> None:
    app = make_app(clone_url, tmp_path)
    with served_over_http(app) as url:
        service = app.state.talent.service
        service.default_profile = service.default_profile.with_overrides({"window": 11})
        sign_in(page, url + "/", "demo-standard-key", "standard")
        search(page, "")  # browse: 12 profiles match, the best 11 can be paged through
        expect(page.locator("#page-info")).to_have_text("Page 1 of 2")
        expect(page.locator("#summary")).to_contain_text("11 talents · the best 11 of 11+ matches")
        expect(page.locator("#next-page")).to_be_enabled()
        page.click("#next-page")
        expect(page.locator("#page-info")).to_have_text("Page 2 of 2")
        expect(page.locator(".tile")).to_have_count(1)
        expect(page.locator("#next-page")).to_be_disabled()
        expect(page.locator("#page-input")).to_have_attribute("max", "2")


def test_the_pager_clamps_a_page_beyond_the_last_and_never_traps_the_form(
    page: Page, clone_url: str, tmp_path: Path
) -> None:
    """ "Go to page 21" of 2 goes to page 2; a page typed out of range never blocks a new search
    (the browser's form validation used to refuse every later search, silently)."""
    app = make_app(clone_url, tmp_path)
    with served_over_http(app) as url:
        service = app.state.talent.service
        service.default_profile = service.default_profile.with_overrides({"window": 11})
        sign_in(page, url + "/", "demo-standard-key", "standard")
        search(page, "")
        expect(page.locator("#page-info")).to_have_text("Page 1 of 2")
        page.fill("#page-input", "21")
        page.click("#go-page")
        expect(page.locator("#page-info")).to_have_text("Page 2 of 2")
        expect(page.locator("#page-input")).to_have_value("2")
        expect(page.locator("#search-error")).to_be_hidden()
        page.fill("#page-input", "21")  # typed, not sent: a new search must still go through
        page.fill("#min-jss", "150")  # out of the field's range: the API names it
        search(page, "")
        expect(page.locator("#search-error")).to_be_visible()
        expect(page.locator("#search-error")).to_contain_text("min_jss")
        page.fill("#min-jss", "")
        search(page, "")
        expect(page.locator("#search-error")).to_be_hidden()
        expect(page.locator("#page-info")).to_have_text("Page 1 of 2")
        expect(page.locator("#page-input")).to_have_value("")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "search-pager-after-page-21.png")


def test_demo_keys_are_shown_only_when_the_demo_serves_the_pages(
    page: Page, base_url: str, clone_url: str, tmp_path: Path
) -> None:
    page.goto(base_url + "/")
    expect(page.locator("#api-key")).to_be_visible()
    with httpx.Client(base_url=base_url) as http:
        assert http.get("/pages/config").json() == {"demo_keys": []}
    page.wait_for_timeout(300)
    assert page.locator("#demo-keys").count() == 0

    with served_over_http(make_app(clone_url, tmp_path, show_demo_keys=True)) as url:
        page.goto(url + "/")
        keys = page.locator("#demo-keys .demo-key")
        expect(keys).to_have_text(["demo-standard-key", "demo-enterprise-key", "demo-engineer-key"])
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "search-demo-keys.png")
        keys.nth(1).click()
        expect(page.locator("#api-key")).to_have_value("demo-enterprise-key")
        page.click("#key-form button")
        expect(page.locator("#whoami")).to_have_attribute("data-tier", "enterprise")
        expect(page.locator("#demo-keys")).to_have_count(0)


def test_the_diversity_badge_does_not_look_like_a_highlight(page: Page, base_url: str) -> None:
    sign_in(page, base_url + "/", "demo-enterprise-key", "enterprise")
    search(page, "python")
    badge = page.locator('.tile[data-id="cert-ok"] .diversity-badge')
    expect(badge).to_be_visible()
    mark = page.locator('.tile[data-id="cert-ok"] .title em').first
    style = "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.borderTopStyle]; }"
    badge_bg, badge_border = badge.evaluate(style)
    mark_bg, _ = mark.evaluate(style)
    assert badge_bg != mark_bg and badge_border == "solid"
    red, _green, blue = (int(v) for v in re.findall(r"\d+", badge_bg)[:3])
    assert blue > red  # teal, not the highlight's yellow


# --- the relevance workbench --------------------------------------------------------------------


def side_ids(page: Page, side: str) -> list[str]:
    ids: list[str] = page.locator(f"#side-{side} .hit").evaluate_all(
        "hits => hits.map(h => h.dataset.id)"
    )
    return ids


def load_judgments(page: Page) -> None:
    page.set_input_files(
        "#judgments",
        files=[{"name": "judgments.csv", "mimeType": "text/csv", "buffer": JUDGMENTS.encode()}],
    )
    expect(page.locator("#judgments-info")).to_contain_text("2 judged queries")


def ndcg_shown(page: Page, side: str) -> float:
    value = page.locator(f"#side-{side} .ndcg").get_attribute("data-value")
    assert value is not None
    return float(value)


def test_the_workbench_describes_every_slider_and_profile(page: Page, base_url: str) -> None:
    sign_in(page, base_url + "/workbench", "demo-engineer-key", "relevance_engineer")
    expect(page.locator("#side-a select.profile")).to_have_value("default")
    page.select_option("#side-b select.profile", "default-v2")
    v2 = load_profile("default-v2").description.split(". ")[0]
    expect(page.locator("#side-b .profile-about")).to_contain_text(v2)
    expect(page.locator("#side-a .profile-about")).not_to_have_text("No description.")
    helps = page.locator("#side-a .slider-help")
    expect(helps).to_have_count(len(page.locator("#side-a .sliders input").all()))
    for text in helps.all_inner_texts():
        assert len(text) > 20, text  # every slider says what it does
    jss = page.locator('#side-a .slider-help[data-path="jss_prior.weight"]')
    expect(jss).to_contain_text("JSS prior strength")
    expect(page.locator("#side-a .sliders label", has_text="JSS prior weight")).to_be_visible()
    # each slider's range is the setting's valid range in the model (a multiplier is above 0)
    badge = page.locator('#side-a .sliders input[data-path="badges.expert_vetted"]')
    expect(badge).to_have_attribute("max", "10")
    expect(badge).to_have_attribute("min", "0.01")
    weight = page.locator('#side-a .sliders input[data-path="legs.skill.weight"]')
    expect(weight).to_have_attribute("max", "10")
    expect(page.locator("#side-a .policy-warning")).to_be_hidden()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "workbench-descriptions.png", full_page=True)


def test_moving_a_workbench_slider_reorders_that_side_and_updates_ndcg(
    page: Page, base_url: str, tmp_path: Path
) -> None:
    sign_in(page, base_url + "/workbench", "demo-engineer-key", "relevance_engineer")
    # It opens on the default profile against the BM25 baseline; here both sides rank by default.
    expect(page.locator("#side-a select.profile")).to_have_value("default")
    expect(page.locator("#side-b select.profile")).to_have_value("bm25")
    page.select_option("#side-b select.profile", "default")
    load_judgments(page)
    # "developer" names no skill, so go-ev (Expert-Vetted) leads on its badge: a slider can move it
    page.fill("#bench-q", "developer")
    page.click("#bench-form button")
    for side in ("a", "b"):
        expect(page.locator(f"#side-{side}")).to_have_attribute("data-state", "ready")
    before = side_ids(page, "b")
    assert before == side_ids(page, "a") and "go-ev" in before
    expect(page.locator("#side-b .hit .delta").first).to_have_text("=")
    ratings = {"cert-ok": 3, "cert-ca": 2, "go-ev": 0, "react-1": 0}
    assert ndcg_shown(page, "a") == pytest.approx(ndcg_at_k(before, ratings))
    # badge exposure over the hits shown, as `talent-search eval` computes it (relevance.exposure)
    shown = page.request.get(
        base_url + "/v1/search",
        params={"q": "developer", "size": 20},
        headers={"X-API-Key": "demo-engineer-key"},
    ).json()["results"]
    assert [t["id"] for t in shown] == before
    badges = [t["badge"] or "none" for t in shown]
    ndkl = page.locator("#side-a .exposure").get_attribute("data-ndkl")
    assert float(ndkl or "nan") == pytest.approx(
        exposure.ndkl(badges, exposure.desired_shares(badges))
    )
    expect(page.locator('#side-b .hit[data-id="cert-ok"]')).to_have_class("hit rated-3")

    # Each hit's stacked bar shows the explain parts, and they add up to its score.
    first = page.locator("#side-b .hit").first
    parts = first.locator(".bar span").evaluate_all("spans => spans.map(s => +s.dataset.value)")
    assert sum(parts) == pytest.approx(float(first.get_attribute("data-score") or 0), abs=1e-6)
    assert first.locator(".bar span.part-lexical_leg").count() == 1

    # Expert-Vetted counts for less on side B: go-ev drops there, side A stays as it was.
    page.locator('#side-b input[data-path="badges.expert_vetted"]').fill("0.5")
    expect(page.locator('#side-b input[data-path="badges.expert_vetted"] + output')).to_have_text(
        "0.50"
    )
    expect(page.locator("#side-b")).not_to_have_attribute("data-state", "loading")
    page.wait_for_function(
        "before => [...document.querySelectorAll('#side-b .hit')].map(h => h.dataset.id)"
        ".join() !== before",
        arg=",".join(before),
    )
    expect(page.locator("#side-b")).to_have_attribute("data-state", "ready")
    after = side_ids(page, "b")
    assert side_ids(page, "a") == before
    assert sorted(after) == sorted(before)
    assert after.index("go-ev") > before.index("go-ev")
    expect(page.locator('#side-b .hit[data-id="go-ev"] .delta')).to_have_text(
        f"▼{after.index('go-ev') - before.index('go-ev')}"
    )
    expect(page.locator('#side-a .hit[data-id="go-ev"] .delta')).to_have_class("delta up")
    expect(page.locator("#side-b .status")).to_contain_text("with slider overrides")
    expect(page.locator("#side-a .status")).not_to_contain_text("overrides")
    # allowed, but said: the override demotes the badge and puts it below Top Rated Plus
    warning = page.locator("#side-b .policy-warning")
    expect(warning).to_contain_text("badges.expert_vetted is 0.5, below 1")
    expect(warning).to_contain_text("inverts the badge order")
    expect(page.locator("#side-a .policy-warning")).to_be_hidden()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "workbench-badge-policy-warning.png", full_page=True)
    assert ndcg_shown(page, "b") == pytest.approx(ndcg_at_k(after, ratings))
    assert ndcg_shown(page, "b") > ndcg_shown(page, "a")

    # Save side B's weights as a new profile file; it loads as a ranking profile.
    page.fill("#side-b .export-name", "ev-damped")
    page.fill("#side-b .export-version", "2")
    with page.expect_download() as download:
        page.click("#side-b button.export")
    assert download.value.suggested_filename == "ev-damped.yaml"
    download.value.save_as(tmp_path / "ev-damped.yaml")
    saved = load_profile("ev-damped", tmp_path)
    default = load_profile("default")
    assert saved.badges.expert_vetted == 0.5 and saved.version == 2
    assert saved.model_dump(exclude={"name", "version", "description", "badges"}) == (
        default.model_dump(exclude={"name", "version", "description", "badges"})
    )
    assert isinstance(saved, RankingProfile)
    expect(page.locator("#side-b .side-message")).to_contain_text(
        "TALENT_SEARCH_RANKING_PROFILES_DIR"
    )

    # An invalid name is refused with the field named.
    page.fill("#side-b .export-name", "Bad Name")
    page.click("#side-b button.export")
    expect(page.locator("#side-b .side-message")).to_contain_text("name:")


def test_the_workbench_names_a_job_title_querys_class_and_the_settings_it_replaces(
    page: Page, base_url: str
) -> None:
    sign_in(page, base_url + "/workbench", "demo-engineer-key", "relevance_engineer")
    page.select_option("#side-b select.profile", "title-classed")
    page.fill("#bench-q", "Accounts Payable Clerk")  # an O*NET job title, the whole query
    page.click("#bench-form button")
    for side in ("a", "b"):
        expect(page.locator(f"#side-{side}")).to_have_attribute("data-state", "ready")
    expect(page.locator("#side-b .status")).to_contain_text(
        "job_title query, ranked with its class's legs.skill.weight"
    )
    expect(page.locator("#side-a .status")).to_contain_text("job_title query ·")
    page.fill("#bench-q", "python")  # a skill: no class
    page.click("#bench-form button")
    expect(page.locator("#side-b .status")).not_to_contain_text("job_title", timeout=TIMEOUT_MS)
    expect(page.locator("#side-b")).to_have_attribute("data-state", "ready")


def test_screenshots_of_both_pages(browser: Browser, page: Page, base_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, base_url + "/", "demo-enterprise-key", "enterprise")
    search(page, "python developer")
    expect(page.locator(".tile").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "search-page.png", full_page=True)

    engineer = browser.new_context(viewport={"width": 1400, "height": 1000})
    engineer.set_default_timeout(TIMEOUT_MS)
    bench = engineer.new_page()
    sign_in(bench, base_url + "/workbench", "demo-engineer-key", "relevance_engineer")
    expect(bench.locator("#side-b select.profile")).to_have_value("bm25")  # the bench is up
    load_judgments(bench)  # fills in the first judged query and compares
    expect(bench.locator("#bench-q")).to_have_value("developer")
    for side in ("a", "b"):
        expect(bench.locator(f"#side-{side}")).to_have_attribute("data-state", "ready")
    bench.locator('#side-b input[data-path="badges.expert_vetted"]').fill("3")
    expect(bench.locator("#side-b")).to_have_attribute("data-overridden", "true")
    expect(bench.locator("#side-b")).to_have_attribute("data-state", "ready")
    bench.screenshot(path=ARTIFACTS / "workbench.png", full_page=True)
    engineer.close()
    for name in ("search-page.png", "workbench.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000


# --- the API documentation ----------------------------------------------------------------------

# An address on another host: a scheme and a host, or a protocol-relative `//host`.
OUTSIDE = re.compile(r"(?:https?:)?//(?!127\.0\.0\.1[:/])[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
# XML namespace names in inline SVG (`xmlns="http://www.w3.org/2000/svg"`): names, never fetched.
XML_NAMESPACES = re.compile(r"http://www\.w3\.org/(?:2000/svg|1999/xlink|1999/xhtml)")


def test_no_page_or_doc_references_an_outside_host(base_url: str) -> None:
    """The pages, the docs page, the files they load and the OpenAPI document: all local."""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        seen: dict[str, httpx.Response] = {}
        todo = ["/", "/workbench", "/docs", "/openapi.json"]
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            response = http.get(path)
            assert response.status_code == 200, (path, response.status_code)
            seen[path] = response
            if path.endswith(".js") and path.startswith("/swagger-ui/"):
                continue  # the vendored bundle: what it may load is checked in the browser
            outside = OUTSIDE.findall(XML_NAMESPACES.sub("", response.text))
            assert not outside, (path, outside)
            todo += re.findall(r'(?:src|href)="(/[^"]+)"', response.text)
            todo += [
                f"/pages/{name}" for name in re.findall(r'from "\./([\w.-]+\.js)"', response.text)
            ]
    assert {"/swagger-ui/swagger-ui-bundle.js", "/swagger-ui/swagger-ui.css"} <= set(seen)
    for path in ("/", "/workbench", "/docs", "/swagger-ui/swagger-ui-bundle.js"):
        csp = seen[path].headers["content-security-policy"]
        assert csp.startswith("default-src 'self'; script-src 'self';"), (path, csp)
        assert seen[path].headers["x-content-type-options"] == "nosniff"
    assert not {"/redoc", "/docs/oauth2-redirect"} & {p for p in seen}
    with httpx.Client(base_url=base_url, timeout=30) as http:
        assert http.get("/redoc").status_code == 404  # ReDoc only comes from a CDN: not served


def test_the_docs_render_from_the_package_under_the_pages_csp(page: Page, base_url: str) -> None:
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused" in message.text
            else None
        ),
    )
    page.goto(f"{base_url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Talent search API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    page.locator(".opblock-summary-path", has_text="/v1/search").first.click()
    expect(page.locator(".parameters-col_name", has_text="min_jss")).to_be_visible()
    # Without a key (or with a standard one) the document has no diversity parameter; with the
    # enterprise key the pages keep, it has.
    expect(page.locator(".parameters-col_name", has_text="diversity_certified")).to_have_count(0)
    sign_in(page, base_url + "/", "demo-enterprise-key", "enterprise")
    page.goto(f"{base_url}/docs")
    page.locator(".opblock-summary-path", has_text="/v1/search").first.click()
    expect(page.locator(".parameters-col_name", has_text="diversity_certified")).to_be_visible()
    assert requested and all(url.startswith(base_url) for url in requested), requested
    assert not refused, refused
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
