"""What a clause says about its act (event_context.ClauseReader) and the news
window (dates.tally_before_window), on sentences written for these tests and
parsed by the real spaCy model. Each test pairs the case a rule leaves out of
the counts with a near twin it must keep, so that a rule that swallowed every
event would fail."""

from __future__ import annotations

import datetime as dt

import pytest

from dyadwatch.coding.dates import tally_before_window
from dyadwatch.types import Article
from test_events import ANCHOR, HandActors, coder, run  # noqa: F401  (coder: fixture)

NAMES = {"Chile": "CHL", "Peru": "PER", "Peruvians": "PER", "Norway": "NOR", "Oslo": "NOR",
         "Mali": "MLI", "France": "FRA", "Lisbon": "PRT", "Brazil": "BRA", "Denmark": "DNK",
         "Sweden": "SWE", "rebel leaders": "SOMREB", "Keller": "USAGOV"}


def facts(nlp, coder, text):
    """(source, target, type, modality, negated) of every event, counted or not."""
    return sorted(((e.source.code if e.source else "-", e.target.code if e.target else "-", e.plover,
                    str(e.modality), e.negated) for e in run(nlp, coder, text, NAMES)))


def counted(nlp, coder, text):
    return [f[:3] for f in facts(nlp, coder, text) if f[3] == "asserted" and not f[4]]


@pytest.mark.parametrize("text", [
    "Brazil once invited Lisbon to the summit.",
    "Peru has often opposed Chile.",
    "Denmark always condemns Sweden.",
    "Since the coup, Mali has repeatedly demanded that France withdraw.",
    "In previous years, Chile fought fires in Peru.",
    "Over the years, Brazil has sent aid to Peru.",
    "Peru seldom criticized Chile and instead courted Brazil.",
    "Norway regularly sends aid to Peru.",
    "Brazil was already sending aid to Peru before the floods.",
])
def test_acts_set_before_the_news_or_as_a_habit_are_background(nlp, coder, text):
    found = facts(nlp, coder, text)
    assert found and {f[3] for f in found} == {"background"}


@pytest.mark.parametrize("text, expected", [
    ("Brazil invited Lisbon to the summit.", ("BRA", "PRT", "REQUEST")),
    ("Peru opposed Chile on Monday.", ("PER", "CHL", "REJECT")),
    ("Denmark condemned Sweden.", ("DNK", "SWE", "ACCUSE")),
    ("Since Monday, Mali has demanded that France withdraw.", ("MLI", "FRA", "REQUEST")),
    ("For two years, Chile banned imports from Peru.", ("CHL", "PER", "SANCTION")),
    ("Peru has long refused talks with Chile.", ("PER", "CHL", "REJECT")),  # a stand held today
    ("Chile detained Peruvians once and for all.", ("CHL", "PER", "COERCE")),
    ("In recent years, Chile has cut aid to Peru.", ("CHL", "PER", "SANCTION")),
    ("Brazil has already sent aid to Peru.", ("BRA", "PER", "AID")),
    ("Brazil was sending aid to Peru on Monday.", ("BRA", "PER", "AID")),
])
def test_their_twins_without_the_marker_are_the_news(nlp, coder, text, expected):
    assert expected in counted(nlp, coder, text)


@pytest.mark.parametrize("text, counts", [
    ("In the last 15 months, Chile has arrested 200 Peruvians.", False),
    ("So far this year, Chile has detained 40 Peruvians.", False),
    ("Since last August, Chile has attacked Peru.", False),
    ("In the last two days, Chile has arrested 200 Peruvians.", True),
    ("Since Monday, Chile has attacked Peru.", True),
])
def test_a_tally_since_before_the_news_window_is_not_an_act_of_the_news(nlp, coder, text, counts):
    assert bool(counted(nlp, coder, text)) is counts
    assert facts(nlp, coder, text)  # coded either way, kept for audit


