"""The watch loop end to end: a news site on 127.0.0.1 (pytest-httpserver)
with feeds, a sitemap, article pages and faults; the real pipeline and
DuckDB file; notifications to a local webhook (apprise json://) and a
local SMTP server (aiosmtpd, apprise mailto://)."""

from __future__ import annotations

import html
import json
import socket
from pathlib import Path

import duckdb
import pytest
from werkzeug import Response

from dyadwatch.notify.send import RetryPolicy, Sender
from dyadwatch.sources import watchfile
from dyadwatch.sources.fetch import FetchPolicy
from dyadwatch.sources.watch import Watcher
from dyadwatch.store.db import Store
from dyadwatch.store.watch_state import list_sources, prune_fetches

DATA = Path(__file__).parent / "data" / "watch"
#: (page, date, title) of the test site's articles, written for these tests.
ARTICLES = [("shelling", "2025-03-04", "Shells hit Yeonpyeong"),
            ("drone", "2025-03-06", "Guard post attacked"),
            ("talks", "2025-01-10", "Liaison channel to reopen"),
            ("trade", "2025-03-05", "Minerals pact")]


@pytest.fixture(scope="session")
def httpserver_listen_address():
    return ("127.0.0.1", 0)


@pytest.fixture(scope="session")
def pipeline(loaded_pipeline):
    return loaded_pipeline


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.url = f"mailto://127.0.0.1:{port}?from=watch@example.org&to=desk@example.org"
    yield box
    controller.stop()


def page(name: str, title: str) -> str:
    paras = (DATA / f"{name}.txt").read_text().split("\n\n")
    body = "".join(f"<p>{html.escape(p.strip())}</p>" for p in paras if p.strip())
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{body}</article></body></html>")


def rss(base: str, items: list[tuple[str, str, str]]) -> str:
    entries = "".join(f"<item><title>{t}</title><link>{base}{p}</link><pubDate>{d}</pubDate>"
                      "</item>" for p, t, d in items)
    return ("<?xml version='1.0'?><rss version='2.0'><channel><title>Test Wire</title>"
            f"{entries}</channel></rss>")


def _rfc822(day: str) -> str:
    import datetime as dt
    from email.utils import format_datetime

    return format_datetime(dt.datetime.fromisoformat(day + "T08:00:00+00:00"))


def serve_site(httpserver, extra: int = 0) -> str:
    """The test site; returns its base URL. The main feed answers 304 to its
    own ETag. `extra` adds that many more (distinct) pages about the talks."""
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    for name, _, title in ARTICLES:
        httpserver.expect_request(f"/news/{name}.html").respond_with_data(
            page(name, title), content_type="text/html; charset=utf-8")
    httpserver.expect_request("/news/missing.html").respond_with_data("gone", status=404)
    httpserver.expect_request("/private/memo.html").respond_with_data(
        page("trade", "Memo"), content_type="text/html")
    items = [(f"/news/{n}.html?utm_source=rss", t, _rfc822(d)) for n, d, t in ARTICLES[:3]]
    items += [("/news/shelling.html?utm_medium=social&fbclid=x1", "Shells (again)",
               _rfc822("2025-03-04")),
              ("/private/memo.html", "Memo", _rfc822("2025-03-05")),
              ("/news/missing.html", "Gone", _rfc822("2025-03-05"))]
    talks = (DATA / "talks.txt").read_text()
    for i in range(extra):
        text = talks + f"\n\nIt was round {i + 1} of the liaison talks this year."
        body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
        httpserver.expect_request(f"/news/extra{i}.html").respond_with_data(
            f"<html><body><article>{body}</article></body></html>", content_type="text/html")
        items.append((f"/news/extra{i}.html", f"Talks round {i + 1}", _rfc822("2025-01-12")))
    feed = rss(base, items).encode()

    def feed_handler(request):
        if request.headers.get("If-None-Match") == '"f1"':
            return Response(status=304)
        return Response(feed, content_type="application/rss+xml", headers={"ETag": '"f1"'})

    httpserver.expect_request("/feed.xml").respond_with_handler(feed_handler)
    broken = rss(base, [("/news/trade.html", "Minerals pact", _rfc822("2025-03-05"))])
    httpserver.expect_request("/broken.xml").respond_with_data(
        broken.replace("</channel></rss>", "<item><title>cut"), content_type="text/xml")
    httpserver.expect_request("/logo.xml").respond_with_data(b"\x89PNG", content_type="image/png")
    sitemap = ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
               f"<url><loc>{base}/news/drone.html?utm_campaign=x</loc><lastmod>2025-03-06"
               "</lastmod></url></urlset>")
    httpserver.expect_request("/sitemap.xml").respond_with_data(sitemap,
                                                                content_type="application/xml")
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    httpserver.expect_request("/down", method="POST").respond_with_data("no", status=500)
    return base


