"""Attacks on the HTTP API, each fixed: bodies with numbers too long for
Python or nesting too deep,
lone surrogates, requests whose every record fails, the schema and the
dashboard cookie on a private server, and headers sent a byte at a time.

Real HTTP on 127.0.0.1 against a real DuckDB file (the `live` and `client`
fixtures of conftest.py).
"""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from live_api import READ_TOKEN, TOKEN, LiveServer, api_settings, assert_error, auth, copy_db

@pytest.mark.parametrize("body", [
    b'{"text": "Peru met Chile.", "n": ' + b"5" * 5000 + b"}",
    b'{"id": ' + b"4" * 4400 + b', "text": "Peru met Chile."}',
    b"[" * 100_000,
    b'{"text": "Peru met Chile.", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"text": "\xff\xfe"}',
])
def test_bodies_python_cannot_decode_are_a_4xx_json_error(client, body):
    r = client.post("/api/articles", content=body,
                    headers={**auth(), "Content-Type": "application/json"})
    assert 400 <= r.status_code < 500
    assert_error(r, r.status_code)


def test_lone_surrogates_in_a_body_are_stored_replaced(client):
    body = (b'[{"id": "ls1\\udfff", "title": "\\ud800 Peru", "outlet": "W\\u0000ire", '
            b'"text": "Bolivia thanked Paraguay for the river treaty on Monday \\udfff."},'
            b'{"id": "ls2", "text": "Uruguay met Argentina on Monday."}]')
    r = client.post("/api/articles", content=body,
                    headers={**auth(), "Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    res = r.json()
    assert res["n_stored"] == 2 and res["n_failed"] == 0
    assert {s["doc_id"] for s in res["stored"]} == {"ls1\ufffd", "ls2"}
    article = client.get(f"/api/articles/{res['stored'][0]['article_id']}").json()["article"]
    assert article["title"] == "\ufffd Peru" and article["outlet"] == "Wire"


def test_a_post_whose_every_record_fails_is_422_and_stores_nothing(client):
    before = client.get("/api/stats").json()
    records = [{"id": "f1"}, {"id": "f2", "text": "   "}, "no"]
    err = assert_error(client.post("/api/articles", json=records, headers=auth()), 422)
    assert err["code"] == "no_record_stored" and "POST /api/articles:1" in err["message"]
    after = client.get("/api/stats").json()
    assert [after[k] for k in ("articles", "errors", "events")] == \
        [before[k] for k in ("articles", "errors", "events")]


def test_schema_and_cookie_on_a_private_server(built, pipe, tmp_path_factory):
    from dyadwatch.api import create_app

    app = create_app(copy_db(built, tmp_path_factory, "private2"),
                     api_settings(read_token=READ_TOKEN), pipeline=pipe, warm_up=False)
    with LiveServer(app) as srv, httpx.Client(base_url=srv.url) as c:
        assert_error(c.get("/openapi.json"), 401)
        assert c.get("/openapi.json", headers=auth(READ_TOKEN)).json()["paths"]
        r = c.get("/", params={"token": READ_TOKEN})
        cookie = r.cookies["dyadwatch_token"]
        assert READ_TOKEN not in cookie and TOKEN not in cookie and len(cookie) == 64
        c.cookies.update(r.cookies)
        assert c.get("/api/events").status_code == 200
        assert c.get("/openapi.json").status_code == 200
        c.cookies.set("dyadwatch_token", READ_TOKEN)  # the raw token is no cookie
        assert_error(c.get("/api/events"), 401)


def test_headers_sent_a_byte_at_a_time_are_cut_off(built, pipe, tmp_path_factory):
    from dyadwatch.api import create_app
    from dyadwatch.api.slow_clients import HeaderTimeoutH11Protocol

    class Quick(HeaderTimeoutH11Protocol):
        header_timeout_s = 1.0

    app = create_app(copy_db(built, tmp_path_factory, "slow"), api_settings(), pipeline=pipe,
                     warm_up=False)
    with LiveServer(app, http=Quick) as srv:
        closed = []
        for _ in range(3):
            sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
            sock.sendall(b"GET /api/stats HTTP/1.1\r\nHost: x\r\n")
            try:
                for _ in range(25):  # a header byte each 0.5 s: 12 s unless cut off
                    sock.sendall(b"X")
                    time.sleep(0.5)
                got = sock.recv(100)
            except (ConnectionError, OSError):
                got = b""
            closed.append(got == b"")
            sock.close()
        assert closed == [True, True, True]
        assert httpx.get(f"{srv.url}/api/stats").status_code == 200
