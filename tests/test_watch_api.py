"""`serve --watch`: the watch loop on the server's writer, the /api/ JSON
for sources, alerts and notifications, and the dashboard pages."""

from __future__ import annotations

import time

import pytest
import yaml
from fastapi.testclient import TestClient

from dyadwatch.config import Settings

from test_watch import hooks, serve_site, sources_file

TOKEN = "watch-test-token"


@pytest.fixture(scope="session")
def httpserver_listen_address():
    return ("127.0.0.1", 0)


def test_serve_watch_api_and_pages(httpserver, loaded_pipeline, tmp_path):
    from dyadwatch.api import create_app
    from dyadwatch.api.watch import start_watching

    base = serve_site(httpserver)
    wf = sources_file(base, [f"json://127.0.0.1:{httpserver.port}/hook"])
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(wf.model_dump(exclude_defaults=True, mode="json")))
    app = create_app(tmp_path / "w.duckdb", Settings(api_token=TOKEN), pipeline=loaded_pipeline)
    stop = start_watching(app, path, every_s=3600)
    try:
        with TestClient(app) as c:
            alerts = []
            for _ in range(600):  # the first cycle runs on the writer; wait for its alert
                alerts = c.get("/api/watch/alerts").json()
                if alerts:
                    break
                time.sleep(0.2)
            (alert,) = alerts
            assert alert["dyad"] == "KOR-PRK" and alert["changes"][0]["kind"] == "count"
            detail = c.get(f"/api/watch/alerts/{alert['id']}").json()
            assert detail["evidence"] and detail["evidence"][0]["url"].startswith(base)
            sources = {s["address"]: s for s in c.get("/api/sources").json()}
            assert sources[f"{base}/feed.xml"]["last_status"] == 200
            assert "image/png" in sources[f"{base}/logo.xml"]["last_error"]
            for _ in range(100):  # notifications are sent after the alert is stored
                sent = c.get("/api/watch/notifications").json()
                if sent:
                    break
                time.sleep(0.2)
            assert [n["status"] for n in sent] == ["sent"] and len(hooks(httpserver)) == 1

            page = c.get(f"/alerts/{alert['id']}").text
            from markupsafe import escape

            top = str(escape(detail["evidence"][0]["sentence"]))
            assert "KOR-PRK" in page and top in page and base in page
            assert f"{base}/feed.xml" in c.get("/watch").text
            assert c.get("/api/watch/alerts/nope").status_code == 404

            new = {"url": f"{base}/other.xml", "interval": "1h"}
            assert c.post("/api/sources", json=new).status_code == 401
            r = c.post("/api/sources", json=new, headers={"Authorization": f"Bearer {TOKEN}"})
            assert r.status_code == 201 and r.json()["kind"] == "feed"
            bad = c.post("/api/sources", json={"url": "ftp://x", "bogus": 1},
                         headers={"Authorization": f"Bearer {TOKEN}"})
            assert bad.status_code == 422 and "bogus" in bad.json()["error"]["message"]
            assert f"{base}/other.xml" in {s["address"] for s in c.get("/api/sources").json()}
            gone = c.delete("/api/sources", params={"address": f"{base}/other.xml"},
                            headers={"Authorization": f"Bearer {TOKEN}"})
            assert gone.status_code == 200
    finally:
        stop.set()
