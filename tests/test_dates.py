"""Date resolution against an article date (no spaCy needed)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dyadwatch.coding.dates import parse_iso, resolve
from dyadwatch.errors import DateError

WED = dt.date(2024, 3, 6)  # a Wednesday


@pytest.mark.parametrize("text, expected, how", [
    # weekdays: the most recent one on or before the anchor
    ("on Friday", dt.date(2024, 3, 1), "weekday"),
    ("Friday night", dt.date(2024, 3, 1), "weekday"),
    ("on Wednesday", WED, "weekday"),
    ("last Wednesday", dt.date(2024, 2, 28), "weekday"),
    ("next Friday", dt.date(2024, 3, 8), "weekday"),
    ("over the weekend", dt.date(2024, 3, 2), "weekday"),
    # days
    ("yesterday", dt.date(2024, 3, 5), "relative-day"),
    ("today", WED, "relative-day"),
    ("three days ago", dt.date(2024, 3, 3), "relative-day"),
    ("two weeks ago", dt.date(2024, 2, 21), "relative-week"),
    # periods: their first day
    ("last month", dt.date(2024, 2, 1), "relative-month"),
    ("earlier this month", dt.date(2024, 3, 1), "relative-month"),
    ("this week", dt.date(2024, 3, 4), "relative-week"),
    ("last week", dt.date(2024, 2, 26), "relative-week"),
    ("last year", dt.date(2023, 1, 1), "relative-year"),
    ("six months ago", dt.date(2023, 9, 6), "relative-month"),
    # absolute dates: a date without a year is the latest one not after the anchor
    ("on Sept. 19", dt.date(2023, 9, 19), "absolute-day"),
    ("March 2", dt.date(2024, 3, 2), "absolute-day"),
    ("Sept. 19, 2019", dt.date(2019, 9, 19), "absolute-day"),
    ("in April", dt.date(2023, 4, 1), "absolute-month"),
    ("1988", dt.date(1988, 1, 1), "absolute-year"),
    ("2003-04-05", dt.date(2003, 4, 5), "absolute-day"),
])
def test_resolve(text, expected, how):
    assert resolve(text, WED) == (expected, how)


@pytest.mark.parametrize("text", ["the 1970s", "three days", "the second day", "", "May",
                                  "in two decades", "for decades", "the Marchers"])
def test_not_a_date(text):
    value, how = resolve(text, WED)
    assert value is None and how == "unresolved"


def test_anchor_on_the_weekday_itself_and_month_end():
    sunday = dt.date(2024, 3, 31)
    assert resolve("on Sunday", sunday) == (sunday, "weekday")
    assert resolve("a month ago", sunday) == (dt.date(2024, 2, 29), "relative-month")


def test_without_anchor_only_self_contained_dates():
    assert resolve("on Friday", None) == (None, "no-anchor")
    assert resolve("last month", None) == (None, "no-anchor")
    assert resolve("March 3", None) == (None, "no-anchor")
    assert resolve("March 3, 2021", None) == (dt.date(2021, 3, 3), "absolute-day")


def test_parse_iso():
    assert parse_iso("2024-03-06") == WED
    assert parse_iso(None) is None
    assert parse_iso(WED) == WED
    with pytest.raises(DateError):
        parse_iso("6 March")


def test_numbers_with_thousands_separators_are_not_read_from_their_tail():
    import datetime as dt

    from dyadwatch.coding import dates

    assert dates.resolve("10,000 years ago", dt.date(2020, 1, 1)) == (None, "unresolved")


def test_before_window_needs_the_whole_named_period_to_be_old():
    import datetime as dt

    from dyadwatch.coding.dates import before_window

    anchor = dt.date(2023, 5, 10)
    assert before_window("in 2021", anchor)
    assert not before_window("in 2023", anchor)  # the article's own year
    assert before_window("last November", anchor)
    assert not before_window("in April", anchor)  # last month: inside six weeks
    assert before_window("in February", anchor)
    assert not before_window("on Monday", anchor)
    assert not before_window("in 2021", None)


_EXACT_ANCHORS = [dt.date(2024, 2, 29), dt.date(2024, 3, 1), dt.date(2023, 12, 31),
                  dt.date(2024, 1, 1), dt.date(2024, 6, 15), None]
_EXACT_FORMS = ["March", "Feb.", "Sept.", "dec", "May", "June 2019", "Jan. 2024",
                "Oct. 7", "July 4", "1 March", "15 June", "June 15", "December 31", "Nov. 30",
                "March 1, 2024", "Aug. 9 2022", "28 February 2023", "January 31 1999",
                "Feb 28", "28 Feb"]


@pytest.mark.parametrize("anchor", _EXACT_ANCHORS)
def test_exact_forms_give_dateparsers_answer(anchor):
    """The plain forms read without dateparser get exactly its (date, period)."""
    from dyadwatch.coding import dates

    for text in _EXACT_FORMS:
        mine = dates._exact(text, anchor)
        if anchor is None and not re.search(r"\d{4}", text):
            assert mine is None, text  # a day or month without a year needs the anchor
            continue
        data = dates._parser(anchor).get_date_data(text)
        assert mine == (data.date_obj.date(), data.period), (text, anchor)


@pytest.mark.parametrize("text", ["Feb. 29", "29 February 2024", "April 31", "June 0",
                                  "decades", "Marchers", "Monday, June 3", "June 3 to June 5",
                                  "2024 June", "3rd of June"])
def test_forms_not_mirrored_are_left_to_dateparser(text):
    from dyadwatch.coding import dates

    assert dates._exact(text, dt.date(2024, 6, 15)) is None


def test_find_dates_are_the_date_entities_inside_each_sentence(nlp):
    """find_dates answers per sentence from the document's date entities found
    once (by bisection): the same as filtering every entity for each sentence."""
    from dyadwatch.coding.dates import find_dates

    doc = nlp("The ferry left on Monday. Nothing happened on Tuesday or Wednesday night. "
              "The crew rested. Last week the harbour closed, and on March 3 it reopened.")
    for sent in doc.sents:
        expected = [(e.text, e.start, e.end) for e in doc.ents
                    if e.label_ in ("DATE", "TIME") and e.start >= sent.start and e.end <= sent.end]
        assert find_dates(sent) == expected
    assert find_dates(doc[0:len(doc)]) == [(e.text, e.start, e.end) for e in doc.ents
                                           if e.label_ in ("DATE", "TIME")]