@pytest.mark.parametrize("text, start_before", [
    ("the last 15 months", True), ("the past two decades", True), ("the last two days", False),
    ("the past three weeks", False), ("the past eight weeks", True),
])
def test_tally_spans_against_the_window(text, start_before):
    assert tally_before_window(text, ANCHOR) is start_before
    assert tally_before_window(text, None) is False


def test_a_dated_since_or_so_far_counts_from_its_start():
    assert tally_before_window("last August", ANCHOR, cumulative=True)
    assert not tally_before_window("last August", ANCHOR)  # a plain date is before_window's job
    assert not tally_before_window("Monday", ANCHOR, cumulative=True)
    assert tally_before_window("this year", dt.date(2024, 6, 1), cumulative=True)
    assert not tally_before_window("this year", dt.date(2024, 1, 20), cumulative=True)


def test_an_indirect_question_names_a_possibility(nlp, coder):
    assert counted(nlp, coder, "It is unclear whether Norway will lift the sanctions on Chile.") == []
    assert ("NOR", "CHL", "RETREAT") in counted(nlp, coder, "Norway lifted the sanctions on Chile.")


def test_no_longer_negates(nlp, coder):
    found = facts(nlp, coder, "The rebel leaders said they will no longer recognize Keller as governor.")
    assert ("SOMREB", "USAGOV", "SUPPORT", "future", True) in found
    assert ("SOMREB", "USAGOV", "AGREE", "asserted", False) not in found
    assert ("SOMREB", "USAGOV", "SUPPORT") in counted(
        nlp, coder, "The rebel leaders said they recognize Keller as governor.")


def test_a_modal_on_the_governing_verb_reaches_its_complement_and_adverbials(nlp, coder):
    assert counted(nlp, coder, "Farmers might lose money as Chile will not be coming to Peru.") == []
    assert ("BRA", "PER", "RETREAT", "future", False) in facts(nlp, coder, "Brazil will help free the Peruvians.")
    assert ("BRA", "PER", "RETREAT") in counted(nlp, coder, "Brazil helped free the Peruvians.")
    assert counted(nlp, coder, "Encouraged by the vote, Chile may attack Peru.") == []


def test_commentators_opinions_are_not_coded(nlp, coder):
    assert counted(nlp, coder, "Analysts say Oslo would welcome Chile.") == []
    assert counted(nlp, coder, "Chile attacked Peru, said Ana Ruiz, a professor at Lima University.") == []
    assert ("CHL", "PER", "ASSAULT") in counted(
        nlp, coder, "Chile attacked Peru, said Ana Ruiz, a spokeswoman for the army.")


def test_a_denied_or_discussed_act_is_not_asserted(nlp, coder):
    assert counted(nlp, coder, "There have been no discussions about Chile sending troops to Peru.") == []
    assert counted(nlp, coder, "There was a debate about Chile sending troops to Peru.") == []
    assert ("CHL", "PER", "AID") in counted(nlp, coder, "Chile is sending troops to Peru.")


def test_a_direct_quote_of_a_commentator_is_his_opinion_throughout(nlp, coder):
    def quoted_facts(text):
        article = Article(id="q" * 40, text=text, date=ANCHOR)
        doc = nlp(text)
        quote = (text.index('"'), len(text), 0)  # the quote's span and its speaker "Lund"
        events = coder.code(doc, article, HandActors(NAMES).code(doc, article), quoted=[quote])
        return [(e.source.code, e.target.code, e.plover) for e in events
                if e.modality == "asserted" and not e.negated and e.source and e.target]
    assert quoted_facts('Lund, a senior fellow at the Oslo Institute, said it. "Chile is sending '
                        'troops to Peru, and that shows they fear the rebels."') == []
    assert ("CHL", "PER", "AID") in quoted_facts('Lund, a spokesman for the army, said it. "Chile is '
                                                 'sending troops to Peru, and that shows they fear the rebels."')


def test_whatever_a_commentator_says_is_opinion_however_deep_the_clause(nlp, coder):
    text = ("Lund, a director at the Oslo Peace Foundation Group, told reporters that although "
            "Chile condemned Peru, it is reluctant to act.")
    assert counted(nlp, coder, text) == []
    text = ("Lund, a spokesman for the army, told reporters that although Chile condemned Peru, "
            "it is reluctant to act.")
    assert ("CHL", "PER", "ACCUSE") in counted(nlp, coder, text)


