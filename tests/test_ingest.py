"""Ingest: formats, boilerplate, metadata, content ids, and hostile input.

No spaCy here: ingest runs before the model. Every hostile file is made in
tmp_path by the test itself; the mini-scrapes below are written for these
tests (no seed or gold text).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyadwatch.sources import files, ingest
from dyadwatch.sources.articles import article_from_text, content_id, parse_date
from dyadwatch.sources import records as readers
from dyadwatch.sources.cleaner import Cleaner
from dyadwatch.errors import (DataTableError, DateError, DyadwatchError, EmptyDocumentError,
                             FormatError, error_class)
from dyadwatch.types import Article, Failure

BODY = [
    "Japan and South Korea agreed on Tuesday to restart regular security talks, the two foreign "
    "ministries said after a meeting in Tokyo.",
    '"We will keep the channel open whatever happens," Foreign Minister Taro Kono said.',
    "The talks had been suspended since last year over a trade dispute.",
]


def articles(items) -> list[Article]:
    return [x for x in items if isinstance(x, Article)]


def failures(items) -> list[Failure]:
    return [x for x in items if isinstance(x, Failure)]


def read(path: Path, **kw) -> list[Article | Failure]:
    return list(ingest.read_paths([path], **kw))


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- plain text and boilerplate --------------------------------------------------------

SCRAPE = """From
Send to

World News Asia Korea

Tokyo and Seoul revive security dialogue

Oct. 2, 2018 - 09:15 By Han Soo-min

{b0}

Read also: Exporters brace for new checks at the border

The flags of both countries at the venue. PHOTO: EXAMPLE WIRE

{b1}

Advertisement

{b2} (Yonhap)

COMMENTS

Replying to someone

Comments are moderated before they appear.