def sources_file(base: str, channels: list[str], **rule) -> watchfile.WatchFile:
    spec = {"sources": [{"url": f"{base}/feed.xml", "outlet": "Test Wire"},
                        {"url": f"{base}/broken.xml"}, {"url": f"{base}/logo.xml"},
                        {"url": f"{base}/sitemap.xml"}],
            "rules": [{"name": "border", "dyads": ["PRK-KOR"], "counts": {"ASSAULT": 2},
                       "min_stories": 2, "channels": channels, **rule}],
            "dashboard_url": "http://127.0.0.1:8000"}
    return watchfile.WatchFile.model_validate(spec)


def watcher(store, wf, pipeline, **kw) -> Watcher:
    policy = FetchPolicy(timeout_s=5, retries=1, backoff_s=0.01, per_host_interval_s=0.0)
    sender = Sender(RetryPolicy(attempts=3), sleep=lambda s: None)
    return Watcher(store, wf, pipeline, policy=policy, sender=sender, **kw)


def hooks(httpserver, path="/hook") -> list[dict]:
    return [json.loads(req.get_data()) for req, _ in httpserver.log if req.path == path]


def test_cycle_stores_alerts_and_notifies_once(httpserver, pipeline, smtp, db_path):
    base = serve_site(httpserver)
    wf = sources_file(base, [f"json://127.0.0.1:{httpserver.port}/hook", smtp.url])
    with Store.open(db_path) as store:
        w = watcher(store, wf, pipeline)
        first = w.cycle(force=True)
        con = store.con
        urls = sorted(r[0] for r in con.execute("SELECT url FROM articles").fetchall())
        assert urls == sorted(f"{base}/news/{n}.html" for n, _, _ in ARTICLES)
        dates = dict(con.execute("SELECT url, date::VARCHAR FROM articles").fetchall())
        assert dates[f"{base}/news/shelling.html"] == "2025-03-04"  # the feed's date
        status = dict(con.execute("SELECT url, status FROM watch_urls").fetchall())
        assert status[f"{base}/private/memo.html"] == "failed"  # robots.txt
        assert status[f"{base}/news/missing.html"] == "failed"  # 404
        errs = dict(con.execute("SELECT address, last_error FROM sources").fetchall())
        assert "broken XML" in errs[f"{base}/broken.xml"]
        assert errs[f"{base}/logo.xml"] == "content type image/png is not a feed"
        n_fetch, n_err = con.execute("SELECT count(*), count(error) FROM fetches").fetchone()
        assert n_fetch >= 10 and n_err >= 3
        assert first.new_articles == 6 and first.stored == 4 and first.alerts == 1
        assert first.notifications == 2 and first.errors >= 4

        (alert,) = con.execute("SELECT id, dyad, n_stories, event_ids FROM alerts").fetchall()
        assert alert[1] == "KOR-PRK" and alert[2] == 2
        assert con.execute("SELECT count(*) FROM events WHERE list_contains(?, id)",
                           [alert[3]]).fetchone()[0] == len(alert[3])
        (msg,) = hooks(httpserver)
        assert "KOR-PRK" in msg["title"] and "ASSAULT" in msg["title"]
        from dyadwatch.analysis.alerts import evidence

        top = " ".join(evidence(con, alert[3])["sentence"][0].split())
        assert f"{base}/news/" in msg["message"] and top in msg["message"]
        assert f"http://127.0.0.1:8000/alerts/{alert[0]}" in msg["message"]
        (mail,) = smtp.messages
        assert mail.rcpt_tos == ["desk@example.org"] and b"KOR-PRK" in mail.content

        httpserver.clear_log()
        second = w.cycle(force=True)
        paths = [req.path for req, _ in httpserver.log]
        assert not [p for p in paths if p.startswith("/news/")]  # nothing fetched twice
        assert second.new_articles == 0 and second.notifications == 0
        sent = con.execute("SELECT status, attempts FROM notifications").fetchall()
        assert sent == [("sent", 1), ("sent", 1)]
    assert hooks(httpserver) == [] and len(smtp.messages) == 1


def test_failed_send_is_retried_and_reported(httpserver, pipeline, db_path):
    base = serve_site(httpserver)
    wf = sources_file(base, [f"json://127.0.0.1:{httpserver.port}/down"])
    with Store.open(db_path) as store:
        w = watcher(store, wf, pipeline)
        report = w.cycle(force=True)
        assert report.alerts == 1 and report.notifications == 0
        assert len(hooks(httpserver, "/down")) == 3
        row = store.con.execute("SELECT status, attempts, error FROM notifications").fetchone()
        assert row[0] == "failed" and row[1] == 3 and row[2]
        w.cycle(force=True)  # tried again on the next cycle
        assert store.con.execute("SELECT attempts FROM notifications").fetchone()[0] == 6