def test_what_a_passive_act_was_for_is_an_aim(nlp, coder):
    assert counted(nlp, coder, "The summit was postponed to leave room for talks between Chile and Peru.") == []
    assert counted(nlp, coder, "The vote was pushed to Friday to allow time for talks between Chile and Peru.") == []
    assert ("CHL", "PER", "CONSULT") in counted(
        nlp, coder, "The summit was postponed, and Chile held talks with Peru.")


def test_a_relative_clause_on_what_is_asked_for_is_part_of_the_request(nlp, coder):
    found = counted(nlp, coder, "Norway called for a new force in Mali that protects civilians.")
    assert not [f for f in found if f[2] == "AID"]
    found = counted(nlp, coder, "Norway praised the new force in Mali that protects civilians.")
    assert [f for f in found if f[2] == "AID"]


def test_undated_past_sentences_go_on_telling_a_story_set_before_the_window(nlp, coder):
    story = "In 2015, Chile signed a pact with Peru. A year later, Peru attacked Chile."
    assert counted(nlp, coder, story) == []
    story = "In 2015, Chile signed a pact with Peru. Peru has now attacked Chile."
    assert ("PER", "CHL", "ASSAULT") in counted(nlp, coder, story)
    story = "In 2015, Chile signed a pact with Peru. On Monday, Peru attacked Chile. Chile expelled Peru's envoy."
    assert ("CHL", "PER", "SANCTION") in counted(nlp, coder, story)
    story = "In a note sent after their summit in 2015, Chile and Peru agreed to build a road."
    assert counted(nlp, coder, story) == []
    story = "Chile, which joined the pact in 2015, expelled Peru's envoy."
    assert ("CHL", "PER", "SANCTION") in counted(nlp, coder, story)


def test_talks_that_are_the_scene_of_a_hoped_for_act_are_still_to_come(nlp, coder):
    assert counted(nlp, coder, "Chile wants to raise the issue during talks with Peru.") == []
    assert ("CHL", "PER", "CONSULT") in counted(nlp, coder, "Chile raised the issue during talks with Peru.")


def test_a_governing_verb_the_lemmatizer_got_wrong_still_governs(nlp, coder):
    assert counted(nlp, coder, "Chile hopes to send aid to Peru.") == []  # spaCy: "hopes" -> "hop"
    assert ("CHL", "PER", "AID") in counted(nlp, coder, "Chile sends aid to Peru.")


def test_commentators_named_by_their_institution_or_behind_according_to(nlp, coder):
    assert counted(nlp, coder, "The Lima Institute's Ruiz said Chile is sending troops to Peru.") == []
    assert counted(nlp, coder, "According to analysts, Chile wants to strengthen ties with Peru.") == []
    assert ("CHL", "PER", "AID") in counted(nlp, coder, "According to the army, Chile is sending troops to Peru.")


def test_a_fact_added_about_a_noun_between_commas_is_background(nlp, coder):
    found = facts(nlp, coder, "Peru criticized the accord, which Chile signed with Norway.")
    assert {f[3] for f in found if f[2] == "SUPPORT"} == {"background"}
    assert ("PER", "-", "ACCUSE", "asserted", False) in found
    assert ("CHL", "NOR", "SUPPORT") in counted(nlp, coder, "Peru criticized the accord that Chile signed with Norway.")


def test_a_condition_on_a_past_act_does_not_make_it_conditional(nlp, coder):
    found = facts(nlp, coder, "Chile urged Peru to lower its tariffs if it wants more trade.")
    assert ("CHL", "PER", "REQUEST", "asserted", False) in found
    assert not any(f[2] == "THREATEN" for f in found)
    assert ("CHL", "PER", "ASSAULT", "conditional", False) in facts(
        nlp, coder, "Chile will attack Peru if it crosses the border.")


