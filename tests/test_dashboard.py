"""The dashboard in a real browser: Debian's Chromium driven by Playwright
against a live server over a database built by the real pipeline.

A person's path through it: the overview lists dyads; a dyad opens its
chart and timeline; clicking an event shows its sentence with trigger,
source and target highlighted; a filter changes the URL and the table.
Screenshots of each step are written to the test's temporary folder (and
to $DYADWATCH_SCREENSHOTS if set) so they can be looked at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from live_api import LiveServer, api_settings, build_db

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(nlp, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: install Debian's chromium "
                    "(`make chromium` or `apt-get install chromium`) to run browser tests")
    from dyadwatch.api import create_app
    from dyadwatch.coding.pipeline import Pipeline

    settings = api_settings()
    pipe = Pipeline(settings).warm_up()
    db = build_db(tmp_path_factory.mktemp("dash") / "dash.duckdb", pipe, settings)
    with LiveServer(create_app(db, settings, pipeline=pipe)) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(site):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, site, tmp_path):
    """A page that records console errors and uncaught exceptions; the test
    fails if there are any."""
    context = browser.new_context(viewport={"width": 1400, "height": 950}, base_url=site.url)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.shots = []  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not errors, errors


def shot(page, name: str, tmp_path: Path) -> Path:
    out = Path(os.environ.get("DYADWATCH_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a rendered page, not a blank one
    return path


def test_overview_lists_dyads_and_opens_one(page, tmp_path):
    page.goto("/")
    links = page.locator("[data-testid=dyads] a.dyad-link")
    assert links.count() > 0
    names = links.all_inner_texts()
    assert "CHN–PRK" in names
    shot(page, "overview", tmp_path)
    links.filter(has_text="CHN–PRK").click()
    page.wait_for_url(re.compile(r"/dyad/CHN/PRK$"))
    assert page.locator("h1").inner_text().startswith("CHN")
    bars = page.locator("[data-testid=chart] svg.chart rect.bar")
    assert bars.count() > 0
    assert page.locator("[data-testid=timeline] li").count() > 0
    assert page.locator("[data-testid=events-table] tbody tr[data-event-id]").count() > 0
    shot(page, "dyad", tmp_path)


def test_clicking_an_event_shows_highlighted_evidence(page, tmp_path):
    page.goto("/dyad/CHN/PRK")
    row = page.locator("[data-testid=events-table] tbody tr[data-event-id]").first
    event_id = row.get_attribute("data-event-id")
    row.locator("td.evidence a").click()
    detail = page.locator("#panel [data-testid=event-detail]")
    detail.wait_for()
    assert detail.get_attribute("data-event") == event_id
    sentence = detail.locator("[data-testid=sentence]")
    trigger = sentence.locator("mark.trigger")
    assert trigger.count() >= 1 and trigger.first.inner_text().strip()
    assert sentence.locator("mark.source").count() >= 1
    assert sentence.locator("mark.target").count() >= 1
    assert detail.locator(".article-ref a").count() == 1
    page.wait_for_url(re.compile(rf"event={event_id}"))
    assert "selected" in (row.get_attribute("class") or "")
    shot(page, "event-panel", tmp_path)
    # The URL with ?event= is a shareable link: loaded fresh, it shows the same panel.
    page.goto(page.url)
    assert page.locator("#panel [data-testid=event-detail]").get_attribute(
        "data-event") == event_id


def test_filters_change_the_url_and_the_table(page, tmp_path):
    page.goto("/events")
    before = page.locator("[data-testid=count]").inner_text()
    form = page.locator("[data-testid=filters]")
    form.locator("select[name=type]").select_option("ACCUSE")
    form.locator("input[name=since]").fill("2023-02")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"type=ACCUSE"))
    assert "since=2023-02" in page.url
    assert "actor=" not in page.url and "q=" not in page.url  # empty filters left out
    after = page.locator("[data-testid=count]").inner_text()
    assert after != before
    types = page.locator("[data-testid=events-table] tbody .type").all_inner_texts()
    assert types and set(types) == {"ACCUSE"}
    dates = page.locator("[data-testid=events-table] tbody td.date").all_inner_texts()
    assert all(d >= "2023-02-01" for d in dates)
    shot(page, "events-filtered", tmp_path)
    # A bad value is explained on the page, not a crash.
    page.goto("/events?since=someday")
    assert "not a date" in page.locator("[data-testid=error]").inner_text()


def test_event_and_article_pages(page, tmp_path):
    page.goto("/events?dyad=CHN-PRK")
    href = page.locator("[data-testid=events-table] td.evidence a").first.get_attribute("href")
    page.goto(href)
    assert page.locator("[data-testid=sentence] mark.trigger").count() >= 1
    page.locator(".article-ref a").click()
    page.wait_for_url(re.compile(r"/article/"))
    assert page.locator("a.trig").count() > 0  # triggers marked in the article text
    shot(page, "article", tmp_path)
