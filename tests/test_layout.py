"""Sentence starts implied by page layout (coding/layout.py), on texts
written for these tests and parsed by the real spaCy model."""

from __future__ import annotations

import pytest

from dyadwatch.coding.layout import is_glued_heading


def sentences(nlp, text):
    return [s.text for s in nlp(text).sents]


@pytest.mark.parametrize("text, heading, rest", [
    ("The mayor spoke. Port deal signed On Monday, the two cities agreed to share the harbor.",
     "Port deal signed", "On Monday, the two cities agreed to share the harbor."),
    ("It rose sharply. Rice prices surge Since the harvest failed, traders have hoarded grain.",
     "Rice prices surge", "Since the harvest failed, traders have hoarded grain."),
    ("Both sides met.” Harbor dispute The new board would settle such quarrels.",
     "Harbor dispute", "The new board would settle such quarrels."),
    ("Exports rose. Slow start at ports Even as trade grows, the docks are idle.",
     "Slow start at ports", "Even as trade grows, the docks are idle."),
    ("Five died. Floods hit river towns Hours after the dam broke, the army arrived.",
     "Floods hit river towns", "Hours after the dam broke, the army arrived."),
])
def test_a_subheading_glued_to_the_next_sentence_is_its_own_sentence(nlp, text, heading, rest):
    sents = sentences(nlp, text)
    assert heading in sents and rest in sents
    doc = nlp(text)
    assert [is_glued_heading(s) for s in doc.sents] == [s.text == heading for s in doc.sents]


def test_a_name_after_a_subheading_ending_in_an_adjective_opens_a_sentence(nlp):
    text = "The vote passed. Grain deal vital Okafor, speaking on Monday, rejected the tariff plan."
    doc = nlp(text)
    assert [s.text for s in doc.sents if is_glued_heading(s)] == ["Grain deal vital"]
    for titled in ("Votes were counted. Jailed former President Lee said he had won.",
                   "Votes were counted. Jailed former Prime Minister Khan said he had won.",
                   "Votes were counted. Officials blamed neighboring Ruritania, accusing it of fraud."):
        assert len(list(nlp(titled).sents)) == 2, titled


@pytest.mark.parametrize("text", [
    "Farmers protested. Officials met Chinese counterparts on Monday.",
    "He spoke. The former French foreign minister told reporters that talks had ended.",
    "Talks ended. The other Iranian ship sailed on Friday. A deal was near.",
    "Talks ended. The things I saw were terrible, the envoy said.",
])
def test_capitals_inside_a_sentence_do_not_start_one(nlp, text):
    doc = nlp(text)
    assert len(list(doc.sents)) == text.count(".")
    assert not any(is_glued_heading(s) for s in doc.sents)


@pytest.mark.parametrize("text, label, answer", [
    ("The talk was edited for length. Kaya: Turkey accused Greece of lying.",
     "Kaya:", "Turkey accused Greece of lying."),
    ("VOA: Will Oslo send troops? Anna Lindqvist: Norway will not send troops.",
     "Anna Lindqvist:", "Norway will not send troops."),
    ("We asked about the border.\nMinister: \"Nobody crosses it.\"",
     "Minister:", "\"Nobody crosses it.\""),
])
def test_a_speaker_label_is_not_part_of_the_answer(nlp, text, label, answer):
    doc = nlp(text)
    sents = [s.text.strip() for s in doc.sents]
    assert label in sents and answer in sents
    for s in doc.sents:  # the label is no subject of the answer's verb
        if s.text.strip() == answer:
            assert all(t.head.i >= s.start for t in s)


@pytest.mark.parametrize("text", [
    'He said: "We will not move." The envoy agreed.',
    "Note: the figures are estimates. Turnout was low.",
    "The talks resume at 10:30 on Monday. Both sides agreed.",
])
def test_a_colon_inside_a_sentence_is_no_speaker_label(nlp, text):
    assert len(list(nlp(text).sents)) == 2


@pytest.mark.parametrize("text", ["", " ", "Lindqvist:", "Talks:\n\n", "A.", "Port deal signed",
                                  "\n\n\n", "Oslo: ?", ". . . . The"])
def test_texts_too_short_or_all_punctuation_parse_without_error(nlp, text):
    """The layout rules look ahead of a token (a label's answer, a heading's
    next word): at a text's very end there is none, and nothing may fail."""
    doc = nlp(text)
    assert "".join(s.text_with_ws for s in doc.sents) == text


def test_a_blank_line_still_ends_a_sentence(nlp):
    assert sentences(nlp, "Harbour talks resume\n\nThe two cities met on Monday.") == [
        "Harbour talks resume\n\n", "The two cities met on Monday."]