For more information, please see our Comments FAQ
"""


def test_scrape_boilerplate_is_stripped_and_metadata_kept(tmp_path):
    path = write(tmp_path / "scrape.txt", SCRAPE.format(b0=BODY[0], b1=BODY[1], b2=BODY[2]))
    [art] = read(path)
    assert art.text == "\n\n".join(BODY)
    assert art.title == "Tokyo and Seoul revive security dialogue"
    assert art.outlet == "Yonhap News Agency"
    assert art.byline == "Han Soo-min"
    assert art.date == dt.date(2018, 10, 2) and art.date_text == "Oct. 2, 2018"
    assert art.doc_id == "scrape.txt" and art.source_path == str(path)


def test_source_lines_outlet_date_lines_and_datelines():
    text = ("Envoys trade views on sanctions relief\n\n"
            "Anadolu Agency March 5, 2019\n\n"
            "BEIJING:\n\n"
            f"{BODY[0]}\n\n{BODY[1]}\n\nSource : AA\n\nTranslate\n")
    art = article_from_text(text)
    assert art.outlet == "Anadolu Agency" and art.date == dt.date(2019, 3, 5)
    assert art.text.startswith("BEIJING:\n\n")  # the dateline is where the story was filed
    assert "Source" not in art.text and "Translate" not in art.text

    wire = f"SEOUL, Jan. 17 (Yonhap) -- {BODY[0]}\n\n{BODY[2]}"
    art = article_from_text(wire)
    assert art.outlet == "Yonhap News Agency" and art.text.startswith("SEOUL, Jan. 17 (Yonhap) --")
    assert art.title is None and art.date is None  # no year stated: no date guessed

    stated = article_from_text(f"{BODY[0]}\n\nSource: Harbour Times")
    assert stated.outlet == "Harbour Times" and stated.text == BODY[0]


def test_date_lines_with_weekday_time_and_trailing_outlet():
    cases = {
        "Monday, September 4, 2017": (dt.date(2017, 9, 4), None),
        "June 20, 2024 13:45 JST": (dt.date(2024, 6, 20), None),
        "Updated: 2018-04-28 09:15 KST": (dt.date(2018, 4, 28), None),
        "March 11, 2022 - 08:30 | Harbour Times": (dt.date(2022, 3, 11), "Harbour Times"),
        "24 February 2024": (dt.date(2024, 2, 24), None),
    }
    for line, (date, outlet) in cases.items():
        art = article_from_text(f"A headline about talks\n\n{line}\n\n{BODY[0]}")
        assert (art.date, art.outlet, art.text) == (date, outlet, BODY[0]), line


def test_scraper_line_breaks_are_rejoined_but_paragraphs_kept():
    # Scrapers insert stray newlines into long paragraphs, mid-word or before the period.
    first = ("The envoy said both governments wanted to avoid a crisis at sea that, in his view, "
             "would go against the interests of the whole region and of its trading partners, "
             "according to the ministry.")
    second = "He added that the next round of talks had taken place in Seoul late last month."
    broken = (first.replace("go against", "go ag\nainst").replace("ministry", "mini\nstry")
              + "\n\n" + second[:-1] + "\n.\n\nOfficials in Tokyo declined to com\nment.")
    art = article_from_text(broken)
    assert art.text == f"{first}\n\n{second}\n\nOfficials in Tokyo declined to comment."


def test_hard_wrapped_text_is_joined_with_spaces():
    para = ("Japan and South Korea agreed on Tuesday to restart regular\n"
            "security talks, the two foreign ministries said after a\n"
            "meeting in Tokyo that lasted more than three hours and\n"
            "ended with a joint statement.")
    art = article_from_text(f"Allies restart talks\n\n{para}\n\nKono met Kang on the "
                                   "sidelines.")
    assert art.title == "Allies restart talks"
    assert art.text.split("\n\n")[0] == " ".join(para.split("\n"))


def test_a_subheading_inside_hard_wrapped_text_stays_a_paragraph():
    para = ("Japan and South Korea agreed on Tuesday to restart regular\n"
            "security talks, the two foreign ministries said after a\n"
            "meeting in Tokyo that lasted more than three hours.\n"
            "Fishing rights next\n"
            "Both sides said they would turn to the fishing dispute in\n"
            "the spring, when a panel of experts is due to report.")
    art = article_from_text(f"Allies restart talks\n\n{para}\n\nKono met Kang on the "
                            "sidelines.")
    parts = art.text.split("\n\n")
    assert parts[1] == "Fishing rights next"
    assert parts[0].endswith("three hours.") and parts[2].startswith("Both sides said")


def test_bylines_need_a_name():
    for line, byline in (("By Kim Tong-hyung and Lee Min-ji", "Kim Tong-hyung and Lee Min-ji"),
                         ("BY Jean de la Fontaine, Harbour Times", "Jean de la Fontaine, "
                                                                   "Harbour Times"),
                         ("By 2030, Seoul aims to double trade", None)):
        art = article_from_text(f"{line}\n\n{BODY[0]}")
        assert art.byline == byline, line
        assert (art.title == line) is (byline is None)


def test_title_only_from_a_short_first_line_without_final_period():
    assert article_from_text("\n\n".join(BODY)).title is None
    one_line = article_from_text("Talks resume in Geneva")
    assert one_line.title is None and one_line.text == "Talks resume in Geneva"
    given_title = article_from_text(f"Talks resume\n\n{BODY[0]}", title="Talks resume")
    assert given_title.text == BODY[0] and given_title.title == "Talks resume"


def test_free_text_dates_out_of_range_or_relative_are_not_guessed():
    for line in ("January 1, 9999", "1 January 0001", "last Friday"):
        art = article_from_text(f"A headline about talks\n\n{line}\n\n{BODY[0]}")
        assert art.date is None, line


# --- content ids -----------------------------------------------------------------------

def test_content_id_is_whitespace_insensitive_short_hex():
    a = content_id("Seoul  and\nTokyo\n\n talks")
    assert a == content_id("Seoul and Tokyo talks")
    assert len(a) == 16 and int(a, 16) >= 0
    assert a != content_id("Seoul and Tokyo talk")


def test_same_story_in_txt_html_jsonl_and_feed_is_one_article(tmp_path):
    write(tmp_path / "a.txt", SCRAPE.format(b0=BODY[0], b1=BODY[1], b2=BODY[2]))
    paragraphs = "".join(f"<p>{b}</p>" for b in BODY)
    write(tmp_path / "b.html", "<html><head><title>Tokyo and Seoul revive security dialogue"
          "</title><meta name='date' content='2018-10-02'></head><body><nav><a href='/'>Home"
          "</a><a href='/asia'>Asia</a></nav><article><h1>Tokyo and Seoul revive security "
          f"dialogue</h1>{paragraphs}</article><footer>Copyright 2018 Example</footer>"
          "</body></html>")
    write(tmp_path / "c.jsonl", json.dumps({"text": "\n".join(BODY), "date": "2018-10-02"}) + "\n")
    write(tmp_path / "d.rss", f"""<?xml version="1.0"?><rss version="2.0"><channel>
        <title>Example</title><item><title>T</title><description><![CDATA[{paragraphs}]]>
        </description></item></channel></rss>""")
    got = read(tmp_path)
    assert not failures(got)
    assert len({a.id for a in got}) == 1 and len(got) == 4
    html = next(a for a in got if a.source_path.endswith("b.html"))
    assert html.title == "Tokyo and Seoul revive security dialogue"
    assert html.date == dt.date(2018, 10, 2)


# --- HTML --------------------------------------------------------------------------------

def test_html_metadata_and_chrome(tmp_path):
    path = write(tmp_path / "page.htm", f"""<!DOCTYPE html><html><head>
      <title>Envoys meet in Beijing | Example Post</title>
      <meta property="og:site_name" content="Example Post">
      <meta property="article:published_time" content="2019-05-06T10:00:00+08:00">
      <meta name="author" content="Lee Min-ji"></head>
      <body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
      <article><h1>Envoys meet in Beijing</h1><p>{BODY[0]}</p><p>{BODY[1]}</p></article>
      <aside><h3>Most read</h3><ul><li>Weather turns cold</li></ul></aside>
      <footer><p>&copy; 2019 Example Post. All rights reserved.</p></footer>
      <script>var tracking = "do not keep";</script></body></html>""")
    [art] = read(path)
    assert art.text == f"{BODY[0]}\n\n{BODY[1]}"
    assert (art.title, art.outlet, art.byline) == ("Envoys meet in Beijing", "Example Post",
                                                   "Lee Min-ji")
    assert art.date == dt.date(2019, 5, 6)


def test_html_scripts_and_data_uris_never_reach_the_text(tmp_path):
    blob = "QUJD" * 50_000
    path = write(tmp_path / "s.html", "<html><head><script>var x = '<p>injected</p>';</script>"
                 "<style>p { color: red }</style></head><body>"
                 f"<img src='data:image/png;base64,{blob}'><p>{BODY[0]}</p>"
                 "<script>document.write('evil')</script></body></html>")
    [art] = read(path)
    assert art.text == BODY[0]


@pytest.mark.parametrize("markup", [
    "<html><head><title>Only a shell</title></head><body><nav><a href='/'>Home</a></nav>"
    "<script>app()</script></body></html>",
    "<html><body>" + "<div>" * 5000 + "<p>Deep inside.</p>" + "</div>" * 5000 + "</body></html>",
    "<html><body><p>!!! ... ---</p></body></html>",
])
def test_html_without_extractable_text_is_a_failure(tmp_path, markup):
    path = write(tmp_path / "x.html", markup)
    [fail] = read(path)
    assert isinstance(fail, Failure) and fail.path == str(path)
    assert error_class(fail.code) is EmptyDocumentError and "text" in fail.reason


# --- JSON Lines and JSON -----------------------------------------------------------------

def test_jsonl_bad_lines_fail_alone_with_line_numbers(tmp_path):
    lines = [
        json.dumps({"id": "a1", "text": BODY[0], "date": "2018-10-02", "title": "One",
                    "url": "https://example.org/1", "outlet": "Yonhap"}),
        '{"id": "a2", "text": "unterminated',
        json.dumps({"id": "a3", "text": 5}),
        "[1, 2, 3]",
        "",
        json.dumps({"text": BODY[1], "date": "9999-01-01"}),
        json.dumps({"text": BODY[1], "date": "0001-01-01"}),
        json.dumps({"text": BODY[1], "date": "the day after tomorrow"}),
        json.dumps({"text": BODY[1], "title": ["not", "a", "string"]}),
        json.dumps({"text": "  ...  "}),
        json.dumps({"id": 7, "text": BODY[2]}),
    ]
    path = write(tmp_path / "w.jsonl", "\n".join(lines) + "\n")
    got = read(path)
    good = articles(got)
    assert [(a.doc_id, a.source_line) for a in good] == [("a1", 1), ("7", 11)]
    assert good[0].outlet == "Yonhap News Agency" and good[0].url == "https://example.org/1"
    assert good[0].date == dt.date(2018, 10, 2) and good[0].title == "One"
    bad = {f.line: f for f in failures(got)}
    assert sorted(bad) == [2, 3, 4, 6, 7, 8, 9, 10]
    assert all(f.path == str(path) for f in bad.values())
    assert bad[2].code == "E152" and "malformed JSON" in bad[2].reason
    assert bad[3].code == "E158" and '"text" must be a string' in bad[3].reason
    assert bad[3].doc_id == "a3"
    assert bad[4].code == "E156" and "not an object" in bad[4].reason
    assert bad[6].code == "E183" and "outside 1900-2100" in bad[6].reason
    assert bad[7].code == "E183"
    assert bad[8].code == "E181" and "cannot be parsed" in bad[8].reason
    assert bad[9].code == "E158" and '"title" must be a string' in bad[9].reason
    assert bad[10].code == "E133"
    # each code is one kind's: sorted by code, failures are sorted by kind
    assert {error_class(f.code) for f in bad.values()} == {FormatError, DateError,
                                                          EmptyDocumentError}


def test_jsonl_line_ranges_long_lines_and_bad_utf8(tmp_path):
    rows = [json.dumps({"text": f"{BODY[0]} Number {i}."}) for i in range(1, 6)]
    rows[2] = json.dumps({"text": "x" * 5000})
    data = ("\n".join(rows) + "\n").encode() + b'{"text": "caf\xe9 talks in Seoul"}\n'
    path = write(tmp_path / "r.ndjson", data)
    got = list(readers.read_jsonl(path, first_line=2, last_line=4, max_bytes=1000))
    assert [x.source_line for x in articles(got)] == [2, 4]
    [long] = failures(got)
    assert long.line == 3 and "longer than 1,000 bytes" in long.reason
    last = list(readers.read_jsonl(path, first_line=6))
    assert len(last) == 1 and last[0].line == 6 and "UTF-8" in last[0].reason


def test_json_file_one_record_or_a_list(tmp_path):
    one = write(tmp_path / "one.json", json.dumps({"text": BODY[0], "title": "T"}))
    many = write(tmp_path / "many.json", json.dumps([{"text": BODY[0]}, {"text": None},
                                                     {"text": BODY[1]}]))
    wrong = write(tmp_path / "wrong.json", json.dumps("just a string"))
    broken = write(tmp_path / "broken.json", '[{"text": "a"},')
    nested = write(tmp_path / "nested.json", "[" * 100_000 + "]" * 100_000)
    assert [a.title for a in read(one)] == ["T"]
    got = read(many)
    assert [type(x).__name__ for x in got] == ["Article", "Failure", "Article"]
    assert got[1].line == 2 and "no \"text\" field" in got[1].reason
    [w] = read(wrong)
    assert isinstance(w, Failure) and "expected one record" in w.reason
    [b] = read(broken)
    assert isinstance(b, Failure) and "malformed JSON" in b.reason and b.line == 1
    [n] = read(nested)
    assert isinstance(n, Failure)


def test_read_records_never_raises_on_bad_records():
    got = list(readers.read_records(
        [{"text": BODY[0], "date": dt.date(2020, 1, 6)}, "text", None,
         {"text": BODY[1], "id": True}, {"text": BODY[1], "date": 20200106},
         {"text": BODY[2], "byline": "By Kim", "author": "ignored"}], "api"))
    assert isinstance(got[0], Article) and got[0].date == dt.date(2020, 1, 6)
    assert [type(x).__name__ for x in got[1:5]] == ["Failure"] * 4
    assert [f.line for f in got[1:5]] == [2, 3, 4, 5] and {f.path for f in got[1:5]} == {"api"}
    assert got[5].byline == "By Kim"
    [fail] = readers.read_records(42, "api")
    assert isinstance(fail, Failure)


# --- feeds -------------------------------------------------------------------------------

RSS_ITEM = """<item><title>{title}</title><link>https://example.org/{n}</link>
<guid>item-{n}</guid><pubDate>{date}</pubDate><description><![CDATA[<p>{body}</p>]]>
</description></item>"""


def rss(*items: str, close: bool = True) -> str:
    head = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire Asia' \
           '</title>'
    return head + "".join(items) + ("</channel></rss>" if close else "")


def test_rss_entries_become_articles_with_feed_metadata(tmp_path):
    path = write(tmp_path / "f.xml", rss(
        RSS_ITEM.format(n=1, title="Talks resume", date="Thu, 14 Sep 2023 07:45:00 +0900",
                        body=BODY[0]),
        RSS_ITEM.format(n=2, title="Envoy visits", date="Fri, 15 Sep 2023 08:00:00 GMT",
                        body=BODY[1])))
    got = read(path)
    assert [(a.doc_id, a.title, a.url, a.outlet) for a in got] == [
        ("item-1", "Talks resume", "https://example.org/1", "Wire Asia"),
        ("item-2", "Envoy visits", "https://example.org/2", "Wire Asia")]
    assert got[0].date == dt.date(2023, 9, 14)  # the date as stated, not shifted to UTC


def test_atom_feed(tmp_path):
    path = write(tmp_path / "f.atom", f"""<?xml version="1.0" encoding="utf-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>
      <entry><title>Talks</title><id>urn:x:1</id><updated>2021-03-18T08:00:00Z</updated>
      <content type="html">&lt;p&gt;{BODY[0]}&lt;/p&gt;</content></entry></feed>""")
    [art] = read(path)
    assert (art.doc_id, art.outlet, art.date, art.text) == ("urn:x:1", "Atom Desk",
                                                           dt.date(2021, 3, 18), BODY[0])


def test_broken_feed_keeps_entries_read_before_the_break(tmp_path):
    first = RSS_ITEM.format(n=1, title="Kept", date="Mon, 06 Jan 2020 10:00:00 +0900",
                            body=BODY[0])
    path = write(tmp_path / "broken.rss", rss(first, "<item><title>Cut & broken</title>",
                                              close=False))
    got = read(path)
    [fail] = [f for f in failures(got) if "broken XML" in f.reason]  # the cut entry may fail too
    assert fail.path == str(path) and fail.code == "E166" and isinstance(fail.line, int)
    assert any(a.title == "Kept" and a.text == BODY[0] for a in articles(got))


def test_feed_entry_bad_date_and_not_a_feed(tmp_path):
    path = write(tmp_path / "d.xml", rss(
        RSS_ITEM.format(n=1, title="Far future", date="Fri, 01 Jan 9999 00:00:00 GMT",
                        body=BODY[0]),
        RSS_ITEM.format(n=2, title="Fine", date="Mon, 06 Jan 2020 10:00:00 GMT", body=BODY[1])))
    got = read(path)
    [fail] = failures(got)
    assert fail.code == "E183" and fail.reason.startswith("entry 1:")
    assert fail.doc_id == "item-1"
    assert [a.title for a in articles(got)] == ["Fine"]
    sitemap = write(tmp_path / "sitemap.xml", '<?xml version="1.0"?><urlset><url><loc>x</loc>'
                                               '</url></urlset>')
    [not_feed] = read(sitemap)
    assert isinstance(not_feed, Failure) and "not an RSS or Atom feed" in not_feed.reason
    assert not_feed.code == "E138"


# --- encodings and hostile files -----------------------------------------------------------

ACCENTED = "The minister met his counterpart in São Paulo, a café owner said on Friday."


@pytest.mark.parametrize("name,data", [
    ("utf8-bom.txt", b"\xef\xbb\xbf" + ACCENTED.encode()),
    ("utf16-bom.txt", ACCENTED.encode("utf-16")),
    ("utf16-le-no-bom.txt", ACCENTED.encode("utf-16-le")),
    ("utf16-be-no-bom.txt", ACCENTED.encode("utf-16-be")),
    ("latin1.txt", ACCENTED.encode("latin-1")),
    ("cp1252.txt", ACCENTED.replace("a café", "a “café”").encode("cp1252")),
])
def test_encodings_decode_to_the_same_text(tmp_path, name, data):
    [art] = read(write(tmp_path / name, data))
    assert isinstance(art, Article)
    assert art.text.replace("“", "").replace("”", "") == ACCENTED


def test_truncated_utf8_keeps_the_text_before_the_cut(tmp_path):
    data = "Talks in Seoul were “constructive”".encode()[:-1]
    [art] = read(write(tmp_path / "cut.txt", data))
    assert art.text == "Talks in Seoul were “constructive"


@pytest.mark.parametrize("name,data,code,words", [
    ("empty.txt", b"", "E130", "empty"),
    ("blank.txt", b" \n\t\n  ", "E131", "whitespace"),
    ("punct.txt", "... !!! ??? — *** ;;;\n\n---".encode(), "E133", "no words"),
    ("boiler.txt", b"Advertisement\n\nShare\n\nCOMMENTS\n", "E133", "no words"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "E141", "binary"),
    ("doc.pdf", b"%PDF-1.4\n\x00\x01\x02 stream", "E141", "binary"),
    ("nul.md", b"Seoul\x00Tokyo\x00\x00\x01", "E141", "binary"),
])
def test_hostile_files_fail_with_a_clear_reason(tmp_path, name, data, code, words):
    path = write(tmp_path / name, data)
    [fail] = read(path)
    assert isinstance(fail, Failure) and fail.path == str(path)
    assert fail.code == code and words in fail.reason


def test_size_limit_and_a_long_single_line(tmp_path):
    big = write(tmp_path / "big.txt", "Seoul and Tokyo talk. " * 50_000)
    [fail] = read(big, max_bytes=100_000)
    assert isinstance(fail, Failure) and "over the limit" in fail.reason
    [art] = read(big)  # 1.1 MB on one line is read, and cleaned in linear time
    assert len(art.text) == len("Seoul and Tokyo talk. " * 50_000) - 1


def test_folder_walk_is_sorted_skips_hidden_and_corpus_docs(tmp_path):
    write(tmp_path / "b.txt", BODY[1])
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "a.txt", BODY[0])
    write(tmp_path / "a.txt", BODY[2])
    write(tmp_path / ".hidden.txt", "Hidden text.")
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git" / "x.txt", "Git internals.")
    write(tmp_path / "README.md", "About this corpus.")
    got = read(tmp_path)
    assert [Path(a.source_path).relative_to(tmp_path).as_posix() for a in got] == [
        "a.txt", "b.txt", "sub/a.txt"]
    assert [p.name for p in files.walk(tmp_path)] == ["a.txt", "b.txt", "a.txt"]
    [readme] = read(tmp_path / "README.md")  # named explicitly: read
    assert readme.text == "About this corpus."


def test_links_loops_pipes_and_missing_paths_never_crash(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    write(root / "sub" / "story.txt", BODY[0])
    os.symlink("..", root / "sub" / "up")             # loop back to the corpus
    os.symlink("self-link", root / "self-link")        # a link to itself
    os.symlink("nowhere.txt", root / "dangling.txt")   # broken link
    os.mkfifo(root / "pipe.txt")                       # would block a naive reader
    got = read(root) + read(tmp_path / "missing.txt")
    [art] = articles(got)
    assert art.text == BODY[0]
    reasons = {Path(f.path).name: f.reason for f in failures(got)}
    assert "already read" in reasons["up"]
    assert "loop" in reasons["self-link"]
    assert "broken symbolic link" in reasons["dangling.txt"]
    assert "not a regular file" in reasons["pipe.txt"]
    assert "no such file" in reasons["missing.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_a_failure(tmp_path):
    path = write(tmp_path / "locked.txt", BODY[0])
    path.chmod(0)
    try:
        [fail] = read(path)
    finally:
        path.chmod(0o644)
    assert isinstance(fail, Failure) and "permission denied" in fail.reason


def test_unknown_extensions_are_sniffed(tmp_path):
    write(tmp_path / "page", f"<html><body><p>{BODY[0]}</p></body></html>")
    write(tmp_path / "records.dat", json.dumps([{"text": BODY[1]}]))
    write(tmp_path / "lines.log", json.dumps({"text": BODY[2]}) + "\n" +
          json.dumps({"text": BODY[0]}) + "\n")
    write(tmp_path / "notes.rst", BODY[2])
    write(tmp_path / "feed.bin", rss(RSS_ITEM.format(n=1, title="T", date="", body=BODY[1])))
    got = read(tmp_path)
    assert not failures(got)
    by_file = {Path(a.source_path).name: a.text for a in got}
    assert by_file == {"page": BODY[0], "records.dat": BODY[1], "lines.log": BODY[0],
                       "notes.rst": BODY[2], "feed.bin": BODY[1]}


# --- dates -------------------------------------------------------------------------------

def test_parse_date_explicit_values():
    assert parse_date("2024-02-24") == dt.date(2024, 2, 24)
    assert parse_date("2024-02-24T23:30:00+09:00") == dt.date(2024, 2, 24)
    assert parse_date("Feb. 24, 2024") == dt.date(2024, 2, 24)
    assert parse_date("Feb 2024") == dt.date(2024, 2, 1)
    assert parse_date(dt.datetime(2020, 1, 6, 9)) == dt.date(2020, 1, 6)
    for bad in ("2024-02-30", "9999-12-31", "0001-01-01", "yesterday", "2014", "x" * 500):
        with pytest.raises(DateError):
            parse_date(bad, path="in.jsonl", line=3)


def test_article_from_text_rejects_bad_explicit_date_and_empty_text():
    with pytest.raises(DateError) as err:
        article_from_text(BODY[0], date="31/31/2020", source_path="f.txt")
    assert "f.txt" in str(err.value)
    with pytest.raises(EmptyDocumentError):
        article_from_text("   \n\n ")


# --- rules table -------------------------------------------------------------------------

def test_rules_are_loaded_from_the_package_table_once():
    rules = Cleaner.from_package()
    assert rules is Cleaner.from_package()
    assert rules.canonical_outlet("aa") == "Anadolu Agency"
    assert rules.canonical_outlet("Unknown Gazette") == "Unknown Gazette"


def test_broken_rules_table_is_a_data_table_error(tmp_path):
    path = write(tmp_path / "rules.yaml", "exact_lines: [a]\n")
    with pytest.raises(DataTableError):
        Cleaner.from_file(path)
    keys = ("exact_lines", "line_patterns", "tail_markers", "section_words", "outlet_words")
    bad = "\n".join(f"{k}: ['x']" for k in keys).replace("line_patterns: ['x']",
                                                          "line_patterns: ['(unclosed']")
    with pytest.raises(DataTableError):
        Cleaner.from_file(write(tmp_path / "bad.yaml", bad + "\noutlets: {}\n"))


# --- corpora -----------------------------------------------------------------------------

def test_demo_corpus_reads_cleanly(demo_dir):
    got = list(ingest.read_paths([demo_dir]))
    assert not failures(got)
    assert 28 <= len(got) <= 34
    assert all(a.date is not None and a.title for a in got)
    assert all(len(a.text.split()) >= 100 for a in got)
    suffixes = {Path(a.source_path).suffix for a in got}
    assert suffixes == {".txt", ".html", ".jsonl", ".xml"}
    ids = [a.id for a in got]
    assert len(set(ids)) == len(ids) - 1  # one wire reprint cleans to the wire's exact text
    for art in got:
        for chrome in ("Advertisement", "Send to", "COMMENTS", "Read also", "Share on",
                       "PHOTO:", "Most Read", "All rights reserved", "Tags:"):
            assert chrome not in art.text, (art.source_path, chrome)


def test_seed_scrapes_lose_their_chrome_and_keep_metadata(shared_dir):
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("no seed files")
    got = list(ingest.read_paths(seeds))
    assert not failures(got) and len(got) == len(seeds)
    chrome = {"From", "Send to", "COMMENTS", "Translate", "Advertisement", "Continued next page...",
              "General"}
    for art in got:
        lines = set(art.text.split("\n"))
        assert not lines & chrome, art.source_path
        assert art.title and art.title not in art.text
        assert "Read also" not in art.text and "Comments FAQ" not in art.text
        assert "Source" not in art.text.split("\n")[-1]
        for para in art.text.split("\n\n"):  # no scraper breaks left inside paragraphs
            assert "\n" not in para
    by_name = {Path(a.source_path).name[:3]: a for a in got}
    if "001" in by_name:
        assert by_name["001"].outlet == "Yonhap News Agency"
        assert by_name["001"].date == dt.date(2014, 1, 17)
    if "003" in by_name:
        assert by_name["003"].outlet == "Anadolu Agency"
        assert by_name["003"].date == dt.date(2024, 2, 24)


# --- properties --------------------------------------------------------------------------

_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                     lambda inner: st.lists(inner, max_size=3) |
                     st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)
_field = st.sampled_from(["text", "title", "date", "url", "outlet", "id", "byline", "author"])
_record = st.dictionaries(_field | st.text(max_size=8), _json | st.text(), max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_record | _json, max_size=4))
def test_read_records_on_anything_returns_articles_or_failures(records):
    got = list(readers.read_records(records, "prop"))
    assert len(got) == len(records)
    assert all(isinstance(x, (Article, Failure)) for x in got)


@settings(max_examples=150, deadline=None)
@given(st.text(), st.none() | st.text(max_size=30) | st.dates())
def test_article_from_text_raises_only_dyadwatch_errors(text, date):
    try:
        art = article_from_text(text, date=date)
    except DyadwatchError:
        return
    assert art.id == content_id(art.text) and art.text.strip()


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".html", ".jsonl", ".json", ".xml",
                                                  ""]))
def test_read_paths_on_arbitrary_bytes_never_raises(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"blob{suffix}"
        path.write_bytes(data)
        got = list(ingest.read_paths([path]))
    assert all(isinstance(x, (Article, Failure)) for x in got)


def test_a_file_name_dates_an_article_whose_text_states_no_date(tmp_path):
    from dyadwatch.sources.files import date_in_name
    from dyadwatch.sources.ingest import read_paths

    assert date_in_name("2024-03-05-ceasefire.txt") == dt.date(2024, 3, 5)
    assert date_in_name("story_20231130.txt") == dt.date(2023, 11, 30)
    assert date_in_name("report-123456789.txt") is None and date_in_name("2024-13-40.txt") is None
    (tmp_path / "2024-03-05-talks.txt").write_text("Chile and Peru held talks on trade.\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Chile and Peru held talks on trade again.\n", encoding="utf-8")
    dates = {a.doc_id: a.date for a in read_paths([tmp_path])}
    assert dates == {"2024-03-05-talks.txt": dt.date(2024, 3, 5), "notes.txt": None}
