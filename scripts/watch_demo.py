"""Serve a folder of articles as a small news site on 127.0.0.1 and watch it.

    python scripts/watch_demo.py [--port 8765] [--db FILE]

Every .txt and .html file of the folder (default: demo/) becomes a page
(/articles/NAME.html; text files are wrapped in <article><p>), listed in an
RSS feed (/feed.xml) and a news sitemap (/news-sitemap.xml) with the date
the file name starts with. Then `dyadwatch watch demo-sources.yaml --once
--dry-run` runs against it: the events are stored and the notification it
would send is printed. `build_site` and `serve` are also what bench/watch.py
uses for its 200 local feeds.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-")


def page_html(title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title></head><body><article><h1>{html.escape(title)}</h1>\n{body}\n"
            "</article></body></html>")


def _text_page(text: str) -> tuple[str, str]:
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    title = max(paras[:4], key=len) if paras else "untitled"
    return title, page_html(title, paras)


def rss(base: str, items: list[tuple[str, str, str]], title: str = "Demo wire") -> str:
    """items: (path, title, YYYY-MM-DD)."""
    from email.utils import format_datetime
    import datetime as dt

    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{base}{p}</link><guid>{base}{p}</guid>"
        f"<pubDate>{format_datetime(dt.datetime.fromisoformat(d + 'T12:00:00+00:00'))}"
        f"</pubDate></item>" for p, t, d in items)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>{html.escape(title)}</title><link>{base}/</link>{entries}</channel></rss>")


def news_sitemap(base: str, items: list[tuple[str, str, str]]) -> str:
    urls = "".join(
        f"<url><loc>{base}{p}</loc><news:news><news:publication><news:name>Demo wire"
        f"</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{d}</news:publication_date><news:title>{html.escape(t)}"
        f"</news:title></news:news></url>" for p, t, d in items)
    return ("<?xml version='1.0' encoding='utf-8'?><urlset "
            "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
            "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>" + urls + "</urlset>")


def build_site(folder: Path) -> tuple[dict[str, tuple[bytes, str]], list[tuple[str, str, str]]]:
    """Pages of the folder's dated .txt/.html files: ({path: (body, type)}, items)."""
    pages: dict[str, tuple[bytes, str]] = {}
    items = []
    for f in sorted(folder.iterdir()):
        m = _DATE.match(f.name)
        if not m or f.suffix not in (".txt", ".html"):
            continue
        text = f.read_text(encoding="utf-8")
        if f.suffix == ".txt":
            title, markup = _text_page(text)
        else:
            found = re.search(r"<title>(.*?)</title>", text, re.S)
            title, markup = (html.unescape(found.group(1)).strip() if found else f.stem), text
        path = f"/articles/{f.stem}.html"
        pages[path] = (markup.encode("utf-8"), "text/html; charset=utf-8")
        items.append((path, title, m.group(1)))
    return pages, items


class _Handler(BaseHTTPRequestHandler):
    site: dict[str, tuple[bytes, str]] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        found = self.site.get(self.path.split("?")[0])
        if found is None:
            self.send_error(404)
            return
        body, ctype = found
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:  # conditional GET: nothing changed
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def serve(site: dict[str, tuple[bytes, str]], port: int = 0) -> ThreadingHTTPServer:
    """A threaded HTTP server on 127.0.0.1 serving `site`, in a daemon thread."""
    handler = type("SiteHandler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def demo_site(folder: Path, base: str) -> dict[str, tuple[bytes, str]]:
    pages, items = build_site(folder)
    pages["/feed.xml"] = (rss(base, items).encode(), "application/rss+xml")
    pages["/news-sitemap.xml"] = (news_sitemap(base, items).encode(), "application/xml")
    pages["/robots.txt"] = (b"User-agent: *\nDisallow: /private/\n", "text/plain")
    return pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--folder", type=Path, default=ROOT / "demo")
    ap.add_argument("--sources", type=Path, default=ROOT / "demo-sources.yaml")
    ap.add_argument("--db", type=Path, default=None)
    args = ap.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    site: dict[str, tuple[bytes, str]] = {}
    server = serve(site, args.port)
    site.update(demo_site(args.folder, base))
    print(f"serving {args.folder} at {base}/feed.xml and {base}/news-sitemap.xml", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "watch-demo.duckdb"
        cmd = [sys.executable, "-m", "dyadwatch.cli", "watch", str(args.sources), "--db",
               str(db), "--once", "--dry-run"]
        code = subprocess.call(cmd)
    server.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