def test_a_question_anywhere_above_the_act_makes_it_a_possibility(nlp, coder):
    text = "It is unclear whether Norway will be willing to lift the sanctions on Chile."
    assert counted(nlp, coder, text) == []
    assert counted(nlp, coder, "It is unclear whether Norway lifted the sanctions on Chile.") == []
    assert ("NOR", "CHL", "RETREAT") in counted(nlp, coder, "It is clear that Norway lifted the sanctions on Chile.")


def test_a_speaker_naming_a_possible_hostile_act_of_its_own_threatens(nlp, coder):
    assert ("NOR", "SWE", "THREATEN") in counted(nlp, coder, "Norway warned it may cut ties with Sweden.")
    assert ("CHL", "PER", "THREATEN") in counted(nlp, coder, "Chile said it could impose sanctions on Peru.")
    # someone else's possible act is a forecast; a possible kindness is no offer yet
    assert not counted(nlp, coder, "Denmark said Chile could impose sanctions on Peru.")
    assert not counted(nlp, coder, "Chile said it could send aid to Peru.")


def test_a_reporting_verb_hung_on_the_clause_names_its_speaker(nlp, coder):
    # "X said, we are ...": the parser makes "said" a parenthetical of the reported clause
    assert ("CHL", "-", "AGREE") in counted(nlp, coder, "Even so, Chile said, we are ready for talks without preconditions.")


@pytest.mark.parametrize("text", [
    "Did Brazil condemn Peru?",
    "Did Chile send troops to Peru?",
    "Has Denmark condemned Sweden?",
    "Will Norway send aid to Mali?",
    "VOA: Is France sending troops to Mali?",
])
def test_a_yes_no_question_asserts_no_act(nlp, coder, text):
    # an interviewer's question asks whether the act happened
    assert facts(nlp, coder, text) and counted(nlp, coder, text) == []


@pytest.mark.parametrize("text, expected", [
    ("Why did Brazil condemn Peru?", ("BRA", "PER", "ACCUSE")),  # a wh-question takes the act as given
    ("Denmark condemned Sweden. Has it helped?", ("DNK", "SWE", "ACCUSE")),
])
def test_a_question_leaves_an_asserted_act_counted(nlp, coder, text, expected):
    assert expected in counted(nlp, coder, text)


@pytest.mark.parametrize("text, expected", [
    ("The envoy of Chile flew to Lima on Monday to meet Peru's foreign minister.", ("CHL", "PER", "CONSULT")),
    ("Chile's trade minister was in Oslo this week to hold talks with Norway.", ("CHL", "NOR", "CONSULT")),
    ("Brazil's president traveled to Lisbon to confer with Denmark.", ("BRA", "DNK", "CONSULT")),
])
def test_a_meeting_a_journey_was_for_took_place(nlp, coder, text, expected):
    # the trip's purpose is what was done there: the meeting counts, both ways
    found = counted(nlp, coder, text)
    assert expected in found and (expected[1], expected[0], "CONSULT") in found


@pytest.mark.parametrize("text", [
    "The envoy of Chile will fly to Lima on Monday to meet Peru's foreign minister.",  # a journey to come
    "The envoy of Chile is going to meet Peru's foreign minister.",  # "going to": no journey at all
    "Chile staged a protest to meet Peru's demands.",  # no journey: an aim
])
def test_a_meeting_still_to_come_or_only_aimed_at_is_not_counted(nlp, coder, text):
    assert not [f for f in counted(nlp, coder, text) if f[2] == "CONSULT"]


def test_a_journey_to_discuss_a_topic_with_nobody_named_adds_no_meeting(nlp, coder):
    # "flew to Oslo to discuss trade": the trip is coded, an untargeted discussion is not guessed
    found = counted(nlp, coder, "Chile's president flew to Oslo last week to discuss trade.")
    assert ("CHL", "NOR", "CONSULT") in found and ("CHL", "-", "CONSULT") not in found