def test_digest_and_dry_run(httpserver, pipeline, db_path):
    base = serve_site(httpserver)
    wf = sources_file(base, [f"json://127.0.0.1:{httpserver.port}/hook"], digest=True,
                      dyads=[], counts={"ASSAULT": 1, "SUPPORT": 1}, min_stories=1)
    with Store.open(db_path) as store:
        report = watcher(store, wf, pipeline, dry_run=True).cycle(force=True)
        (msg,) = report.messages
        assert len(msg.alert_ids) == 2 and "AUS-JPN" in msg.title and "KOR-PRK" in msg.title
        assert store.con.execute("SELECT count(*) FROM notifications").fetchone()[0] == 0
    assert hooks(httpserver) == []


def test_folder_source_picks_up_new_files(tmp_path, pipeline, db_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text((DATA / "talks.txt").read_text())
    wf = watchfile.WatchFile.model_validate({"sources": [{"path": str(inbox)}]})
    with Store.open(db_path) as store:
        w = watcher(store, wf, pipeline)
        assert w.cycle(force=True).stored == 1
        (inbox / "b.txt").write_text((DATA / "trade.txt").read_text())
        again = w.cycle(force=True)
        assert again.new_articles == 1 and again.stored == 1
        (src,) = list_sources(store.con)
        store.con.execute("INSERT INTO watch_urls (key, url, source, status, seen_at) VALUES "
                          "('old', 'old', ?, 'stored', current_timestamp::TIMESTAMP "
                          "- INTERVAL 9 DAY)", [src["address"]])
        (src,) = list_sources(store.con)
        assert src["articles_7d"] == 2  # the two new files; the 9-day-old one is not counted


def test_cycle_prunes_the_fetch_log_to_its_window(tmp_path, pipeline, db_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    wf = watchfile.WatchFile.model_validate({"sources": [{"path": str(inbox)}]})
    with Store.open(db_path) as store:
        w = watcher(store, wf, pipeline)
        for url, age in (("http://127.0.0.1/old", 45), ("http://127.0.0.1/recent", 2)):
            store.con.execute("INSERT INTO fetches (url, fetched_at) VALUES "
                              "(?, current_timestamp::TIMESTAMP - to_days(?))", [url, age])
        w.cycle(force=True)  # default: 30 days kept
        kept = [r[0] for r in store.con.execute("SELECT url FROM fetches").fetchall()]
        assert kept == ["http://127.0.0.1/recent"]
        store.con.execute("INSERT INTO fetches (url, fetched_at) VALUES "
                          "('http://127.0.0.1/older', current_timestamp::TIMESTAMP - to_days(400))")
        assert prune_fetches(store, 0) == 0  # 0 keeps everything
        assert prune_fetches(store, 1) == 2


TABLES = {"articles": "id, url, date, title, outlet, story_id",
          "events": "id, article_id, plover, source, target, date, canonical_id",
          "canonical_events": "id, plover, source, target, date, n_stories",
          "watch_urls": "key, url, article_id, status",
          "alerts": "id, rule, dyad, window_start, window_end, changes, event_ids",
          "notifications": "alert_id, status, attempts"}


def _dump(path: Path) -> dict[str, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT {cols} FROM {t}").fetchall()))
                for t, cols in TABLES.items()}
    finally:
        con.close()


def _run(sources: Path, db: Path, env: dict):
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-m", "dyadwatch.cli", "watch", str(sources),
                             "--db", str(db), "--once"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_kill_9_mid_cycle_then_restart_equals_an_uninterrupted_run(httpserver, tmp_path):
    """The watcher is killed (SIGKILL) while it codes and stores; the
    restarted run ends with the rows of an uninterrupted run and the alert
    notified once. Batches of one article make every article its own
    transaction, so the kill lands between commits."""
    import os
    import re
    import signal

    httpserver.expect_request("/hook-ref", method="POST").respond_with_data("ok")
    base = serve_site(httpserver, extra=12)
    env = {**os.environ, "DYADWATCH_BATCH_SIZE": "1",
           "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    files = {}
    for name, hook in (("killed", "/hook"), ("reference", "/hook-ref")):
        wf = sources_file(base, [f"json://127.0.0.1:{httpserver.port}{hook}"])
        files[name] = tmp_path / f"{name}.yaml"
        files[name].write_text(json.dumps(wf.model_dump(exclude_defaults=True)))
    ref = _run(files["reference"], tmp_path / "ref.duckdb", env)
    assert ref.wait(timeout=300) == 0, ref.stderr.read().decode()

    proc = _run(files["killed"], tmp_path / "w.duckdb", env)
    for line in proc.stderr:  # killed right after the first batch is committed
        if re.search(rb"progress: \d+ of \d+ new read, [1-9]\d* stored", line):
            break
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    partial = _dump(tmp_path / "w.duckdb")
    assert hooks(httpserver) == [] and partial["notifications"] == []

    again = _run(files["killed"], tmp_path / "w.duckdb", env)
    assert again.wait(timeout=300) == 0, again.stderr.read().decode()
    assert _dump(tmp_path / "w.duckdb") == _dump(tmp_path / "ref.duckdb")
    assert len(hooks(httpserver)) == 1 and len(hooks(httpserver, "/hook-ref")) == 1
    print(f"killed with {len(partial['articles'])} of 16 articles stored")
