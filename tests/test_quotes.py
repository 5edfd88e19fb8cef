"""Quotes: direct and indirect speech, speakers, and links to events.

Every sentence here was written for these tests. Mentions are built by hand
over the real spaCy parse (the actor coder's output has the same shape), so
these tests pin the quote rules independently of the actor dictionaries.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyadwatch.errors import DataTableError
from dyadwatch.coding.quotes import QuoteExtractor, extract, quote_id
from dyadwatch.types import Actor, Article, Event, Mention

CHNGOV = Actor(code="CHNGOV", country="CHN", sector="GOV", name="Chinese government", kind="title")
PRKGOV = Actor(code="PRKGOV", country="PRK", sector="GOV", name="North Korean government", kind="title")
KORGOV = Actor(code="KORGOV", country="KOR", sector="GOV", name="South Korean government", kind="title")
LIU = Actor(code="CHNGOV", country="CHN", sector="GOV", name="Liu Dexiang", kind="person")


@pytest.fixture(scope="module")
def qx() -> QuoteExtractor:
    return QuoteExtractor.from_package()


def run(nlp, qx, text, mentions=(), events=()):
    """Parse, extract, and check the invariants every result must keep."""
    doc = nlp(text)
    article = Article(id="art-1", text=text)
    built = [m(doc) if callable(m) else m for m in mentions]
    quotes, links = qx.extract(doc, article, built, list(events))
    previous_end = -1
    for q in quotes:
        assert q.text == text[q.start:q.end], "text must be the exact slice of the article"
        assert q.start >= previous_end, "quotes never overlap"
        previous_end = q.end
        assert q.id == quote_id("art-1", q.start, q.end)
        assert q.kind in ("direct", "indirect")
        starts = [sent.start_char for sent in doc.sents]
        assert q.sentence_start == sum(1 for c in starts if c <= q.start) - 1
        assert q.sentence_end == sum(1 for c in starts if c <= q.end - 1) - 1
        if q.speaker is not None:
            assert q.speaker_text is not None
    return quotes, links


def mention(phrase, actor, *, nth=0, antecedent=None):
    """A Mention over the nth occurrence of `phrase`, built on the parsed doc."""
    def build(doc):
        start = -1
        for _ in range(nth + 1):
            start = doc.text.index(phrase, start + 1)
        span = doc.char_span(start, start + len(phrase), alignment_mode="expand")
        sent_index = next(i for i, s in enumerate(doc.sents) if s.start <= span.start < s.end)
        return Mention(text=span.text, start=span.start_char, end=span.end_char,
                       token_start=span.start, token_end=span.end, sentence_index=sent_index,
                       actor=actor, antecedent=antecedent)
    return build


def event(text, trigger, eid, *, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(trigger, start + 1)
    return Event(id=eid, article_id="art-1", sentence_index=0, sentence="", trigger=trigger,
                 trigger_start=start, trigger_end=start + len(trigger), plover="ACCUSE",
                 cameo=None, goldstein=None, quad_class=None, source=None, target=None)


# ------------------------------------------------------------ direct quotes

def test_curly_quote_split_by_attribution_gives_two_quotes_of_one_speaker(nlp, qx):
    text = ("“Beijing will not accept any blockade of the strait,” Liu Dexiang said. "
            "“Our patience should not be mistaken for weakness.”")
    quotes, _ = run(nlp, qx, text, [mention("Liu Dexiang", LIU)])
    assert [q.text for q in quotes] == [
        "Beijing will not accept any blockade of the strait",
        "Our patience should not be mistaken for weakness.",
    ]
    assert all(q.kind == "direct" and q.speaker == LIU and q.verb == "say" for q in quotes)
    assert [q.speaker_text for q in quotes] == ["Liu Dexiang", "Liu Dexiang"]
    assert [(q.sentence_start, q.sentence_end) for q in quotes] == [(0, 0), (1, 1)]


def test_straight_quote_interrupted_mid_sentence(nlp, qx):
    text = '"The exercise is purely defensive," the minister said, "and it will end on schedule."'
    quotes, _ = run(nlp, qx, text, [mention("the minister", KORGOV)])
    assert [q.text for q in quotes] == ["The exercise is purely defensive",
                                       "and it will end on schedule."]
    assert [q.speaker for q in quotes] == [KORGOV, KORGOV]
    assert [q.speaker_text for q in quotes] == ["the minister", "the minister"]


def test_inverted_attribution_and_speaker_phrase_with_modifier(nlp, qx):
    text = "“These launches threaten every neighbour,” said a spokesperson for the ministry."
    quotes, _ = run(nlp, qx, text, [mention("the ministry", KORGOV)])
    assert len(quotes) == 1
    assert quotes[0].speaker_text == "a spokesperson for the ministry"
    assert quotes[0].speaker == KORGOV


def test_attribution_before_the_quote_with_colon_and_with_object(nlp, qx):
    text = ("The envoy told the committee: “We have no plan to withdraw the fleet.” "
            "Later Pak told journalists, “Nothing has changed since yesterday.”")
    quotes, _ = run(nlp, qx, text, [mention("Pak", PRKGOV)])
    assert [q.verb for q in quotes] == ["tell", "tell"]
    assert [q.speaker_text for q in quotes] == ["The envoy", "Pak"]
    assert quotes[0].speaker is None  # a phrase with no coded mention: unknown actor, never guessed
    assert quotes[1].speaker == PRKGOV


def test_nested_single_quotes_and_apostrophes_stay_inside_the_outer_quote(nlp, qx):
    text = ("“Seoul’s so-called ‘freedom shield’ is a rehearsal for war, and we won’t ignore it,” "
            "the agency said.")
    quotes, _ = run(nlp, qx, text, [mention("the agency", PRKGOV)])
    assert len(quotes) == 1
    assert quotes[0].text == ("Seoul’s so-called ‘freedom shield’ is a rehearsal for war, "
                              "and we won’t ignore it")
    assert quotes[0].speaker == PRKGOV


def test_quote_continued_across_paragraphs_is_one_quote(nlp, qx):
    text = ("“The fishing boats were inside our waters,” the coast guard commander said. "
            "“They ignored three warnings.\n\n"
            "“We boarded them only after the third warning, and nobody was hurt.”\n\n"
            "The boats were towed to port on Sunday.")
    quotes, _ = run(nlp, qx, text, [mention("the coast guard commander", KORGOV)])
    assert len(quotes) == 2
    second = quotes[1]
    assert second.text == ("They ignored three warnings.\n\n“We boarded them only after the third "
                           "warning, and nobody was hurt.")
    assert second.speaker == KORGOV and second.verb == "say"
    assert second.sentence_end > second.sentence_start
    assert "towed" not in second.text


def test_continuation_with_straight_marks_and_attribution_before(nlp, qx):
    text = ('Han said on Monday: "We are ready to resume talks.\n\n'
            '"But there will be no talks under threat."\n\nThe delegation left.')
    quotes, _ = run(nlp, qx, text, [mention("Han", KORGOV)])
    assert len(quotes) == 1
    assert quotes[0].text.endswith("no talks under threat.")
    assert quotes[0].speaker == KORGOV


def test_short_scare_quote_is_not_a_quotation(nlp, qx):
    text = ("Officials in Seoul described the sudden invitation as a “peace offensive” "
            "aimed at dividing the allies.")
    quotes, _ = run(nlp, qx, text)
    assert all("peace offensive" != q.text for q in quotes)
    assert not any(q.kind == "direct" for q in quotes)


def test_scare_quote_inside_reported_speech_is_part_of_the_indirect_quote(nlp, qx):
    text = "The ministry said the so-called “peace offensive” had fooled nobody in the region."
    quotes, _ = run(nlp, qx, text, [mention("The ministry", KORGOV)])
    assert len(quotes) == 1
    assert quotes[0].kind == "indirect"
    assert "“peace offensive”" in quotes[0].text
    assert quotes[0].speaker == KORGOV


def test_quoted_whole_complement_stays_direct_and_takes_the_speaker(nlp, qx):
    text = "Liu Dexiang said that “the strait is not a playground for foreign navies.”"
    quotes, _ = run(nlp, qx, text, [mention("Liu Dexiang", LIU)])
    assert len(quotes) == 1
    assert quotes[0].kind == "direct" and quotes[0].speaker == LIU and quotes[0].verb == "say"


def test_short_attributed_quote_is_kept(nlp, qx):
    quotes, _ = run(nlp, qx, "“Absolutely not,” he replied.")
    assert [q.text for q in quotes] == ["Absolutely not"]
    assert quotes[0].speaker_text == "he" and quotes[0].verb == "reply"


def test_reporting_verb_inside_a_direct_quote_is_not_indirect_speech(nlp, qx):
    text = "“Tokyo said it would send aid, but the ships never came,” the mayor complained."
    quotes, _ = run(nlp, qx, text)
    assert len(quotes) == 1
    assert quotes[0].kind == "direct" and quotes[0].verb == "complain"
    assert quotes[0].speaker_text == "the mayor"


def test_full_stop_inside_quote_takes_no_attribution_from_next_sentence(nlp, qx):
    text = "“The harbour will stay closed until further notice.” Kim then left the podium."
    quotes, _ = run(nlp, qx, text, [mention("Kim", PRKGOV)])
    assert len(quotes) == 1
    assert quotes[0].speaker is None and quotes[0].speaker_text is None and quotes[0].verb is None


# ---------------------------------------------------------- unknown speaker

def test_standalone_quote_without_speaker_is_kept_as_unknown(nlp, qx):
    text = ("The talks ended without a statement.\n\n"
            "“There is nothing more to discuss with people who break their word.”")
    quotes, _ = run(nlp, qx, text, [mention("The talks", KORGOV)])
    assert len(quotes) == 1
    assert quotes[0].kind == "direct"
    assert quotes[0].speaker is None and quotes[0].speaker_text is None and quotes[0].verb is None


def test_next_paragraph_does_not_inherit_the_previous_speaker(nlp, qx):
    text = ("“The border stays open,” Han said.\n\n"
            "“Trade across the river will continue as before.”")
    quotes, _ = run(nlp, qx, text, [mention("Han", KORGOV)])
    assert [q.speaker for q in quotes] == [KORGOV, None]


def test_quote_before_an_attributed_quote_inherits_its_speaker(nlp, qx):
    text = "“We are ready.” “We have always been ready,” Pak insisted."
    quotes, _ = run(nlp, qx, text, [mention("Pak", PRKGOV)])
    assert [q.speaker for q in quotes] == [PRKGOV, PRKGOV]
    assert [q.verb for q in quotes] == ["insist", "insist"]


# ---------------------------------------------------------- indirect speech

@pytest.mark.parametrize(("text", "content", "speaker_text", "verb"), [
    ("Han told reporters that Seoul would not join the new blockade.",
     "Seoul would not join the new blockade", "Han", "tell"),
    ("The ministry said in a statement that the patrol boats had left the area.",
     "the patrol boats had left the area", "The ministry", "say"),
    ("Pak said the northern fleet would hold exercises next month.",
     "the northern fleet would hold exercises next month", "Pak", "say"),
    ("The northern fleet will hold exercises next month, the ministry said.",
     "The northern fleet will hold exercises next month", "the ministry", "say"),
    ("According to the foreign ministry, the delegation will arrive in Pyongyang on Friday.",
     "the delegation will arrive in Pyongyang on Friday", "the foreign ministry", "according to"),
    ("The delegation will arrive in Pyongyang on Friday, according to the foreign ministry.",
     "The delegation will arrive in Pyongyang on Friday", "the foreign ministry", "according to"),
    ("The state news agency quoted Pak as saying that the missile test had succeeded.",
     "the missile test had succeeded", "Pak", "say"),
    ("Kim Yo Jong, the leader's sister, warned that Seoul would pay a heavy price.",
     "Seoul would pay a heavy price", "Kim Yo Jong", "warn"),
])
def test_indirect_speech_forms(nlp, qx, text, content, speaker_text, verb):
    quotes, _ = run(nlp, qx, text)
    assert [(q.kind, q.text, q.speaker_text, q.verb) for q in quotes] == [
        ("indirect", content, speaker_text, verb)]


def test_adding_that_takes_the_subject_of_the_main_verb(nlp, qx):
    text = ("Han said the talks had been useful, adding that a second round "
            "would follow in the spring.")
    quotes, _ = run(nlp, qx, text, [mention("Han", KORGOV)])
    assert [(q.verb, q.speaker) for q in quotes] == [("say", KORGOV), ("add", KORGOV)]
    assert quotes[1].text == "a second round would follow in the spring"


def test_nested_reported_speech_keeps_the_outer_quote(nlp, qx):
    text = "Han said that Pak had told him the shipments would stop."
    quotes, _ = run(nlp, qx, text)
    assert len(quotes) == 1
    assert quotes[0].speaker_text == "Han"
    assert quotes[0].text == "Pak had told him the shipments would stop"


@pytest.mark.parametrize("text", [
    "Han did not say whether the shipments would stop.",
    "It is far too early to say whether the shipments will stop.",
])
def test_negated_or_infinitive_reporting_is_not_a_quote(nlp, qx, text):
    quotes, _ = run(nlp, qx, text)
    assert quotes == ()


# -------------------------------------------------------------- coreference

def test_speaker_comes_from_the_mention_covering_the_subject(nlp, qx):
    text = ("Chinese Foreign Ministry spokesperson Lin Jian said the two navies had held a "
            "routine drill. “Nobody should read anything more into it,” he added.")
    quotes, _ = run(nlp, qx, text, [
        mention("Chinese Foreign Ministry", CHNGOV),
        mention("he", CHNGOV, nth=text.count("he", 0, text.index("“")),
                antecedent="Chinese Foreign Ministry spokesperson Lin Jian"),
    ])
    assert [(q.kind, q.speaker, q.verb) for q in quotes] == [
        ("indirect", CHNGOV, "say"), ("direct", CHNGOV, "add")]
    assert quotes[0].speaker_text == "Chinese Foreign Ministry spokesperson Lin Jian"
    assert quotes[1].speaker_text == "he"


def test_mention_containing_the_head_word_wins(nlp, qx):
    text = "“We will keep the channel open,” Seoul's envoy Han said."
    quotes, _ = run(nlp, qx, text, [mention("Seoul", KORGOV), mention("Han", LIU)])
    assert quotes[0].speaker == LIU  # the head word "Han", not the possessor "Seoul"



def test_coded_mention_wins_over_a_head_of_unknown_country(nlp, qx):
    unknown = Actor(code="---GOV", country=None, sector="GOV", kind="title")
    text = "The spokesperson for the Chinese foreign ministry said the vessels were on routine patrol."
    quotes, _ = run(nlp, qx, text, [mention("spokesperson", unknown),
                                    mention("Chinese foreign ministry", CHNGOV)])
    assert quotes[0].speaker == CHNGOV


def test_quoted_fragment_in_reported_speech_keeps_its_closing_mark(nlp, qx):
    text = "Pak said the launch was “a warning to every enemy of the republic.” The sea was calm."
    quotes, _ = run(nlp, qx, text)
    assert [q.text for q in quotes] == ["the launch was “a warning to every enemy of the republic.”"]

# ----------------------------------------------------------- events linking

def test_events_inside_a_quote_are_linked_both_ways(nlp, qx):
    text = ("“We condemn the seizure of our fishing boats,” the ministry said. "
            "Seoul later released the crews.")
    events = [event(text, "condemn", "ev-in"), event(text, "released", "ev-out")]
    quotes, links = run(nlp, qx, text, [mention("the ministry", KORGOV)], events)
    assert len(quotes) == 1
    assert quotes[0].event_ids == ("ev-in",)
    assert links == {"ev-in": quotes[0].id}  # the events themselves are not rebuilt


def test_events_in_indirect_speech_are_linked(nlp, qx):
    text = "Han told reporters that Pyongyang had fired two missiles into the sea."
    quotes, links = run(nlp, qx, text, events=[event(text, "fired", "ev-1")])
    assert quotes[0].event_ids == ("ev-1",)
    assert links["ev-1"] == quotes[0].id


# ------------------------------------------------------------ bad input

def test_empty_and_blank_articles(nlp, qx):
    ev = event("x launched", "launched", "ev-0")
    for text in ("", "   \n\n  "):
        quotes, links = run(nlp, qx, text, events=[ev])
        assert quotes == () and links == {}


def test_runaway_quote_is_capped_at_the_paragraph_end(nlp, qx):
    text = ("“The talks have collapsed and the blame lies entirely with Seoul, the envoy said.\n\n"
            "Han announced new sanctions on Tuesday.")
    events = [event(text, "sanctions", "ev-later")]
    quotes, links = run(nlp, qx, text, [mention("Han", KORGOV)], events)
    assert len(quotes) <= 2
    direct = [q for q in quotes if q.kind == "direct"]
    assert len(direct) == 1
    assert direct[0].text.endswith("the envoy said.")
    assert direct[0].speaker is None and direct[0].speaker_text is None  # no closing mark: no attribution
    assert "sanctions" not in direct[0].text
    assert links.get("ev-later") != direct[0].id


def test_reopening_mark_ends_an_unclosed_quote(nlp, qx):
    text = "“We will answer force with force, Pak said. “This is our final warning.”"
    quotes, _ = run(nlp, qx, text, [mention("Pak", PRKGOV)])
    assert [q.text for q in quotes] == ["We will answer force with force, Pak said.",
                                       "This is our final warning."]
    assert all(q.speaker is None for q in quotes)


def test_stray_closing_marks_and_odd_straight_marks(nlp, qx):
    text = ('The convoy crossed” the bridge at dawn. The shells were 6" wide. '
            'Han said "the crossing was legal" and left. The last "word')
    quotes, _ = run(nlp, qx, text, [mention("Han", KORGOV)])
    # the stray ” and the inch mark open nothing; the one-word unclosed tail is a label
    assert [(q.text, q.speaker) for q in quotes] == [("the crossing was legal", KORGOV)]


def test_twenty_thousand_character_quote(nlp, qx):
    sentence = "The sea lanes must remain open to every nation's ships at all times. "
    body = (sentence * (20_000 // len(sentence) + 1))[:20_000].rstrip()
    text = f"“{body},” the admiral said.\n\n“{body}\n\nThe fleet sailed."
    quotes, _ = run(nlp, qx, text, [mention("the admiral", CHNGOV)])
    direct = [q for q in quotes if q.kind == "direct"]
    assert len(direct) == 2
    assert len(direct[0].text) >= 19_900 and direct[0].speaker == CHNGOV
    assert len(direct[1].text) >= 19_900 and direct[1].speaker is None  # unclosed: capped
    assert "fleet sailed" not in direct[1].text


def test_many_unclosed_marks_do_not_blow_up(nlp, qx):
    text = " ".join(f'Unit {i} said "ready' for i in range(400)) + "."
    quotes, _ = run(nlp, qx, text)
    assert all(q.speaker is None or q.speaker_text for q in quotes)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(['"', "“", "”", "‘", "’", "'", ",", ".", " ", "\n", "\n\n", "said",
                                 "Han", "he", "that", "ready", "the", "according to", ":", "told"]),
                max_size=40))
def test_any_arrangement_of_marks_keeps_the_invariants(nlp, qx, parts):
    run(nlp, qx, " ".join(parts))


# ----------------------------------------------------------- data table

def test_packaged_table_and_convenience_function(nlp, qx):
    assert {"say", "tell", "add", "stress", "urge", "warn"} <= qx.verbs
    assert ("point", "out") in qx.particle_verbs
    text = "The envoy pointed out that the agreement had expired in March."
    doc = nlp(text)
    quotes, _ = extract(doc, Article(id="art-1", text=text), [], [])
    assert [(q.verb, q.text) for q in quotes] == [("point out", "the agreement had expired in March")]


@pytest.mark.parametrize("content", ["verbs: say", "verbs: [say, too many words]", "verbs: [", ""])
def test_bad_reporting_verb_table_raises_a_data_table_error(tmp_path, content):
    path = tmp_path / "verbs.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataTableError):
        QuoteExtractor.from_file(path)


# ------------------------------------------- with the real actor coder

@pytest.fixture(scope="module")
def coder():
    from dyadwatch.coding.actors import ActorCoder

    return ActorCoder.from_package()


def coded(nlp, qx, coder, text):
    doc = nlp(text)
    article = Article(id="art-2", text=text, date=dt.date(2024, 5, 14))
    quotes, _ = qx.extract(doc, article, coder.code(doc, article), [])
    for q in quotes:
        assert q.text == text[q.start:q.end]
    return quotes


def test_real_coder_spokesperson_and_pronoun_coreference(nlp, qx, coder):
    text = ("Chinese Foreign Ministry spokesperson Lin Jian said on Tuesday that Beijing "
            "opposed the new missile battery. “The peninsula needs fewer weapons, not more,” "
            "he said.")
    quotes = coded(nlp, qx, coder, text)
    assert [(q.kind, q.speaker.code if q.speaker else None, q.verb) for q in quotes] == [
        ("indirect", "CHNGOV", "say"), ("direct", "CHNGOV", "say")]
    assert quotes[1].speaker_text == "he"


def test_real_coder_ministry_short_form_is_the_same_speaker(nlp, qx, coder):
    text = ("North Korea’s foreign ministry said in a statement that the joint drills were "
            "a rehearsal for an attack. “We will answer with countermeasures of our own,” "
            "the ministry warned.")
    quotes = coded(nlp, qx, coder, text)
    assert [(q.speaker.code if q.speaker else None, q.verb) for q in quotes] == [
        ("PRKGOV", "say"), ("PRKGOV", "warn")]
    assert quotes[1].speaker_text == "the ministry"


def test_real_coder_organisation_inside_the_speaker_phrase(nlp, qx, coder):
    text = ("A spokesperson for the South Korean defence ministry told reporters that the "
            "patrols would continue through the summer.")
    quotes = coded(nlp, qx, coder, text)
    assert len(quotes) == 1
    assert quotes[0].speaker is not None and quotes[0].speaker.country == "KOR"
    assert quotes[0].speaker_text == "A spokesperson for the South Korean defence ministry"


def test_real_coder_never_invents_a_speaker(nlp, qx, coder):
    text = ("Seoul and Beijing held talks on Monday.\n\n"
            "“Nobody in this room wants the crisis to grow any further.”")
    quotes = coded(nlp, qx, coder, text)
    assert len(quotes) == 1
    assert quotes[0].speaker is None and quotes[0].speaker_text is None


def test_real_event_coder_events_linked_both_ways(nlp, qx, coder):
    from dyadwatch.coding.events import EventCoder

    text = ("Chinese Foreign Ministry spokesperson Lin Jian said that China condemned the "
            "sanctions imposed by Washington. “We urge the United States to stop interfering "
            "in our affairs,” he said. Seoul hosted a Japanese delegation on Monday.")
    doc = nlp(text)
    article = Article(id="art-3", text=text, date=dt.date(2024, 5, 14))
    mentions = coder.code(doc, article)
    events = EventCoder.from_package().code(doc, article, mentions)
    quotes, links = qx.extract(doc, article, mentions, events)
    by_quote = {q.id: q for q in quotes}
    for ev in events:
        inside = [q for q in quotes if q.start <= ev.trigger_start < q.end]
        assert links.get(ev.id) == (inside[0].id if inside else None)
        if ev.id in links:
            assert ev.id in by_quote[links[ev.id]].event_ids
    assert sum(len(q.event_ids) for q in quotes) == len(links)
    assert [(q.kind, q.speaker.code if q.speaker else None) for q in quotes] == [
        ("indirect", "CHNGOV"), ("direct", "CHNGOV")]
    assert links  # the coder finds events in what was said ...
    assert all(ev.id not in links for ev in events if "hosted" in ev.trigger)  # ... and outside it


def test_extract_after_direct_speakers_takes_the_same_quotes(nlp, qx):
    """The event stage asks for the direct speakers first and leaves the spans on
    the Doc; extract then gives what it gives on a fresh parse, and takes them."""
    text = ('"The harbour will stay closed until the storm has passed," the port '
            'director said on Monday. She said the ferries would sail again soon.')
    alone, _ = run(nlp, qx, text)
    doc = nlp(text)
    article = Article(id="art-1", text=text)
    speakers = qx.direct_speakers(doc, article)
    assert speakers and doc.user_data
    after, _ = qx.extract(doc, article, [], [])
    assert after == alone
    assert not [k for k in doc.user_data if str(k).startswith("dyadwatch.quotes")]