def test_a_meeting_the_subject_held_before_its_act_is_news_too(nlp, coder):
    # "after talks with Y, X condemned Z": X's own talks lead up to its act; they are
    # neither the verb's object nor an earlier act recalled
    found = counted(nlp, coder, "Chile condemned Peru after talks with Brazil.")
    assert {("CHL", "PER", "ACCUSE"), ("CHL", "BRA", "CONSULT"), ("BRA", "CHL", "CONSULT")} <= set(found)
    told = counted(nlp, coder, "Chile's president, after a meeting with Peru on Monday, told Brazil to lower its tariffs.")
    assert {("CHL", "BRA", "REQUEST"), ("CHL", "PER", "CONSULT")} <= set(told)
    # talks of others, named with their owner, are what the news followed
    recalled = facts(nlp, coder, "Chile recalled its envoy after Peru's talks with Brazil.")
    assert [f for f in recalled if f[2] == "CONSULT"] and not [
        f for f in counted(nlp, coder, "Chile recalled its envoy after Peru's talks with Brazil.") if f[2] == "CONSULT"]


def test_lobbying_a_meeting_was_held_for_was_done(nlp, coder):
    assert ("CHL", "NOR", "REQUEST") in counted(
        nlp, coder, "Chile's trade minister met with officials in Oslo on Monday to lobby Norway.")
    assert ("CHL", "NOR", "REQUEST") not in counted(
        nlp, coder, "Chile's trade minister will meet officials in Oslo on Monday to lobby Norway.")


def test_a_past_relative_clause_set_off_by_a_comma_describes_its_noun(nlp, coder):
    # the sentence reports no other act: the clause still only tells about its noun
    described = "The survey was led by Denmark, which also worked with Norway on the maps."
    assert ("DNK", "NOR", "COOPERATE") not in counted(nlp, coder, described)
    assert ("DNK", "NOR", "COOPERATE") in counted(nlp, coder, "Denmark worked with Norway on the maps.")


def test_a_clause_that_a_content_noun_is_tells_no_act(nlp, coder):
    for text in ("The legend is that Chile burned the fort of Peru.", "The claim is Chile attacked Peru."):
        assert counted(nlp, coder, text) == [], text
    assert counted(nlp, coder, "The result is that Chile attacked Peru.") == [("CHL", "PER", "ASSAULT")]


def test_an_act_one_must_quit_is_demanded_not_asserted(nlp, coder):
    assert counted(nlp, coder, "Oslo said Chile must quit intimidating Peru.") == [("NOR", "CHL", "REQUEST")]


def test_a_past_progressive_relative_clause_is_the_scene_not_the_news(nlp, coder):
    scene = "Gunmen stormed the hotel where Chile and Peru were meeting."
    assert ("CHL", "PER", "CONSULT") not in counted(nlp, coder, scene)
    assert ("CHL", "PER", "CONSULT") in counted(nlp, coder, "Chile and Peru were meeting at the hotel.")


def test_a_span_of_years_hung_on_the_object_still_dates_the_act(nlp, coder):
    # the parser hangs "over the past three decades" on "vaccines", not on "invested"
    recalled = "Denmark has invested steadily in vaccines over the past three decades."
    assert counted(nlp, coder, recalled) == []
    assert counted(nlp, coder, "Denmark has invested steadily in vaccines.") == [("DNK", "-", "COOPERATE")]


def test_an_imperative_demands_its_act_and_does_not_assert_it(nlp, coder):
    # the parser labels a quoted imperative ccomp or advcl of the verb of saying
    for text in ('"Release the Peruvians now," Oslo said.', '"Pull your troops out of Peru," Oslo told Chile.'):
        assert [f for f in facts(nlp, coder, text) if f[2] == "RETREAT"] == [
            ("NOR", "PER", "RETREAT", "hypothetical", False)], text
    twin = "Withdrawing its troops from Peru, Chile said it wanted calm."
    assert ("CHL", "PER", "RETREAT") in counted(nlp, coder, twin)
    # a bare verb after another word is no command, whatever the parser's label for it
    assert counted(nlp, coder, "Chile let free some 30 activists and members of a little rebel faction.") == [
        ("CHL", "-", "RETREAT")]
