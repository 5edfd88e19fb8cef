"""The map and names in a real browser (Debian's Chromium via Playwright)
against a live server over a database built by the real pipeline (the
fixtures of test_dashboard.py).

The map must draw from the package's own files only: every request the
page makes goes to the test server, none to a tile server or CDN.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from test_dashboard import browser, page, shot, site  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def _drawn(page) -> int:
    page.wait_for_selector("figure.map.ready, figure.map.failed", timeout=30_000)
    assert "ready" in page.locator("figure.map").get_attribute("class")
    return int(page.locator("figure.map").get_attribute("data-points"))


def test_overview_map_draws_offline_points_over_the_basemap(page, site, tmp_path):
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).netloc))
    page.goto("/")
    n = _drawn(page)
    circles = page.locator("figure.map circle")
    assert n > 0 and circles.count() == n
    assert page.locator("figure.map .map-land path").count() > 100  # country outlines
    assert hosts == {urlparse(site.url).netloc}  # no tiles, no CDN
    quads = set(page.eval_on_selector_all("figure.map circle",
                                          "cs => cs.map(c => c.dataset.quad)"))
    assert quads <= {"1", "2", "3", "4"} and quads
    shot(page, "map-overview", tmp_path)


def test_clicking_a_point_opens_its_evidence(page, tmp_path):
    page.goto("/dyad/CHN/PRK")
    assert _drawn(page) > 0
    point = page.locator("figure.map a.map-point").first
    event_id = point.get_attribute("data-event-id")
    point.locator("circle").click(force=True)
    page.wait_for_selector("#panel .sentence, #panel [data-testid=evidence]", timeout=30_000)
    assert f"event={event_id}" in page.url
    page.goto(f"/event/{event_id}")
    assert _drawn(page) == 1
    shot(page, "map-event", tmp_path)


def test_the_events_map_follows_the_filters(page):
    page.goto("/events?type=CONSULT")
    consult = _drawn(page)
    page.goto("/events")
    assert _drawn(page) >= consult
    src = page.locator("figure.map").get_attribute("data-geojson")
    assert src.startswith("/api/map.geojson")


def test_the_dyad_box_takes_names(page):
    page.goto("/")
    page.fill("form.dyad-jump input[name=a]", "china")
    page.fill("form.dyad-jump input[name=b]", "North Korean")
    page.click("form.dyad-jump button")
    page.wait_for_url("**/dyad/CHN/PRK")
    assert page.locator("h1.dyad-title").inner_text().startswith("CHN")


def test_a_misspelt_name_suggests_the_right_one(browser, site, tmp_path):
    # its own page: the answer is a 400, which Chromium logs as a console error
    context = browser.new_context(viewport={"width": 1400, "height": 950}, base_url=site.url)
    pg = context.new_page()
    try:
        pg.goto("/")
        pg.fill("form.dyad-jump input[name=a]", "Chnia")
        pg.fill("form.dyad-jump input[name=b]", "PRK")
        pg.click("form.dyad-jump button")
        pg.wait_for_load_state()
        body = pg.locator("main").inner_text()
        assert "Chnia" in body and "China (CHN)" in body
        assert "dyadwatch actors" not in body  # no terminal command on a web page
        shot(pg, "names-miss", tmp_path)
    finally:
        context.close()


def test_the_events_filter_takes_names(page):
    page.goto("/events?actor=China&dyad=China-North+Korea")
    assert not page.locator("[data-testid=error]").count()
    assert int(page.locator("[data-testid=count]").inner_text().split()[0].replace(",", "")) > 0
    assert _drawn(page) >= 0
