"""Event coding on sentences written for these tests, parsed by the real spaCy model.

Actor mentions are given by hand (`HandActors`: a surface string -> actor codes)
so that each test checks the event coder's syntax handling and not the actor
dictionary; one test at the end runs the package's own ActorCoder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil

import pytest

from dyadwatch.config import data_path
from dyadwatch.errors import DataTableError
from dyadwatch.coding.events import EventCoder, event_id
from dyadwatch.coding.ontology import Ontology
from dyadwatch.coding.patterns import PatternSet
from dyadwatch.types import Actor, Article, Mention

ANCHOR = dt.date(2024, 3, 6)  # a Wednesday


class HandActors:
    """Mentions for the listed names wherever they occur (test helper, not a coder)."""

    def __init__(self, names: dict[str, str | list[str]]) -> None:
        self.names = names

    def code(self, doc, article):
        sent_of = {t.i: i for i, s in enumerate(doc.sents) for t in s}
        out = []
        for name, codes in self.names.items():
            for m in re.finditer(rf"\b{re.escape(name)}\b", doc.text):
                span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                for code in [codes] if isinstance(codes, str) else codes:
                    country = code[:3] if code[:3] not in ("IGO", "NGO", "---") else None  # "---": no country
                    out.append(Mention(name, span.start_char, span.end_char, span.start, span.end,
                                       sent_of[span.start], Actor(code, country, code[3:] or None)))
        return tuple(out)


@pytest.fixture(scope="module")
def coder():
    return EventCoder.from_package()


def run(nlp, coder, text, names, date=ANCHOR):
    article = Article(id="a" * 40, text=text, date=date)
    doc = nlp(text)
    return coder.code(doc, article, HandActors(names).code(doc, article))


def triples(events, *, counted_only=True):
    return sorted((e.source.code if e.source else None, e.target.code if e.target else None, e.plover)
                  for e in events if not counted_only or (not e.negated and e.modality == "asserted"))


def test_a_glued_subheading_reports_no_event(nlp, coder):
    # a section title run into the next sentence by a scraper (coding/layout.py)
    text = ("The ministers met in Geneva. Norway backs port deal "
            "On Tuesday, Sweden said it would sign the treaty.")
    events = run(nlp, coder, text, {"Norway": "NOR", "Sweden": "SWE"})
    assert not any(e.source and e.source.code == "NOR" for e in events)
    assert not any(t[0] == "NOR" for t in triples(events, counted_only=False))


def test_simple_verb_with_date_and_audit_fields(nlp, coder):
    text = "Australia condemned Iran on Friday."
    events = run(nlp, coder, text, {"Australia": "AUS", "Iran": "IRN"})
    assert triples(events) == [("AUS", "IRN", "ACCUSE")]
    e = events[0]
    assert e.trigger == "condemned" and text[e.trigger_start:e.trigger_end] == "condemned"
    assert e.cameo == "111" and e.quad_class == 3 and e.goldstein == pytest.approx(-2.0)
    assert e.date == dt.date(2024, 3, 1) and e.date_source == "sentence" and e.date_text == "Friday"
    assert e.pattern == "accuse.condemn" and 0 < e.confidence <= 1
    assert e.id == event_id("a" * 40, 0, e.trigger_start, "ACCUSE", "AUS", "IRN")
    assert e.id == run(nlp, coder, text, {"Australia": "AUS", "Iran": "IRN"})[0].id  # deterministic


def test_article_date_when_the_sentence_has_none(nlp, coder):
    (e,) = run(nlp, coder, "Germany praised Chile.", {"Germany": "DEU", "Chile": "CHL"})
    assert (e.plover, e.date, e.date_source) == ("SUPPORT", ANCHOR, "article")
    (e,) = run(nlp, coder, "Germany praised Chile.", {"Germany": "DEU", "Chile": "CHL"}, date=None)
    assert (e.date, e.date_source) == (None, "none")


def test_passive_agent_is_the_source(nlp, coder):
    events = run(nlp, coder, "The Kenyan convoy was attacked by Somali militants last week.",
                 {"Kenyan": "KENMIL", "Somali": "SOMREB"})
    assert triples(events) == [("SOMREB", "KENMIL", "ASSAULT")]
    assert events[0].date == dt.date(2024, 2, 26)


def test_a_passive_agent_hung_on_the_phrase_before_it_is_still_the_source(nlp, coder):
    events = run(nlp, coder, "Several small states have been threatened with tariffs by Brazil.",
                 {"Brazil": "BRA"})
    assert triples(events) == [("BRA", None, "THREATEN")]


def test_coordinated_subjects_give_one_event_each(nlp, coder):
    events = run(nlp, coder, "Saudi Arabia and Bahrain cut ties with Iran.",
                 {"Saudi Arabia": "SAU", "Bahrain": "BHR", "Iran": "IRN"})
    assert triples(events) == [("BHR", "IRN", "SANCTION"), ("SAU", "IRN", "SANCTION")]


def test_coordinated_objects_give_one_event_each(nlp, coder):
    events = run(nlp, coder, "Canada criticized China and Russia.",
                 {"Canada": "CAN", "China": "CHN", "Russia": "RUS"})
    assert triples(events) == [("CAN", "CHN", "ACCUSE"), ("CAN", "RUS", "ACCUSE")]


def test_x_and_y_agreed_gives_both_directions(nlp, coder):
    events = run(nlp, coder, "Chile and Peru agreed to share intelligence.",
                 {"Chile": "CHL", "Peru": "PER"})
    assert triples(events) == [("CHL", "PER", "AGREE"), ("PER", "CHL", "AGREE")]
    shared = [e for e in events if e.plover == "COOPERATE"]
    assert shared and all(e.modality == "future" for e in shared)  # agreed, not yet done


def test_request_to_several_parties(nlp, coder):
    events = run(nlp, coder, "Washington called on both Koreas to show restraint.",
                 {"Washington": "USAGOV", "both Koreas": ["PRK", "KOR"]})
    assert triples(events) == [("USAGOV", "KOR", "REQUEST"), ("USAGOV", "PRK", "REQUEST")]


def test_light_verbs(nlp, coder):
    events = run(nlp, coder, "Brazil held talks with Argentina on trade.",
                 {"Brazil": "BRA", "Argentina": "ARG"})
    assert triples(events) == [("ARG", "BRA", "CONSULT"), ("BRA", "ARG", "CONSULT")]
    events = run(nlp, coder, "Norway expressed deep concern over Ethiopia's decision.",
                 {"Norway": "NOR", "Ethiopia": "ETH"})
    assert triples(events) == [("NOR", "ETH", "ACCUSE")]
    events = run(nlp, coder, "The European Union imposed sanctions on Belarus.",
                 {"The European Union": "IGOEU", "Belarus": "BLR"})
    assert triples(events) == [("IGOEU", "BLR", "SANCTION")]


def test_nominal_events(nlp, coder):
    events = run(nlp, coder, "Macron's visit to Algeria ended on Monday.",
                 {"Macron": "FRAGOV", "Algeria": "DZA"})
    assert triples(events) == [("FRAGOV", "DZA", "CONSULT")]
    assert events[0].cameo == "042"
    events = run(nlp, coder, "Talks between Ethiopia and Egypt resumed in Cairo.",
                 {"Ethiopia": "ETH", "Egypt": "EGY"})
    assert triples(events) == [("EGY", "ETH", "CONSULT"), ("ETH", "EGY", "CONSULT")]


def test_a_warning_to_someone_is_a_threat_but_warning_of_weather_is_nothing(nlp, coder):
    names = {"Pyongyang": "PRKGOV", "Seoul": "KORGOV", "The ministry": "KORGOV"}
    events = run(nlp, coder, "Pyongyang warned Seoul against more drills.", names)
    assert triples(events) == [("PRKGOV", "KORGOV", "THREATEN")]
    assert run(nlp, coder, "The ministry warned of heavy rain on Sunday.", names) == ()
    names["Seoul residents"] = "KORCVL"
    assert triples(run(nlp, coder, "Seoul warned Seoul residents to stay indoors.", names)) == []


def test_call_for_a_party_to_act_is_a_request_to_that_party(nlp, coder):
    # the parser makes "for" the marker of the clause, not a preposition of "called"
    names = {"Chile": "CHL", "Bolivia": "BOL"}
    events = run(nlp, coder, "Chile had called for Bolivia to reopen the border.", names)
    assert triples(events) == [("CHL", "BOL", "REQUEST")]
    assert [e.modality for e in events if e.plover != "REQUEST"] in ([], ["hypothetical"])


def test_defending_someone_verbally_is_support_but_defending_a_country_militarily_is_not(nlp, coder):
    names = {"Brazil": "BRA", "Cuba": "CUB", "Peru": "PER"}
    events = run(nlp, coder, "Brazil defended Cuba against criticism from abroad.", names)
    assert triples(events) == [("BRA", "CUB", "SUPPORT")] and events[0].cameo == "052"
    assert triples(run(nlp, coder, "Peru defended its border.", names)) == []
    assert triples(run(nlp, coder, "Brazil sent troops to defend Cuba.", names)) != [
        ("BRA", "CUB", "SUPPORT")]
    events = run(nlp, coder, "Peru defended the decision of Brazil to close the port.", names)
    assert ("PER", "BRA", "SUPPORT") in triples(events)


def test_returning_property_is_a_retreat(nlp, coder):
    events = run(nlp, coder, "Italy returned three ancient statues to Greece.",
                 {"Italy": "ITA", "Greece": "GRC"})
    assert triples(events) == [("ITA", "GRC", "RETREAT")] and events[0].cameo == "084"


def test_acts_recalled_as_background_are_kept_but_not_counted(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER", "Bolivia": "BOL"}
    events = run(nlp, coder, "Chile recalled its ambassador, a day after Peru expelled two "
                             "Chilean diplomats.", names)
    assert ("CHL", None, "SANCTION") in triples(events) or ("CHL", "PER", "SANCTION") in triples(events)
    assert [e.modality for e in events if e.source and e.source.code == "PER"] == ["background"]
    names["Chilean troops"] = "CHLMIL"
    events = run(nlp, coder, "Bolivia condemned Chile when Chilean troops attacked Peru.", names)
    assert triples(events) == [("BOL", "CHL", "ACCUSE")]
    assert [(e.plover, e.modality) for e in events if e.modality != "asserted"] == [
        ("ASSAULT", "background")]
    assert [e.modality for e in run(nlp, coder, "Peru expelled two diplomats.", names)] == ["asserted"]
    events = run(nlp, coder, "Peru freed the diplomats that Chile had expelled.", names)
    assert [(e.source.code, e.plover, e.modality) for e in events if e.source.code == "CHL"] == [
        ("CHL", "SANCTION", "background")]  # expelled diplomats, as in a main clause


@pytest.mark.parametrize("text, expected", [
    ("Chile presented evidence against Peru.", ("CHL", "PER", "ACCUSE", "112")),
    ("A Chile court found two Peru officers guilty of spying.", ("CHLJUD", "PERMIL", "ACCUSE", "116")),
    ("Chile issued arrest warrants for two Peru officers.", ("CHL", "PERMIL", "COERCE", "173")),
    ("Chile launched cyber warfare against Peru.", ("CHL", "PER", "ASSAULT", "190")),
    ("Chile is sending a military platoon to Peru.", ("CHL", "PER", "AID", "074")),
    ("Chile troops have begun leaving Peru.", ("CHLMIL", "PER", "RETREAT", "0872")),
    ("Chilean troops struck a target in Peru.", ("CHLMIL", "PER", "ASSAULT", "190")),
    ("Chilean troops overran a base in Peru.", ("CHLMIL", "PER", "ASSAULT", "190")),
    ("Chile closed its border with Peru.", ("CHL", "PER", "COERCE", "172")),
    ("Chilean police used tear gas on Peruvian protesters.", ("CHLCOP", "PEROPP", "ASSAULT", "175")),
])
def test_legal_cyber_and_troop_vocabulary(nlp, coder, text, expected):
    names = {"Chile court": "CHLJUD", "Peru officers": "PERMIL", "Chile troops": "CHLMIL",
             "Chilean troops": "CHLMIL", "Chilean police": "CHLCOP", "Peruvian protesters": "PEROPP",
             "Chile": "CHL", "Peru": "PER"}
    events = [e for e in run(nlp, coder, text, names) if e.modality == "asserted"]
    assert [(e.source.code, e.target.code, e.plover, e.cameo) for e in events] == [expected]


def test_stopping_work_is_a_strike_and_calling_for_a_ceasefire_a_request(nlp, coder):
    names = {"Kenyan dock workers": "KENLAB", "Kenyan unions": "KENLAB", "Ghana": "GHA",
             "Liberia": "LBR"}
    events = run(nlp, coder, "Kenyan dock workers stopped work on Monday in a strike over pay.", names)
    assert [e.plover for e in events] == ["PROTEST"]
    events = run(nlp, coder, "Kenyan unions ended their strike on Monday.", names)
    assert [e.plover for e in events] == ["CONCEDE"]
    events = run(nlp, coder, "Ghana called for an immediate ceasefire in Liberia.", names)
    assert [(e.plover, e.target.code) for e in events] == [("REQUEST", "LBR")]


def test_a_scheduled_visit_is_future_not_a_stated_intention(nlp, coder):
    """A schedule is the writer's report of a plan, not a commitment the actor
    stated: the visit is future and no AGREE is derived (news coders count neither)."""
    events = run(nlp, coder, "Macron is scheduled to visit Algeria.", {"Macron": "FRAGOV", "Algeria": "DZA"})
    assert triples(events) == []
    assert [(e.plover, e.modality) for e in events] == [("CONSULT", "future")]


def test_goods_that_arrive_pay_no_visit(nlp, coder):
    names = {"Chinese": "CHN", "Manila": "PHL"}
    assert triples(run(nlp, coder, "A consignment of Chinese vaccines arrived in Manila on Monday.", names)) == []
    assert triples(run(nlp, coder, "A Chinese delegation arrived in Manila on Monday.", names)) == [
        ("CHN", "PHL", "CONSULT")]


def test_a_document_performing_a_speech_act_is_its_issuers_act(nlp, coder):
    names = {"Oxfam": "NGO", "Chilean police": "CHLCOP", "The Senate": "USALEG", "Peru": "PER"}
    events = run(nlp, coder, "Oxfam published a report accusing Chilean police of abuses.", names)
    assert triples(events) == [("NGO", "CHLCOP", "ACCUSE")]
    events = run(nlp, coder, "The Senate passed a resolution condemning Peru.", names)
    assert triples(events) == [("USALEG", "PER", "ACCUSE")]
    events = run(nlp, coder, "Reports that Chilean police attacked Peru were denied.", names)
    assert triples(events) == []  # the content of a report is not asserted


def test_a_law_is_coded_by_what_it_does_not_as_a_concession(nlp, coder):
    """Passing a law answers no demand: the law's own act is coded, as its makers'."""
    names = {"Ecuadorian": "ECUGOV", "Colombia": "COL"}
    events = run(nlp, coder, "The Ecuadorian congress passed a law lifting sanctions on Colombia.", names)
    assert triples(events) == [("ECUGOV", "COL", "RETREAT")]
    events = run(nlp, coder, "The Ecuadorian congress approved a law banning imports from Colombia.", names)
    assert triples(events) == [("ECUGOV", "COL", "SANCTION")]
    assert triples(run(nlp, coder, "The Ecuadorian congress approved a new law on pensions.", names)) == []


def test_recognising_a_rivals_victory_is_a_concession(nlp, coder):
    """Recognising an election's result or a rival's win yields to it; recognising a
    state stays diplomatic support."""
    names = {"Chilean": "CHLGOV", "opposition": "CHLOPP", "Chile": "CHL", "Peru": "PER"}
    events = run(nlp, coder, "The Chilean president recognized the victory of the opposition.", names)
    assert triples(events) == [("CHLGOV", "CHLOPP", "CONCEDE")]
    assert triples(run(nlp, coder, "Chile recognized Peru's independence.", names)) == [("CHL", "PER", "SUPPORT")]


def test_a_relative_pronoun_object_stands_for_its_antecedent(nlp, coder):
    """"the monies that X voted for Y": the object of "voted" is the money, so the
    light-verb pattern sees it (and voting or appropriating funds is aid)."""
    names = {"Chilean": "CHLLEG", "Peru": "PER", "Chile": "CHL"}
    text = "The monies that the Chilean congress voted for Peru's army arrived on Monday."
    assert triples(run(nlp, coder, text, names)) == [("CHLLEG", "PER", "AID")]
    text = "The sanctions that Chile imposed on Peru hurt its farmers."
    assert triples(run(nlp, coder, text, names)) == [("CHL", "PER", "SANCTION")]
    assert triples(run(nlp, coder, "The Chilean congress voted for the bill.", names)) == []


def test_hitting_an_economic_target_is_not_an_attack(nlp, coder):
    assert run(nlp, coder, "Chile hit its inflation target.", {"Chile": "CHL"}) == ()


def test_brushing_off_is_a_rejection(nlp, coder):
    events = run(nlp, coder, "Hanoi brushed off the complaint from Manila.",
                 {"Hanoi": "VNMGOV", "Manila": "PHLGOV"})
    assert triples(events) == [("VNMGOV", "PHLGOV", "REJECT")]


def test_a_date_in_a_scene_setting_phrase_dates_the_act(nlp, coder):
    names = {"Iran": "IRN"}
    events = run(nlp, coder, "During the 2019 drills, Iran seized a tanker.", names)
    assert [(e.date, e.date_source) for e in events] == [(dt.date(2019, 1, 1), "sentence")]
    events = run(nlp, coder, "After the 2019 drills, Iran seized a tanker.", names)
    assert [e.date_source for e in events] == ["article"]  # "after" says only "later"


def test_a_possessive_relative_date_the_tagger_missed_still_sets_the_scene(nlp, coder):
    """The small model leaves "last year's" untagged before some nouns; the
    date finder reads such relative phrases itself, so the act is last year's
    and outside the news window."""
    names = {"Russia": "RUS", "Poland": "POL", "Japan": "JPN"}
    text = "Ahead of last year's joint exercises with Japan, Russia carried out a missile test."
    doc = nlp(text)
    assert not any(e.label_ == "DATE" for e in doc.ents)  # else this test shows nothing
    events = run(nlp, coder, text, names)
    assert [(e.date, e.date_source, e.modality.value) for e in events] == \
        [(dt.date(2023, 1, 1), "sentence", "background")]


def test_a_nominal_event_takes_its_own_date(nlp, coder):
    names = {"Ghana": "GHA", "Togo": "TGO"}
    events = run(nlp, coder, "Last year's summit between Ghana and Togo ended without a deal.", names)
    assert {(e.date, e.date_source) for e in events} == {(dt.date(2023, 1, 1), "sentence")}
    events = run(nlp, coder, "Ghana and Togo signed a 2019 accord on Monday.", names)
    assert {e.date for e in events} == {dt.date(2024, 3, 4)}  # the signing, not the accord's year


def test_playing_a_constructive_role(nlp, coder):
    names = {"China": "CHN", "Beijing": "CHNGOV", "Seoul": "KORGOV"}
    events = run(nlp, coder, "China played a constructive role in the talks.", names)
    assert [(e.source.code, e.plover, e.cameo) for e in events] == [("CHN", "SUPPORT", "050")]
    events = run(nlp, coder, "Beijing asked Seoul to play a constructive role.", names)
    assert triples(events) == [("CHNGOV", "KORGOV", "REQUEST")]  # the role itself is only asked for


def test_forced_returns_are_coercion_and_prisoner_swaps_a_release(nlp, coder):
    names = {"Thailand": "THA", "China": "CHN", "Russia": "RUS", "Ukraine": "UKR"}
    events = run(nlp, coder, "Thailand repatriated 100 Uighur refugees to China.", names)
    assert [(e.source.code, e.plover, e.cameo) for e in events] == [("THA", "COERCE", "174")]
    events = run(nlp, coder, "Russia and Ukraine repatriated prisoners of war.", names)
    assert {(e.source.code, e.plover) for e in events} == {("RUS", "RETREAT"), ("UKR", "RETREAT")}


def test_what_a_thing_indicates_is_inferred_not_asserted(nlp, coder):
    names = {"Iran": "IRN", "Oman": "OMN"}
    events = run(nlp, coder, "The proposal indicated that Iran will not free the sailors.", names)
    assert triples(events) == []
    events = run(nlp, coder, "Iran indicated that it would free the sailors.", names)
    assert triples(events) == [("IRN", None, "AGREE")]  # a speaker's own stated intention


def test_conjoined_subjects_behind_appositions_both_meet(nlp, coder):
    names = {"Oman's envoy Sara Haddad": "OMNGOV", "Iranian envoy Reza Amini": "IRNGOV"}
    events = run(nlp, coder, "Oman's envoy Sara Haddad and Iranian envoy Reza Amini met in Muscat.", names)
    assert triples(events) == [("IRNGOV", "OMNGOV", "CONSULT"), ("OMNGOV", "IRNGOV", "CONSULT")]


def test_a_concern_is_about_the_subject_of_its_that_clause(nlp, coder):
    names = {"Oman": "OMN", "Iran": "IRN", "Qatar": "QAT"}
    events = run(nlp, coder, "Oman expressed deep concern that Iran's drills near Qatar raised tension.", names)
    assert ("OMN", "IRN", "ACCUSE") in triples(events)
    events = run(nlp, coder, "Oman complained that Iran had seized a tanker.", names)
    assert ("OMN", "IRN", "ACCUSE") in triples(events)


def test_an_apposition_names_the_victim_not_the_possessor(nlp, coder):
    names = {"Qatar's ruler Tamim Khalid": "QATGOV", "his": "QATGOV", "Hamad Rashid": "QATELI"}
    events = run(nlp, coder, "Qatar's ruler Tamim Khalid jailed his uncle and political mentor, "
                             "Hamad Rashid, last month.", names)
    assert triples(events) == [("QATGOV", "QATELI", "COERCE")]


def test_two_speakers_who_told_a_third_in_calls_talked_with_the_third_only(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER", "Brazil": "BRA"}
    events = run(nlp, coder, "Chile and Peru told Brazil in phone calls that the border was calm.", names)
    assert triples(events) == [("BRA", "CHL", "CONSULT"), ("BRA", "PER", "CONSULT"),
                               ("CHL", "BRA", "CONSULT"), ("PER", "BRA", "CONSULT")]


def test_the_venue_of_talks_is_not_a_third_party(nlp, coder):
    events = run(nlp, coder, "Oman and Iran held talks in Muscat.",
                 {"Oman": "OMN", "Iran": "IRN", "Muscat": "OMNGOV"})
    assert triples(events) == [("IRN", "OMN", "CONSULT"), ("OMN", "IRN", "CONSULT")]


def test_troops_sent_to_ones_own_territory_are_deployed_not_given(nlp, coder):
    names = {"Chilean": "CHL", "Chile": "CHL", "Peru": "PER"}
    events = run(nlp, coder, "The Chilean government sent 4,000 soldiers to Chile's northern border.", names)
    assert triples(events) == [("CHL", None, "MOBILIZE")]  # no recipient at home
    events = run(nlp, coder, "The Chilean government sent 4,000 soldiers to Peru.", names)
    assert triples(events) == [("CHL", "PER", "AID")]
    events = run(nlp, coder, "Chilean rebels fired rockets at the Chilean government.",
                 {"Chilean rebels": "CHLREB", "Chilean government": "CHLGOV"})
    assert triples(events) == [("CHLREB", "CHLGOV", "ASSAULT")]


def test_measures_targeting_a_country_sanction_it(nlp, coder):
    events = run(nlp, coder, "Officials said the new Brazilian tariffs targeting Chile took effect.",
                 {"Brazilian": "BRA", "Chile": "CHL"})
    assert triples(events) == [("BRA", "CHL", "SANCTION")]
    events = run(nlp, coder, "Brazilian jets targeting Chile crossed the border.", {"Brazilian": "BRA", "Chile": "CHL"})
    assert all(e.plover != "SANCTION" for e in events)
    events = run(nlp, coder, "Brazil targeted Chile with drones.", {"Brazil": "BRA", "Chile": "CHL"})
    assert triples(events) == [("BRA", "CHL", "ASSAULT")]


def test_where_something_is_based_or_stationed_is_no_deployment(nlp, coder):
    names = {"Brazil": "BRA", "Chile": "CHL"}
    assert triples(run(nlp, coder, "The report came from a Brazil research group based in Chile.", names)) == []
    assert triples(run(nlp, coder, "Brazil stationed troops in Chile.", names)) == [("BRA", "CHL", "MOBILIZE")]


def test_a_coordinated_clause_with_its_own_subject_names_no_party_of_the_first(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER", "Bolivia": "BOL"}
    events = run(nlp, coder, "Chile attended the summit, but the opposition there criticized Peru.", names)
    assert ("CHL", "PER", "CONSULT") not in triples(events)
    events = run(nlp, coder, "Chile attended the summit in Peru and criticized Bolivia.", names)
    assert ("CHL", "PER", "CONSULT") in triples(events)


def test_a_scene_set_by_ahead_of_is_not_a_target(nlp, coder):
    names = {"Iran": "IRN", "Oman": "OMN"}
    events = run(nlp, coder, "Ahead of joint drills with Oman, Iran conducted a missile test.", names)
    assert [e.target for e in events if e.plover == "MOBILIZE"] == [None]


def test_commitments_assurances_military_ties_and_heightened_security(nlp, coder):
    names = {"Oman": "OMN", "Iran": "IRN", "Qatar": "QAT", "Qatari troops": "QATMIL"}
    events = run(nlp, coder, "Oman reaffirmed its commitment to Iran.", names)
    assert [(e.source.code, e.target.code, e.plover) for e in events] == [("OMN", "IRN", "AGREE")]
    events = run(nlp, coder, "Oman reaffirmed its commitment to free and open sea lanes.", names)
    assert triples(events) == []  # values restated to no other party: no offer
    events = run(nlp, coder, "Oman reaffirmed its commitment to train the coast guard.", names)
    assert [(e.source.code, e.plover) for e in events] == [("OMN", "AGREE")]  # an act promised
    events = run(nlp, coder, "Oman assured Iran that it would keep the strait open.", names)
    assert ("OMN", "IRN", "AGREE") in triples(events)
    events = run(nlp, coder, "Oman and Iran have been bolstering military ties.", names)
    assert triples(events) == [("IRN", "OMN", "COOPERATE"), ("OMN", "IRN", "COOPERATE")]
    events = run(nlp, coder, "Qatari troops boosted security along the border.", names)
    assert [(e.source.code, e.plover) for e in events] == [("QATMIL", "MOBILIZE")]


def test_negation_keeps_the_event_flagged(nlp, coder):
    events = run(nlp, coder, "Poland and Hungary did not sign the declaration.", {"Poland": "POL", "Hungary": "HUN"})
    assert triples(events) == []
    assert [(e.plover, e.negated) for e in events] == [("SUPPORT", True)] * 2

    events = run(nlp, coder, "Hungary refused to sign the declaration.", {"Hungary": "HUN"})
    assert triples(events) == [("HUN", None, "REJECT")]
    assert [e.plover for e in events if e.negated] == ["SUPPORT"]

    events = run(nlp, coder, "Iran denied plans to attack Israel.", {"Iran": "IRN", "Israel": "ISR"})
    assert triples(events) == []
    assert [(e.plover, e.negated) for e in events] == [("ASSAULT", True)]


def test_future_is_marked_and_states_an_intention(nlp, coder):
    events = run(nlp, coder, "Turkey will send aid to Syria.", {"Turkey": "TUR", "Syria": "SYR"})
    assert triples(events) == [("TUR", "SYR", "AGREE")]
    assert [(e.plover, e.modality) for e in events if e.modality != "asserted"] == [("AID", "future")]

    events = run(nlp, coder, "Iran said it would close the border to Iraqi trucks if attacked.",
                 {"Iran": "IRN", "Iraqi": "IRQ"})
    assert all(e.plover != "RETREAT" or e.modality != "asserted" for e in events)


def test_conditional_threat_and_hypothetical(nlp, coder):
    events = run(nlp, coder, "Vietnam threatened to seize Chinese boats unless Beijing withdraws.",
                 {"Vietnam": "VNM", "Chinese": "CHN", "Beijing": "CHNGOV"})
    assert ("VNM", None, "THREATEN") in triples(events) or ("VNM", "CHN", "THREATEN") in triples(events)
    assert all(e.plover != "COERCE" or e.modality != "asserted" for e in events)

    events = run(nlp, coder, "Greece could expel Turkish diplomats.", {"Greece": "GRC", "Turkish": "TUR"})
    assert triples(events) == []
    assert {e.modality for e in events} == {"hypothetical"}

    events = run(nlp, coder, "If Serbia attacks Kosovo, the alliance will respond.",
                 {"Serbia": "SRB", "Kosovo": "XKX"})
    assert [(e.plover, e.modality) for e in events] == [("ASSAULT", "hypothetical")]


def test_reported_speech_codes_the_embedded_event_for_its_own_subject(nlp, coder):
    events = run(nlp, coder, "Norway said Sweden shelled Finland on Sunday.",
                 {"Norway": "NOR", "Sweden": "SWE", "Finland": "FIN"})
    assert triples(events) == [("SWE", "FIN", "ASSAULT")]
    assert events[0].date == dt.date(2024, 3, 3)

    events = run(nlp, coder, "Kenya said Uganda will send troops to Somalia.",
                 {"Kenya": "KEN", "Uganda": "UGA", "Somalia": "SOM"})
    assert triples(events) == [("UGA", "SOM", "AGREE")]

    events = run(nlp, coder, "France said Iran must release the prisoners.", {"France": "FRA", "Iran": "IRN"})
    assert triples(events) == [("FRA", "IRN", "REQUEST")]


def test_allegations_are_not_coded_as_events(nlp, coder):
    events = run(nlp, coder, "Britain accused Russia of attacking Ukraine.",
                 {"Britain": "GBR", "Russia": "RUS", "Ukraine": "UKR"})
    assert triples(events, counted_only=False) == [("GBR", "RUS", "ACCUSE")]


def test_confidence_is_lower_for_inherited_arguments(nlp, coder):
    events = run(nlp, coder, "Egyptian police arrested Sudanese students and shot Libyan protesters.",
                 {"Egyptian police": "EGYCOP", "Sudanese": "SDN", "Libyan": "LBY"})
    by_type = {e.plover: e for e in events}
    assert set(by_type) == {"COERCE", "ASSAULT"}
    assert by_type["ASSAULT"].confidence < by_type["COERCE"].confidence


def test_ontology_and_pattern_validation(tmp_path):
    onto = Ontology.from_package()
    assert len(onto.plover) == 16
    assert {p.quad_class for p in onto.plover.values()} == {1, 2, 3, 4}
    assert onto.plover["PROTEST"].quad_class == 4 and onto.plover["REQUEST"].quad_class == 3
    assert onto.plover_of("163") == "SANCTION" and onto.plover_of("0211") == "REQUEST"
    folder = tmp_path / "patterns"
    folder.mkdir()
    shutil.copy(data_path("patterns") / "modality.yaml", folder / "modality.yaml")
    (folder / "verbs.yaml").write_text(
        'patterns:\n- {id: x.meet, lemma: meet, cameo: "040"}\n'
        '- {id: x.bad, lemma: greet, cameo: "010"}\n', encoding="utf-8")
    with pytest.raises(DataTableError) as info:
        PatternSet.from_dir(folder, onto)
    assert "verbs.yaml" in str(info.value) and "x.bad" in str(info.value)
    (folder / "verbs.yaml").write_text('patterns:\n- {id: x.meet, lemma: meet, cameo: "040", colour: red}\n',
                                       encoding="utf-8")
    with pytest.raises(DataTableError, match="colour"):
        PatternSet.from_dir(folder, onto)


def test_with_the_package_actor_coder(nlp):
    actors = pytest.importorskip("dyadwatch.coding.actors")
    actor_coder = actors.ActorCoder.from_package()
    coder = EventCoder.from_package()
    text = "China's foreign ministry on Monday urged North Korea and South Korea to resume talks."
    article = Article(id="b" * 40, text=text, date=ANCHOR)
    doc = nlp(text)
    events = coder.code(doc, article, actor_coder.code(doc, article))
    got = {(e.source.country if e.source else None, e.target.country if e.target else None, e.plover)
           for e in events if e.modality == "asserted" and not e.negated}
    assert {("CHN", "PRK", "REQUEST"), ("CHN", "KOR", "REQUEST")} <= got
    assert dataclasses.asdict(events[0])["date"] == dt.date(2024, 3, 4)


def test_purpose_clauses_and_consequences_are_not_extra_events(nlp, coder):
    events = run(nlp, coder, "Tunisian workers staged a strike to demand higher wages from Tunis.",
                 {"Tunisian workers": "TUNLAB", "Tunis": "TUNGOV"})
    assert [e.plover for e in events if e.modality == "asserted"] == ["PROTEST"]
    events = run(nlp, coder, "Sudanese troops shelled the Chadian town of Adre, killing nine civilians.",
                 {"Sudanese troops": "SDNMIL", "Chadian": "TCD"})
    assert triples(events) == [("SDNMIL", "TCD", "ASSAULT")]


def test_according_to_names_a_source_not_an_accord(nlp, coder):
    names = {"Chilean": "CHL", "Peru": "PER"}
    events = run(nlp, coder, "Chilean gunmen raided a market on Friday, leaving at least four people dead "
                             "and sparking a standoff, according to residents and a Peru senator.", names)
    assert all(e.plover != "REJECT" for e in events)


def test_a_particle_heading_a_phrase_of_place_is_no_withdrawal(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    assert triples(run(nlp, coder, "Chile and Peru pulled way out front on copper sales.", names)) == []
    assert triples(run(nlp, coder, "Chile pulled out of the pact with Peru.", names)) != []


def test_suggesting_what_could_be_or_should_be_done_proposes_nothing(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    assert triples(run(nlp, coder, "Chile suggested the port could be used by Peru.", names)) == []
    assert triples(run(nlp, coder, "Chile suggested that Peru should lower its tariffs.", names)) == [
        ("CHL", "PER", "REQUEST")]
    assert triples(run(nlp, coder, "Chile proposed a truce to Peru.", names)) == [("CHL", "PER", "AGREE")]


def test_comments_options_and_wishes_are_not_acts(nlp, coder):
    assert run(nlp, coder, "Canada declined to comment on the report.", {"Canada": "CAN"}) == ()
    events = run(nlp, coder, "A Canadian diplomat praised Peru, declining to be named.",
                 {"Canadian diplomat": "CANGOV", "Peru": "PER"})
    assert triples(events) == [("CANGOV", "PER", "SUPPORT")]  # anonymity is no refusal
    events = run(nlp, coder, "Japan is considering sending aid to Nepal.", {"Japan": "JPN", "Nepal": "NPL"})
    assert triples(events) == [] and {e.modality for e in events} == {"hypothetical"}
    events = run(nlp, coder, "Bolivia wants Peru to sign the treaty.", {"Bolivia": "BOL", "Peru": "PER"})
    assert triples(events) == []


def test_dismissing_a_fear_or_an_idea_denies_a_proposition_and_rejects_nothing(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    assert triples(run(nlp, coder, "Chile rebuffed fears that the border would close.", names)) == []
    assert triples(run(nlp, coder, "Chile rejected the notion that talks had failed.", names)) == []
    assert triples(run(nlp, coder, "Chile rejected the offer from Peru.", names)) == [("CHL", "PER", "REJECT")]


def test_failure_to_agree_is_a_rejection(nlp, coder):
    events = run(nlp, coder, "Serbia and Kosovo failed to reach an agreement on Monday.",
                 {"Serbia": "SRB", "Kosovo": "XKX"})
    assert triples(events) == [("SRB", "XKX", "REJECT"), ("XKX", "SRB", "REJECT")]


def test_obligation_in_reported_speech_is_a_request_whatever_the_verb(nlp, coder):
    events = run(nlp, coder, "Germany said Iran must stop enriching uranium.", {"Germany": "DEU", "Iran": "IRN"})
    assert triples(events) == [("DEU", "IRN", "REQUEST")]
    assert events[0].pattern == "request.obligation"


def test_nominal_event_after_a_support_verb(nlp, coder):
    events = run(nlp, coder, "Italy announced the suspension of flights to Libya.", {"Italy": "ITA", "Libya": "LBY"})
    assert triples(events) == [("ITA", "LBY", "SANCTION")]


def test_background_participles_and_military_preparation(nlp, coder):
    events = run(nlp, coder, "Rebels backed by Uganda attacked Congolese troops.",
                 {"Rebels": "---REB", "Uganda": "UGA", "Congolese": "COD"})
    assert {e.plover for e in events} == {"ASSAULT"}
    events = run(nlp, coder, "Armenian troops prepared to shell Azerbaijani positions.",
                 {"Armenian troops": "ARMMIL", "Azerbaijani": "AZE"})
    assert triples(events) == [("ARMMIL", "AZE", "MOBILIZE")]


def test_code_records_and_evaluate_end_to_end(nlp, coder):
    from dyadwatch.analysis.evaluate import EVENT_FIELDS, code_records, score
    from dyadwatch.coding.pipeline import Pipeline
    from dyadwatch.coding.stages import STAGES, Stage
    from dyadwatch.config import Settings

    records = [{"id": "r1", "text": "Australia condemned Iran on Friday.", "date": "2024-03-06"},
               {"id": "r2", "text": "Chile praised Peru.", "date": None}]
    names = {"Australia": "AUS", "Iran": "IRN", "Chile": "CHL", "Peru": "PER"}
    hand = HandActors(names)
    actors = Stage("actors", STAGES["actors"].requires, ("mentions",), lambda settings: lambda doc, state:
                   dataclasses.replace(state, mentions=tuple(hand.code(doc, state.article))))
    pipeline = Pipeline(Settings(stages=("actors", "events")), registry={**STAGES, "actors": actors})
    out = list(code_records(records, pipeline))
    assert [r["id"] for r in out] == ["r1", "r2"]
    (e,) = out[0]["events"]
    assert set(e) == set(EVENT_FIELDS) and e["date"] == "2024-03-01" and e["plover"] == "ACCUSE"
    gold = [{"id": "r1", "events": [{"source_country": "AUS", "target_country": "IRN", "plover": "ACCUSE"}]},
            {"id": "r2", "events": [{"source_country": "CHL", "target_country": "PER", "plover": "AGREE"}]}]
    rep = score(gold, out)
    assert (rep.triples.micro.tp, rep.triples.micro.fp, rep.triples.micro.fn) == (1, 1, 1)


def test_stored_quad_class_follows_the_cameo_root_like_goldstein():
    from dyadwatch.coding.ontology import Ontology

    onto = Ontology.from_package()
    assert [onto.cameo_quad_class(c) for c in ("020", "043", "057", "070", "0874", "112",
                                               "138", "141", "163", "190")] == [
        1, 1, 1, 2, 2, 3, 3, 4, 4, 4]
    # an appeal is coded REQUEST, and is cooperative by both its Goldstein and QuadClass
    assert onto.plover_of("020") == "REQUEST" and onto.goldstein("020") > 0


def test_a_thing_done_to_nobody_named_has_no_target_but_people_are_domestic(nlp, coder):
    # a weapon or a test is not an actor: no self-dyad from the source's country
    events = run(nlp, coder, "Iran fired a salvo of cruise missiles into the gulf.", {"Iran": "IRN"})
    assert all(e.target is None for e in events)
    events = run(nlp, coder, "Bolivian troops shot dozens of protesters.", {"Bolivian troops": "BOLMIL"})
    assert triples(events) == [("BOLMIL", "BOL", "ASSAULT")]


def test_people_urged_criticised_or_rebuffed_unnamed_are_of_the_speakers_country(nlp, coder):
    names = {"Bolivia": "BOL", "Bolivian president": "BOLGOV"}
    events = run(nlp, coder, "The Bolivian president urged the protesters to go home.", names)
    assert triples(events) == [("BOLGOV", "BOL", "REQUEST")]
    events = run(nlp, coder, "The Bolivian president criticized the farmers.", names)
    assert triples(events) == [("BOLGOV", "BOL", "ACCUSE")]
    events = run(nlp, coder, "The Bolivian president criticized the new budget.", names)
    assert triples(events) == [("BOLGOV", None, "ACCUSE")]


def test_shaking_hands_is_a_meeting_both_ways(nlp, coder):
    events = run(nlp, coder, "The Ghanaian president shook hands with the Togolese leader.",
                 {"Ghanaian president": "GHAGOV", "Togolese leader": "TGOGOV"})
    assert triples(events) == [("GHAGOV", "TGOGOV", "CONSULT"), ("TGOGOV", "GHAGOV", "CONSULT")]


def test_nominal_events_still_to_come_are_future(nlp, coder):
    for text in ("Prices rose ahead of naval drills between Peru and Chile.",
                 "Tension grew over the upcoming naval drills between Peru and Chile."):
        events = run(nlp, coder, text, {"Peru": "PER", "Chile": "CHL", "Bolivia": "BOL"})
        drills = [e for e in events if e.trigger == "drills"]
        assert drills and all(e.modality == "future" for e in drills), text


def test_the_attack_a_passive_death_happened_in_names_the_attacker(nlp, coder):
    events = run(nlp, coder, "A Malian soldier was killed in a Tuareg rebel ambush.",
                 {"Malian soldier": "MLIMIL", "Tuareg rebel": "MLIREB"})
    assert triples(events) == [("MLIREB", "MLIMIL", "ASSAULT")]
    # a place inside the attack phrase is where, not who
    events = run(nlp, coder, "Three Somali civilians were killed in a car bombing in Mogadishu.",
                 {"Somali civilians": "SOMCVL", "Mogadishu": "SOMGOV"})
    assert triples(events) == [(None, "SOMCVL", "ASSAULT")]


def test_a_phrase_naming_both_countries_is_a_target_only_in_its_other_half(nlp, coder):
    events = run(nlp, coder, "The North demolished an inter-Korean liaison office.",
                 {"North": "PRK", "inter-Korean": ["KOR", "PRK"]})
    assert triples(events) == [("PRK", "KOR", "COERCE")]


def test_a_question_put_to_the_speaker_is_not_a_request(nlp, coder):
    events = run(nlp, coder, "Asked whether the two sides discussed arms sales, Tarek said there were limits.",
                 {"Tarek": "EGYGOV"})
    assert [e for e in events if e.plover == "REQUEST"] == []


@pytest.mark.parametrize("text, expected", [
    ("The Chadian leader lashed out at Niger in a speech.", [("TCDGOV", "NER", "ACCUSE")]),
    ("Niger's foreign ministry hit back on Monday.", [("NERGOV", None, "ACCUSE")]),
    ("Chadian troops hit back at Niger.", [("TCDMIL", "NER", "ASSAULT")]),
    ("Chadian officials said Niger had attacked their foreign policy.", [("NER", "TCDGOV", "ACCUSE")]),
])
def test_verbal_attacks_are_accusations_not_assaults(nlp, coder, text, expected):
    names = {"Chadian leader": "TCDGOV", "Niger's foreign ministry": "NERGOV", "Niger": "NER",
             "Chadian troops": "TCDMIL", "Chadian officials": "TCDGOV", "their": "TCDGOV"}
    assert triples(run(nlp, coder, text, names)) == expected


def test_welcoming_an_outcome_is_support_and_welcoming_a_guest_is_hosting(nlp, coder):
    names = {"Peru": "PER", "Chilean president": "CHLGOV"}
    assert triples(run(nlp, coder, "Peru welcomed the outcome.", names)) == [("PER", None, "SUPPORT")]
    assert triples(run(nlp, coder, "Peru welcomed the Chilean president.", names)) == [
        ("PER", "CHLGOV", "CONSULT")]


def test_unclaimed_attack_on_foreigners_is_coded_to_the_place_not_on_locals(nlp, coder):
    events = run(nlp, coder, "Five Chadian soldiers were killed in Mali on Sunday.",
                 {"Chadian soldiers": "TCDMIL", "Mali": "MLI"})
    assert triples(events) == [("MLI", "TCDMIL", "ASSAULT")]
    events = run(nlp, coder, "Five Malian soldiers were killed in Mali on Sunday.",
                 {"Malian soldiers": "MLIMIL", "Mali": "MLI"})
    assert triples(events) == [(None, "MLIMIL", "ASSAULT")]


def test_holding_people_is_detention_but_holding_an_exercise_is_not(nlp, coder):
    names = {"Iran": "IRN", "Omani sailors": "OMNMIL", "Peru": "PER"}
    assert triples(run(nlp, coder, "Iran held two Omani sailors.", names)) == [("IRN", "OMNMIL", "COERCE")]
    events = run(nlp, coder, "Peru held command post exercise Andes Shield in March.", names)
    assert [e for e in events if e.plover == "COERCE"] == []


# -- whole-article rules: news window, forecasts, beliefs, codebook types ---------
def test_act_dated_before_the_news_window_is_background(nlp, coder):
    names = {"Peru": "PER", "Chile": "CHL"}
    old = run(nlp, coder, "In 2019, Peru expelled diplomats from Chile.", names)
    assert triples(old) == [] and {e.modality for e in old} == {"background"}
    recent = run(nlp, coder, "On Monday, Peru expelled diplomats from Chile.", names)
    assert triples(recent) != []
    this_year = run(nlp, coder, "In March, Peru expelled diplomats from Chile.", names)
    assert triples(this_year) != []  # the article is from March: inside the window


def test_schedule_and_forecast_state_no_intention(nlp, coder):
    names = {"Ghana": "GHA", "Togo": "TGO"}
    assert triples(run(nlp, coder, "Ghana's president is scheduled to visit Togo next week.", names)) == []
    assert triples(run(nlp, coder, "Ghana is expected to meet Togo in May.", names)) == []
    assert ("GHA", "TGO", "AGREE") in triples(run(nlp, coder, "Ghana pledged to send food aid to Togo.", names))


def test_belief_about_an_act_is_not_the_act(nlp, coder):
    names = {"Analysts": "---", "Sudan": "SDN", "Chad": "TCD"}
    assert triples(run(nlp, coder, "Analysts believe Sudan shelled Chad last week.", names)) == []


def test_counterfactual_would_is_hypothetical_but_reported_offer_is_not(nlp, coder):
    names = {"Norway": "NOR", "Sweden": "SWE", "Finland": "FIN"}
    assert triples(run(nlp, coder, "If Sweden invaded Finland, Norway would send troops to Finland.",
                       names)) == []
    said = run(nlp, coder, "Norway said it would meet Sweden if Finland agreed.", names)
    assert ("NOR", "SWE", "AGREE") in triples(said)


def test_negative_obligation_is_a_request(nlp, coder):
    names = {"Lima": "PERGOV", "Quito": "ECUGOV"}
    ev = run(nlp, coder, "Quito should not detain more fishermen, Lima said on Tuesday.", names)
    assert ("PERGOV", "ECUGOV", "REQUEST") in triples(ev)


def test_codebook_types_for_retaliation_deployment_delisting_and_paused_tariffs(nlp, coder):
    names = {"Oslo": "NOR", "Riga": "LVA", "Latvia": "LVA"}
    assert ("NOR", "LVA", "THREATEN") in triples(run(nlp, coder, "Oslo vowed to retaliate against Riga.", names))
    assert ("NOR", "LVA", "MOBILIZE") in triples(
        run(nlp, coder, "Oslo sent patrol ships to the waters off Latvia.", names))
    assert ("NOR", "LVA", "SANCTION") in triples(
        run(nlp, coder, "Oslo removed Latvia from its export whitelist.", names))
    assert ("NOR", "LVA", "RETREAT") in triples(
        run(nlp, coder, "Oslo paused the tariffs on Latvia.", names))


def test_calling_names_and_concern_are_criticism_and_baseless_is_rejection(nlp, coder):
    names = {"Lisbon": "PRTGOV", "Madrid": "ESPGOV", "Spanish": "ESP"}
    assert ("PRTGOV", "ESPGOV", "REJECT") in triples(
        run(nlp, coder, "Lisbon called Madrid's allegations \"groundless.\"", names))
    assert ("PRTGOV", "ESP", "ACCUSE") in triples(
        run(nlp, coder, "Lisbon called the Spanish quotas \"unfair.\"", names))
    assert ("PRTGOV", "ESPGOV", "ACCUSE") in triples(
        run(nlp, coder, "Lisbon is deeply concerned about Madrid's new border checks.", names))
    assert triples(run(nlp, coder, "Concerned residents of Lisbon wrote letters.", names)) == []


def test_a_nominal_event_that_is_the_scene_of_a_verb_takes_its_subject(nlp, coder):
    names = {"Chile": "CHL", "Lima": "PER", "Bolivia": "BOL", "Peru": "PER"}
    assert ("CHL", "PER", "CONSULT") in triples(
        run(nlp, coder, "Chile's minister said during a visit to Lima that trade would grow.", names))
    call = triples(run(nlp, coder, "Bolivia's president told Peru's leader in a phone call that the "
                                   "border would stay open.", names))
    assert ("BOL", "PER", "CONSULT") in call and ("PER", "BOL", "CONSULT") in call
    # the passive subject suffered the act named by the scene noun; it did not do it
    hurt = triples(run(nlp, coder, "Peru's soldiers were wounded in an attack on Monday.", names))
    assert not any(s == "PER" and k == "ASSAULT" for s, _, k in hurt)


def test_speaking_by_phone_is_a_consultation(nlp, coder):
    names = {"Ana Ruiz": "CHLGOV", "Peruvian": "PERGOV"}
    found = triples(run(nlp, coder, "Ana Ruiz spoke by phone with her Peruvian counterpart.", names))
    assert ("CHLGOV", "PERGOV", "CONSULT") in found


def test_meetings_called_and_credit_given(nlp, coder):
    names = {"Estonia": "EST", "Latvia": "LVA", "the Security Council": "IGOUNO"}
    assert ("EST", "IGOUNO", "REQUEST") in triples(
        run(nlp, coder, "Estonia called an emergency meeting of the Security Council.", names))
    assert ("EST", "LVA", "SANCTION") in triples(run(nlp, coder, "Estonia called off talks with Latvia.", names))
    assert ("EST", "LVA", "SUPPORT") in triples(run(nlp, coder, "Estonia credited Latvia for its help.", names))


def test_leaving_an_organisation_is_a_sanction_and_releasing_a_map_is_no_retreat(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER", "the Andean bloc": "IGOSAMAND"}
    assert ("CHL", "IGOSAMAND", "SANCTION") in triples(
        run(nlp, coder, "Chile withdrew from the Andean bloc in protest.", names))
    assert triples(run(nlp, coder, "Chile released a map of the border with Peru.", names)) == []
    assert ("PER", "CHL", "RETREAT") in triples(run(nlp, coder, "Peru released Chile's fishermen.", names))


def test_needs_to_in_reported_speech_is_a_request(nlp, coder):
    names = {"Accra": "GHAGOV", "Lome": "TGOGOV"}
    ev = run(nlp, coder, "Accra said Lome needs to act quickly.", names)
    assert ("GHAGOV", "TGOGOV", "REQUEST") in triples(ev)
    coded = run(nlp, coder, "Accra said Lome needs to release the detained traders.", names)
    assert ("GHAGOV", "TGOGOV", "REQUEST") in triples(coded)
    assert not [t for t in triples(coded) if t[2] == "RETREAT"]  # the demanded act has not happened
    assert triples(run(nlp, coder, "Lome needs more fuel, Accra said.", names)) == []
    plea = "Accra issued a statement calling on Lome to admit the traders that they need."
    assert ("GHAGOV", "TGOGOV", "REQUEST") in triples(run(nlp, coder, plea, names))


def test_trade_wars_and_rescue_operations_are_no_armed_attack(nlp, coder):
    names = {"Canberra": "AUSGOV", "Wellington": "NZLGOV"}
    assert triples(run(nlp, coder, "Canberra launched a trade war against Wellington.", names)) == []
    assert triples(run(nlp, coder, "Canberra launched a rescue operation in Wellington.", names)) == []
    assert ("AUSGOV", "NZLGOV", "ASSAULT") in triples(
        run(nlp, coder, "Canberra launched an attack on Wellington.", names))


def test_a_definite_noun_for_an_earlier_act_makes_its_author_the_target(nlp, coder):
    names = {"Peru": "PER", "Chile": "CHL", "Bolivia": "BOL"}
    text = "Peru called for an inquiry into the border shooting. Bolivia backed the call on Monday."
    assert ("BOL", "PER", "SUPPORT") in triples(run(nlp, coder, text, names))
    other = "Peru called for an inquiry into the border shooting. Bolivia backed the plan on Monday."
    assert ("BOL", "PER", "SUPPORT") not in triples(run(nlp, coder, other, names))


def test_a_move_with_no_party_is_a_visit_only_to_a_named_place(nlp, coder):
    names = {"Chilean negotiators": "CHL", "Chile": "CHL", "Peru": "PER"}
    assert triples(run(nlp, coder, "Chile comes together in a manner that restores its unity.", names)) == []
    assert triples(run(nlp, coder, "Chilean negotiators returned to Geneva this week for talks.", names)) == [
        ("CHL", None, "CONSULT")]
    assert triples(run(nlp, coder, "Chilean negotiators traveled to Peru.", names)) == [("CHL", "PER", "CONSULT")]


def test_an_inquiry_that_names_no_one_accuses_no_one(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    assert triples(run(nlp, coder, "Reporters from Chile examined the facts.", names)) == []
    assert ("CHL", "PER", "ACCUSE") in triples(run(nlp, coder, "Chile investigated Peru.", names))


def test_rejecting_an_idea_denies_a_proposition_and_rejects_no_one(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    idea = "Chile rejected the idea that Peru could win the case."
    assert not [t for t in triples(run(nlp, coder, idea, names)) if t[2] == "REJECT"]
    assert ("CHL", "PER", "REJECT") in triples(run(nlp, coder, "Chile rejected Peru's proposal.", names))


def test_a_request_still_to_be_made_is_no_threat(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    text = "Chile said it would urge Peru to reopen the border crossing."
    assert not [t for t in triples(run(nlp, coder, text, names)) if t[2] == "THREATEN"]
    assert ("CHL", "PER", "THREATEN") in triples(run(nlp, coder, "Chile said it would attack Peru.", names))


def test_a_known_agreement_named_by_a_definite_noun_is_no_new_agreement(nlp, coder):
    names = {"Poland": "POL", "Lithuania": "LTU", "Latvia": "LVA"}
    for text in ("Latvia said it would honor the deal between Poland and Lithuania.",
                 "Latvia cited the 1994 treaty between Poland and Lithuania."):
        assert not [t for t in triples(run(nlp, coder, text, names)) if t[2] == "SUPPORT"], text
    for text in ("Recent agreements between Poland and Lithuania ended the dispute.",
                 "The new pact between Poland and Lithuania ended the dispute."):
        assert ("POL", "LTU", "SUPPORT") in triples(run(nlp, coder, text, names)), text


def test_asking_whether_or_if_puts_a_question_and_requests_nothing(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    for text in ("Chile asked Peru whether it had signed the accord.",
                 "Chile asked Peru if it would testify at the hearing."):
        assert not [t for t in triples(run(nlp, coder, text, names)) if t[2] == "REQUEST"], text
    for text in ("Chile asked Peru to free the fishermen.", "Chile asked Peru for help."):
        assert ("CHL", "PER", "REQUEST") in triples(run(nlp, coder, text, names)), text


def test_support_for_a_joint_call_targets_its_first_named_author_once(nlp, coder):
    names = {"Norway": "NOR", "Denmark": "DNK", "Iceland": "ISL", "Finland": "FIN", "Estonia": "EST"}
    text = ("Norway, along with Denmark and Iceland, called for an inquiry into the oil spill. "
            "Finland and Estonia backed the call on Monday.")
    support = [t for t in triples(run(nlp, coder, text, names)) if t[2] == "SUPPORT"]
    assert support == [("EST", "NOR", "SUPPORT"), ("FIN", "NOR", "SUPPORT")]


def test_later_statements_of_the_lead_speaker_take_the_lead_date(nlp, coder):
    names = {"Oslo": "NORGOV", "Riga": "LVAGOV", "Vilnius": "LTUGOV", "Tallinn": "ESTGOV"}
    text = ("Oslo condemned Riga on Monday over the arrests. Vilnius criticized Riga on Sunday. "
            "Oslo also urged Riga to free the fishermen. Tallinn praised Riga.")
    events = {(e.source.code, e.plover): e for e in run(nlp, coder, text, names)}
    urge = events[("NORGOV", "REQUEST")]
    assert (urge.date, urge.date_source) == (dt.date(2024, 3, 4), "lead")
    praise = events[("ESTGOV", "SUPPORT")]  # another speaker, and the lead names two days
    assert (praise.date, praise.date_source) == (ANCHOR, "article")
    one_day = "Oslo condemned Riga on Monday over the arrests. Tallinn praised Riga."
    (praise,) = [e for e in run(nlp, coder, one_day, names) if e.plover == "SUPPORT"]
    assert (praise.date, praise.date_source) == (dt.date(2024, 3, 4), "lead")


def test_a_strike_launched_by_forces_is_no_labour_strike(nlp, coder):
    names = {"Ruritanian forces": "RURMIL", "Ruritanian teachers": "RUREDU", "Ruritania": "RUR"}
    forces = run(nlp, coder, "The strike was launched by Ruritanian forces on Monday.", names)
    assert not [t for t in triples(forces) if t[2] == "PROTEST"]
    teachers = run(nlp, coder, "The strike was launched by Ruritanian teachers on Monday.", names)
    assert [t[2] for t in triples(teachers)] == ["PROTEST"]


def test_a_time_clause_dates_the_clause_it_hangs_on(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    events = run(nlp, coder, "When the war ended in 1995, Chile decided to send aid to Peru.", names)
    assert {(e.plover, str(e.modality), e.date) for e in events} == {
        ("AID", "future", dt.date(1995, 1, 1)), ("AGREE", "background", dt.date(1995, 1, 1))}
    (e,) = [e for e in run(nlp, coder, "As the talks ended on Monday, Chile sent aid to Peru.", names)
            if e.plover == "AID"]
    assert (e.date, e.date_source, str(e.modality)) == (dt.date(2024, 3, 4), "sentence", "asserted")
    (e,) = run(nlp, coder, "Chile sent aid to Peru, which the war of 1995 left poor.", names)
    assert e.date_source == "article"  # a date in a relative clause is not the act's


def test_an_act_measured_from_another_is_dated_from_it(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    events = run(nlp, coder, "Chile recalled its ambassador on Tuesday, a day after Peru expelled two "
                             "Chilean diplomats.", names)
    assert {(e.source.code, e.date) for e in events} == {("CHL", dt.date(2024, 3, 5)), ("PER", dt.date(2024, 3, 4))}
    (e,) = [e for e in run(nlp, coder, "Chile recalled its envoy two weeks before Peru expelled two diplomats.",
                           names) if e.source.code == "PER"]
    assert e.date == ANCHOR + dt.timedelta(days=14)
    (e,) = [e for e in run(nlp, coder, "Chile recalled its envoy on Tuesday after Peru expelled two diplomats.",
                           names) if e.source.code == "PER"]
    assert e.date == dt.date(2024, 3, 5)  # no measure: the clause it hangs on dates it


def test_an_act_recalled_by_a_clause_that_reports_nothing_else_is_the_news(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    (e,) = run(nlp, coder, "His remarks come two days after Chile condemned Peru.", names)
    assert (e.plover, str(e.modality), e.date) == ("ACCUSE", "asserted", ANCHOR - dt.timedelta(days=2))
    events = run(nlp, coder, "Chile recalled its envoy on Monday, a day after Peru condemned Chile.", names)
    assert [str(e.modality) for e in events if e.plover == "ACCUSE"] == ["background"]
    events = run(nlp, coder, "Chile urged Norway to ensure that schools stay open after Peru cut its funding.",
                 dict(names, Norway="NOR"))
    assert [str(e.modality) for e in events if e.source.code == "PER"] == ["background"]  # the urging is the news


def test_the_lead_day_dates_the_story_even_when_no_event_was_coded_there(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    text = ("The finance minister announced a new budget on Monday. Officials said little else. "
            "Chile also condemned Peru.")
    (e,) = run(nlp, coder, text, names)
    assert (e.date, e.date_source, e.date_text) == (dt.date(2024, 3, 4), "lead", "Monday")
    text = ("The finance minister announced a budget on Monday and resigned on Tuesday. Officials said "
            "little else. Chile also condemned Peru.")
    (e,) = run(nlp, coder, text, names)
    assert (e.date, e.date_source) == (ANCHOR, "article")  # two days in the lead: none is the story's


def test_a_second_verb_of_saying_shares_the_speaker_of_the_first(nlp, coder):
    names = {"Accra": "GHAGOV", "Lome": "TGOGOV", "Abuja": "NGAGOV"}
    conj = "Accra says trade can recover but says Lome needs to reopen the border."
    assert ("GHAGOV", "TGOGOV", "REQUEST") in triples(run(nlp, coder, conj, names))
    adding = "Accra said the talks went well, adding that Lome and Abuja must reopen the border."
    assert {("GHAGOV", "TGOGOV", "REQUEST"), ("GHAGOV", "NGAGOV", "REQUEST")} <= set(
        triples(run(nlp, coder, adding, names)))
    quoted = '"We are not here to draw new maps," Accra said, adding that Lome needs to "make hard choices."'
    assert ("GHAGOV", "TGOGOV", "REQUEST") in triples(run(nlp, coder, quoted, names))
    # a participle on an act is no saying: its clause names no speaker of a demand
    act = "Accra closed the border, saying Lome needs to stop the smugglers."
    assert not [t for t in triples(run(nlp, coder, act, names)) if t[2] == "REQUEST"]


def test_a_direct_quote_speaks_for_its_speaker_in_every_sentence(nlp, coder):
    from dyadwatch.coding.quotes import QuoteExtractor

    names = {"Accra": "GHAGOV", "Lome": "TGOGOV", "Abuja": "NGAGOV"}
    text = ('"We condemn the raid on our traders. Lome must return the seized goods. '
            'They seized the trucks at night," Accra said on Monday.')
    article = Article(id="b" * 40, text=text, date=ANCHOR)
    doc = nlp(text)
    mentions = HandActors(names).code(doc, article)
    quoted = QuoteExtractor.from_package().direct_speakers(doc, article)
    assert [(text[s:e][:9], doc[h].text) for s, e, h in quoted] == [("We condem", "Accra")]
    coded = {(e.source and e.source.code, e.target and e.target.code, e.plover)
             for e in coder.code(doc, article, mentions, quoted) if e.modality == "asserted"}
    assert ("GHAGOV", "TGOGOV", "REQUEST") in coded  # the attribution is two sentences away
    assert ("GHAGOV", None, "ACCUSE") in coded  # "we condemn": the speaker condemns
    unquoted = {e.plover for e in coder.code(doc, article, mentions) if e.source is not None}
    assert "REQUEST" not in unquoted and "ACCUSE" not in unquoted  # without the quote, nobody speaks
    # inside a quote only "we"/"I" is the speaker: "they took them" is not Accra's act
    assert {t for t in coded if t[0] == "GHAGOV"} == {("GHAGOV", "TGOGOV", "REQUEST"), ("GHAGOV", None, "ACCUSE")}


def test_taking_part_in_talks_is_consulting_and_no_capture(nlp, coder):
    names = {"Accra": "GHAGOV", "Lome": "TGOGOV", "Kumasi": "GHA"}
    assert ("GHAGOV", "TGOGOV", "CONSULT") in triples(
        run(nlp, coder, "Accra took part in the talks with Lome.", names))
    assert ("GHAGOV", None, "CONSULT") in triples(
        run(nlp, coder, "Accra participated in the summit on Monday.", names))
    assert triples(run(nlp, coder, "Accra took part in the rescue operation.", names)) == []
    assert ("TGOGOV", "GHA", "ASSAULT") in triples(
        run(nlp, coder, "Lome captured part of the town of Kumasi.", names))


def test_a_particle_follows_its_verb_a_fronted_date_is_no_call_on(nlp, coder):
    names = {"Accra": "GHAGOV", "Lome": "TGOGOV"}
    fronted = 'On Friday, Accra called the border closure by Lome "reckless."'
    coded = triples(run(nlp, coder, fronted, names))
    assert ("GHAGOV", "TGOGOV", "ACCUSE") in coded and not [t for t in coded if t[2] == "REQUEST"]
    assert ("GHAGOV", "TGOGOV", "REQUEST") in triples(
        run(nlp, coder, "On Friday, Accra called on Lome to reopen the border.", names))


def test_a_warning_is_aimed_at_whom_its_that_clause_names(nlp, coder):
    names = {"Accra": "GHAGOV", "Lome": "TGOGOV", "it": "GHAGOV"}
    assert ("GHAGOV", "TGOGOV", "THREATEN") in triples(
        run(nlp, coder, "Accra warned that Lome would pay a heavy price.", names))
    # the clause's subject is the speaker itself: the warning is about the clause's object
    own = "Accra warned on Monday that it will keep up the pressure on Lome."
    assert ("GHAGOV", "TGOGOV", "THREATEN") in triples(run(nlp, coder, own, names))
    assert [t for t in triples(run(nlp, coder, own, names)) if t[2] == "THREATEN"] == [
        ("GHAGOV", "TGOGOV", "THREATEN")]  # never a warning to itself


def test_a_gerund_under_a_time_preposition_is_done_by_the_clause_subject(nlp, coder):
    events = run(nlp, coder, "The Peruvian envoy briefed reporters after meeting with Chile's foreign minister.",
                 {"The Peruvian envoy": "PERGOV", "Chile": "CHLGOV", "reporters": "---MED"})
    assert ("PERGOV", "CHLGOV", "CONSULT") in triples(events)
    # "before leaving for Y": the trip is still to come
    events = run(nlp, coder, "Before leaving for Lima on Friday, the Chilean minister spoke to students.",
                 {"the Chilean minister": "CHLGOV", "Lima": "PERGOV"})
    assert not triples(events)
    # "thanked X for helping Y": X helped, not the one who thanked
    events = run(nlp, coder, "Ghana thanked Norway for helping Liberia.",
                 {"Ghana": "GHA", "Norway": "NOR", "Liberia": "LBR"})
    assert not [t for t in triples(events) if t[0] == "GHA" and t[1] == "LBR"]


def test_a_visiting_person_parsed_as_an_object_is_the_visitor(nlp, coder):
    events = run(nlp, coder, "In Lima, Peru's president greeted visiting Bolivian Foreign Minister Ana Rojas warmly.",
                 {"Peru's president": "PERGOV", "Bolivian Foreign Minister Ana Rojas": "BOLGOV", "Lima": "PERGOV"})
    assert ("BOLGOV", "PERGOV", "CONSULT") in triples(events)  # the visitor came to the host
    # an act, not an adjective: "will include meeting X" keeps its subject
    events = run(nlp, coder, "Suzuki's tour will include meeting Kenyan President William Ruto.",
                 {"Suzuki": "JPNGOV", "Kenyan President William Ruto": "KENGOV"})
    assert not [e for e in events if e.source and e.source.code == "KENGOV" and e.cameo == "042"]


def test_a_nominal_attack_with_an_explicit_agent_needs_no_target(nlp, coder):
    events = run(nlp, coder, "Residents fled after an attack by Malian soldiers near the market.",
                 {"Malian soldiers": "MLIMIL"})
    assert ("MLIMIL", None, "ASSAULT") in triples(events, counted_only=False)
    events = run(nlp, coder, "Chile warned that it would answer any attack by Peruvian troops.",
                 {"Chile": "CHL", "Peruvian troops": "PERMIL"})
    assert not [e for e in events if e.plover == "ASSAULT"]
    # a visit by someone to nowhere named is no event
    events = run(nlp, coder, "Crowds gathered for a visit by the Pope.", {"the Pope": "VAT"})
    assert not events


def test_criticism_by_adjective_agent_and_by_a_label_in_apposition(nlp, coder):
    events = run(nlp, coder, "The Kenyan government said it was deeply disappointed by Uganda's decision.",
                 {"The Kenyan government": "KENGOV", "Uganda": "UGA"})
    assert ("KENGOV", "UGA", "ACCUSE") in triples(events)
    events = run(nlp, coder, 'Brazil called Argentina\'s decision "a reckless provocation."',
                 {"Brazil": "BRA", "Argentina": "ARG"})
    assert ("BRA", "ARG", "ACCUSE") in triples(events)


def test_troops_sent_to_ones_own_ground_are_a_deployment_not_aid(nlp, coder):
    events = run(nlp, coder, "Peru's president sent 4,000 soldiers to Peru's southern border on Friday.",
                 {"Peru's president": "PERGOV", "Peru": "PER"})
    assert triples(events) == [("PERGOV", None, "MOBILIZE")]
    events = run(nlp, coder, "Peru sent 400 soldiers to Haiti on Friday.", {"Peru": "PER", "Haiti": "HTI"})
    assert triples(events) == [("PER", "HTI", "AID")]


def test_forces_backed_by_foreign_troops_receive_military_aid(nlp, coder):
    events = run(nlp, coder, "Malian troops backed by Chadian soldiers retook the town on Sunday.",
                 {"Malian troops": "MLIMIL", "Chadian soldiers": "TCDMIL"})
    assert ("TCDMIL", "MLIMIL", "AID") in triples(events)
    # political backing is not military aid
    events = run(nlp, coder, "Rebels backed by Libya seized the town on Sunday.",
                 {"Rebels": "TCDREB", "Libya": "LBY"})
    assert not [t for t in triples(events) if t[2] == "AID"]


def test_activating_a_force_is_a_mobilization(nlp, coder):
    events = run(nlp, coder, "The Ghanaian army activated a rapid reaction force on Monday.",
                 {"The Ghanaian army": "GHAMIL"})
    assert triples(events) == [("GHAMIL", None, "MOBILIZE")]


def test_co_doers_joined_by_along_with_or_as_well_as(nlp, coder):
    events = run(nlp, coder, "Norway, along with Sweden and Denmark, condemned the coup in Guinea.",
                 {"Norway": "NOR", "Sweden": "SWE", "Denmark": "DNK", "Guinea": "GIN"})
    assert {t[0] for t in triples(events) if t[2] == "ACCUSE"} == {"NOR", "SWE", "DNK"}
    events = run(nlp, coder, "Ghana, as well as Togo, praised Benin.", {"Ghana": "GHA", "Togo": "TGO", "Benin": "BEN"})
    assert triples(events) == [("GHA", "BEN", "SUPPORT"), ("TGO", "BEN", "SUPPORT")]
    # "met with Y" is a partner, not a co-doer
    events = run(nlp, coder, "Ghana met with Togo on Monday.", {"Ghana": "GHA", "Togo": "TGO"})
    assert triples(events) == [("GHA", "TGO", "CONSULT"), ("TGO", "GHA", "CONSULT")]


def test_an_interview_speaker_label_is_not_the_subject(nlp, coder):
    events = run(nlp, coder, "VOA: Chile's President Ana Rojas recently visited Peru after the election.",
                 {"VOA": "---MED", "Chile's President Ana Rojas": "CHLGOV", "Peru": "PER"})
    assert triples(events) == [("CHLGOV", "PER", "CONSULT")]


def test_a_nominal_arrest_names_its_doer_and_its_detainees(nlp, coder):
    events = run(nlp, coder, "The detention of Bolivian students by Peruvian police drew criticism.",
                 {"Bolivian students": "BOLEDU", "Peruvian police": "PERCOP"})
    assert triples(events) == [("PERCOP", "BOLEDU", "COERCE")]


def test_a_name_parsed_as_the_root_noun_is_the_subject_of_the_verb_under_it(nlp, coder):
    # the tagger sometimes reads a sentence-initial surname as a common noun and makes it the
    # root, with the sentence's verb as its complement: the parse is built by hand here
    from spacy.tokens import Doc
    words = ["Castillo", "at", "first", "imposed", "tariffs", "on", "Chile", "."]
    doc = Doc(nlp.vocab, words=words, spaces=[True] * 6 + [False, False],
              tags=["NN", "IN", "RB", "VBN", "NNS", "IN", "NNP", "."],
              pos=["NOUN", "ADP", "ADV", "VERB", "NOUN", "ADP", "PROPN", "PUNCT"],
              lemmas=["castillo", "at", "first", "impose", "tariff", "on", "Chile", "."],
              heads=[0, 2, 3, 0, 3, 4, 5, 0],
              deps=["ROOT", "advmod", "advmod", "ccomp", "dobj", "prep", "pobj", "punct"])
    article = Article(id="b" * 40, text=doc.text, date=ANCHOR)
    events = coder.code(doc, article, HandActors({"Castillo": "PERGOV", "Chile": "CHL"}).code(doc, article))
    assert triples(events) == [("PERGOV", "CHL", "SANCTION")]


def test_a_demand_on_no_one_named_is_a_request_without_target(nlp, coder):
    events = run(nlp, coder, "Chile's president said on Monday that the talks with Peru must continue.",
                 {"Chile's president": "CHLGOV", "Peru": "PER"})
    assert ("CHLGOV", None, "REQUEST") in triples(events)
    # a speaker of no known country makes no such demand
    events = run(nlp, coder, "The study said the results must be read with care.", {"The study": "NGO"})
    assert not triples(events)


def test_a_noun_pattern_with_objects_needs_them_in_its_of_phrase(nlp, coder):
    events = run(nlp, coder, "Ghana's defence minister announced the activation of a rapid response force.",
                 {"Ghana's defence minister": "GHAGOV"})
    assert triples(events) == [("GHAGOV", None, "MOBILIZE")]
    events = run(nlp, coder, "Ghana's defence minister announced the activation of a new hotline.",
                 {"Ghana's defence minister": "GHAGOV"})
    assert not triples(events)


def test_being_open_or_ready_to_talks_offers_them(nlp, coder):
    events = run(nlp, coder, "Peru is ready for talks with Chile, its foreign minister said.", {"Peru": "PER", "Chile": "CHL"})
    assert triples(events) == [("PER", "CHL", "AGREE")]
    events = run(nlp, coder, "The border with Chile is open to trucks again.", {"Chile": "CHL"})
    assert not triples(events)


def test_a_refusal_coordinated_with_an_offer_answers_its_doer(nlp, coder):
    events = run(nlp, coder, "Bolivia offered talks, but Paraguay refused.", {"Bolivia": "BOL", "Paraguay": "PRY"})
    assert ("PRY", "BOL", "REJECT") in triples(events)



def test_lifting_or_exempting_duties_eases_sanctions(nlp, coder):
    events = run(nlp, coder, "Peru lifted the duties on Chilean wine on Monday.", {"Peru": "PER", "Chilean": "CHL"})
    assert triples(events) == [("PER", "CHL", "RETREAT")]


def test_a_second_verb_the_parser_left_unattached_shares_the_subject(nlp, coder):
    # "X imposed A, then exempted B": "exempted" often comes out as an unlabelled dependent
    events = run(nlp, coder, "Peru's president first imposed 20% tariffs on Chilean exports to Peru, "
                 "then exempted the duties on Chilean wine.", {"Peru's president": "PERGOV", "Chilean": "CHL"})
    assert ("PERGOV", "CHL", "RETREAT") in triples(events)


def test_reimposing_sanctions_is_a_sanction(nlp, coder):
    events = run(nlp, coder, "Canada reimposed sanctions on Belarus on Friday.", {"Canada": "CAN", "Belarus": "BLR"})
    assert triples(events) == [("CAN", "BLR", "SANCTION")]


def test_cooperation_named_by_a_noun_goes_from_its_doer_to_its_partner(nlp, coder):
    names = {"Brazil": "BRA", "Chile": "CHL", "Peru": "PER", "Chilean police": "CHLCOP", "Peruvian": "PER"}
    coded = triples(run(nlp, coder, "Stressing Brazil's naval cooperation with Chile, a Brazilian frigate "
                        "docked in Valparaiso.", names))
    assert ("BRA", "CHL", "COOPERATE") in coded and ("CHL", "BRA", "COOPERATE") not in coded
    # the manner phrase of a verb of another type is coded too: the arrest, and working with Peru
    coded = triples(run(nlp, coder, "Chilean police arrested the smugglers in coordination with "
                        "Peruvian investigators.", names))
    assert ("CHLCOP", "PER", "COERCE") in coded and ("CHLCOP", "PER", "COOPERATE") in coded


def test_a_nominal_event_that_is_the_subject_of_a_future_clause_is_future(nlp, coder):
    names = {"Brazil": "BRA", "Chile": "CHL", "Peru": "PER"}
    events = run(nlp, coder, "Brazil's talks with Chile will resume next month.", names)
    assert triples(events) == []
    assert {e.modality for e in events} == {"future"}
    assert triples(run(nlp, coder, "Brazil's talks with Chile ended on Monday.", names)) == [
        ("BRA", "CHL", "CONSULT"), ("CHL", "BRA", "CONSULT")]


def test_a_reported_bad_verdict_on_anothers_act_is_the_speakers_criticism(nlp, coder):
    names = {"Bolivia": "BOL", "Paraguay": "PRY", "Santiago": "CHLGOV", "Argentina": "ARG"}
    assert triples(run(nlp, coder, "Bolivia said Paraguay's closure of the bridge was unlawful.", names)) == [
        ("BOL", "PRY", "ACCUSE")]
    quoted = "“The seizure of the boats by Argentina is a provocation,” Santiago said."
    assert ("CHLGOV", "ARG", "ACCUSE") in triples(run(nlp, coder, quoted, names))
    # the writer's own verdict, a denial, or a bad word used as a modifier is none
    assert triples(run(nlp, coder, "Paraguay's closure of the bridge was unlawful.", names)) == []
    assert triples(run(nlp, coder, "Bolivia said Paraguay's closure of the bridge was not unlawful.",
                       names)) == []
    assert triples(run(nlp, coder, "Bolivia said illegal loggers from Paraguay had crossed the river.",
                       names)) == []


def test_a_bad_label_given_with_as_or_naming_its_doer_is_a_criticism(nlp, coder):
    names = {"Bolivia": "BOL", "Paraguay": "PRY", "Paraguayan": "PRY", "Chile": "CHL", "Peru": "PER"}
    assert triples(run(nlp, coder, "Bolivia described the Paraguayan drills as reckless.", names)) == [
        ("BOL", "PRY", "ACCUSE")]
    assert triples(run(nlp, coder, "Chile described Peru's border closure as a provocation.", names)) == [
        ("CHL", "PER", "ACCUSE")]
    # the verdict noun's own "by" phrase names the doer when the subject does not
    assert triples(run(nlp, coder, "“This is a grave provocation by Paraguay,” Bolivia said.", names)) == [
        ("BOL", "PRY", "ACCUSE")]
    # a good label is none
    assert triples(run(nlp, coder, "Bolivia described the Paraguayan offer as generous.", names)) == []


def test_a_reported_verb_of_wrongdoing_is_the_speakers_criticism_beside_the_act(nlp, coder):
    names = {"Bolivia": "BOL", "Paraguay": "PRY", "Chile": "CHL", "Peru": "PER"}
    assert ("BOL", "PRY", "ACCUSE") in triples(run(
        nlp, coder, "Bolivia said Paraguay is openly flouting the river treaty.", names))
    assert triples(run(nlp, coder, "Chile said Peru's decision undermines the trade pact.", names)) == [
        ("CHL", "PER", "ACCUSE")]
    # the verb's own pattern still codes the act itself ("violated the truce": a ceasefire breach)
    found = triples(run(nlp, coder, "Paraguay violated the truce with Chile, Bolivia said.", names))
    assert ("BOL", "PRY", "ACCUSE") in found and ("PRY", "CHL", "ASSAULT") in found
    # no speaker (the writer's own words), a speaker judging itself, or a denial: no criticism
    assert "ACCUSE" not in {t[2] for t in triples(run(nlp, coder, "Paraguay undermined the trade pact.", names))}
    assert triples(run(nlp, coder, "Peru said it had breached no rule.", names)) == []
    assert triples(run(nlp, coder, "Chile said Peru is not undermining the pact.", names)) == []


def test_a_retaliation_still_to_come_is_a_threat_and_a_past_one_no_event_of_its_own(nlp, coder):
    names = {"Bolivia": "BOL", "Paraguay": "PRY", "Chile": "CHL", "Peru": "PER", "Peruvian": "PER"}
    assert triples(run(nlp, coder, "Bolivia said it could retaliate against Paraguay.", names)) == [
        ("BOL", "PRY", "THREATEN")]
    # the party of the condition is the one the retaliation answers
    assert triples(run(nlp, coder, "Peru said it would retaliate if Chile closed the port.", names)) == [
        ("PER", "CHL", "THREATEN")]
    # or the party its instrument hits; with nobody named, nobody is threatened
    assert triples(run(nlp, coder, "Chile hinted it might retaliate with duties on Peruvian fruit.", names)) == [
        ("CHL", "PER", "THREATEN")]
    assert triples(run(nlp, coder, "Bolivia said it would retaliate with force.", names)) == []
    assert triples(run(nlp, coder, "Bolivia retaliated against Paraguay last week.", names)) == []
    assert triples(run(nlp, coder, "Bolivia said it would not retaliate against Paraguay.", names)) == []


def test_vowing_revenge_or_warning_of_consequences_threatens_whoever_they_would_hit(nlp, coder):
    names = {"Bolivia": "BOL", "Paraguay": "PRY", "Paraguayan": "PRY", "Chile": "CHL", "Peru": "PER"}
    assert triples(run(nlp, coder, "Bolivia vowed revenge for the Paraguayan raid.", names)) == [
        ("BOL", "PRY", "THREATEN")]
    # the party of the condition is the one warned
    assert triples(run(nlp, coder, "Chile warned of grave consequences if Peru moves troops to the border.",
                       names)) == [("CHL", "PER", "THREATEN")]
    assert triples(run(nlp, coder, "Peru said it would take countermeasures against Chile.", names)) == [
        ("PER", "CHL", "THREATEN")]
    # countermeasures already taken are coded by what they were; a warning aimed at nobody named is none
    assert triples(run(nlp, coder, "Peru took countermeasures against Chile on Monday.", names)) == []
    # an attack made in retaliation is the attack
    assert triples(run(nlp, coder, "Peru carried out an attack on Chile in retaliation for the raid.", names)) == [
        ("PER", "CHL", "ASSAULT")]
    assert triples(run(nlp, coder, "Bolivia warned of grave consequences.", names)) == []


def test_an_appeal_still_to_come_is_no_threat(nlp, coder):
    names = {"Bolivia": "BOL", "Paraguay": "PRY", "Chile": "CHL"}
    found = triples(run(nlp, coder, "Bolivia said it would urge Paraguay to reconsider the tariff.", names))
    assert "THREATEN" not in {t[2] for t in found}
    # a harm still to come is one
    assert ("BOL", "PRY", "THREATEN") in triples(run(
        nlp, coder, "Bolivia said it would impose sanctions on Paraguay.", names))


def test_an_ultimatum_threatens_the_party_whose_act_is_its_condition(nlp, coder):
    names = {"Bolivia": "BOL", "Bolivian": "BOL", "Paraguay": "PRY", "Peru": "PER", "Chile": "CHL"}
    found = triples(run(nlp, coder, "The Bolivian opposition said it will boycott the vote unless the Bolivian "
                                    "president resigns.", names))
    assert ("BOL", "BOL", "THREATEN") in found and ("BOL", None, "THREATEN") not in found
    # a promise with a condition is no threat against the condition's doer
    assert "THREATEN" not in {t[2] for t in triples(run(
        nlp, coder, "Peru said it will send food aid if Chile asks for it.", names))}


def test_facing_charges_or_a_trial_is_being_accused_by_whoever_brings_them(nlp, coder):
    names = {"Bolivian": "BOL", "Paraguay": "PRY", "Chilean": "CHL", "Chile": "CHL", "Peruvian": "PER"}
    # the subject undergoes the charge: the court's country, or those bringing it, accuse it
    assert triples(run(nlp, coder, "Two Bolivian pilots are facing smuggling charges in Paraguay.", names)) == [
        ("PRY", "BOL", "ACCUSE")]
    assert triples(run(nlp, coder, "A Peruvian banker faces charges brought by Chilean prosecutors.", names)) == [
        ("CHL", "PER", "ACCUSE")]
    # with no court or prosecutor named, the accused's own country tries it
    assert triples(run(nlp, coder, "The Chilean general is on trial for corruption.", names)) == [
        ("CHL", "CHL", "ACCUSE")]
    assert triples(run(nlp, coder, "The Bolivian firm is under investigation in Chile.", names)) == [
        ("CHL", "BOL", "ACCUSE")]
    # a charge still to come is no threat by the accused; facing a problem is no charge
    assert triples(run(nlp, coder, "The Peruvian banker will face trial next year.", names)) == []
    assert triples(run(nlp, coder, "The Bolivian government faces a budget crisis.", names)) == []


def test_talks_after_which_the_subject_acts_were_held_by_the_subject(nlp, coder):
    names = {"Quito": "ECUGOV", "Lima": "PERGOV", "the Kenyan press": "KENMED", "Nairobi": "KENGOV"}
    coded = triples(run(nlp, coder, "After a meeting with Lima on Monday, Quito told the Kenyan press "
                        "that trade would grow.", names))
    assert ("ECUGOV", "PERGOV", "CONSULT") in coded and ("PERGOV", "ECUGOV", "CONSULT") in coded
    assert not [t for t in coded if "KENMED" in t]  # told of the talks afterwards: no party to them
    # a one-sided act before the clause is not the subject's own
    coded = triples(run(nlp, coder, "After an attack on Lima, Quito closed its embassy.", names))
    assert ("ECUGOV", "PERGOV", "ASSAULT") not in coded


def test_signing_and_fighting_need_a_counterparty(nlp, coder):
    """Signing a domestic act or "fighting" with no opponent named (a figure of
    speech, a campaign against a problem) is no dyadic event; partners who sign
    together are each other's counterparty, and a vow to fight is a threat
    whoever it is against."""
    names = {"Peru": "PER", "Chile": "CHL", "Peruvian rebels": "PERREB", "Bolivia": "BOL"}
    assert triples(run(nlp, coder, "Peru signed a sweeping declaration on the new electoral calendar.",
                       names)) == []
    assert triples(run(nlp, coder, "Peru and Chile signed a fisheries accord in Lima.", names)) == [
        ("CHL", "PER", "SUPPORT"), ("PER", "CHL", "SUPPORT")]
    assert triples(run(nlp, coder, "Peru signed a fisheries accord with Chile on Monday.", names)) == [
        ("PER", "CHL", "SUPPORT")]  # the counterparty named in the object's phrase
    assert triples(run(nlp, coder, "Bolivia is still fighting hard, its finance minister said.", names)) == []
    assert ("BOL", "PERREB", "ASSAULT") in triples(run(nlp, coder, "Bolivia fought Peruvian rebels near the border.",
                                                       names))
    events = run(nlp, coder, "Peruvian rebels vowed to fight until the capital falls.", names)
    assert [(e.source.code, e.plover) for e in events if e.plover == "THREATEN"] == [("PERREB", "THREATEN")]


def test_unnamed_rescuers_of_a_countrys_people_are_its_own(nlp, coder):
    """With no doer named, those who evacuate or rescue a country's people are
    taken to be its own; other agent-less acts keep no source."""
    names = {"Kenyan nurses": "KENCVL", "Chilean students": "CHLEDU", "Sudan": "SDN"}
    assert triples(run(nlp, coder, "Twelve Chilean students were arrested on Sunday.", names)) == [
        (None, "CHLEDU", "COERCE")]
    assert triples(run(nlp, coder, "Forty Kenyan nurses were evacuated from Sudan.", names)) == [
        ("KEN", "KENCVL", "AID")]


def test_a_denied_charge_was_made_against_its_denier(nlp, coder):
    """"Y rejected X's allegations": a denial says the charge was made, and made
    against Y, so its owner accused Y (before: the denial is the news); an owned
    charge "against" someone names its target. A charge nobody owns accuses no one."""
    names = {"Uruguay": "URY", "Bolivia": "BOL", "Quito": "ECUGOV", "Lima": "PERGOV"}
    events = run(nlp, coder, "Uruguay on Friday rejected Bolivia's allegation that its navy had entered the lake.",
                 names)
    # the charge was made before: recalled (background), the denial is the news
    assert [(e.source.code, e.target.code, e.plover, e.modality) for e in events if e.plover == "ACCUSE"] == [
        ("BOL", "URY", "ACCUSE", "background")]
    assert ("PERGOV", "ECUGOV", "ACCUSE") in triples(run(
        nlp, coder, "Quito dismissed the accusations made by Lima as groundless.", names), counted_only=False)
    assert triples(run(nlp, coder, "Quito's accusations against Lima went unanswered.", names)) == [
        ("ECUGOV", "PERGOV", "ACCUSE")]
    assert triples(run(nlp, coder, "Uruguay denied the allegations on Friday.", names)) == []


def test_regretting_anothers_decision_is_disapproval_of_its_doer(nlp, coder):
    """"X regrets Y's decision" disapproves of Y (ACCUSE); a regret about no one
    else ("the loss of life", "its own mistakes", a "that" clause) names no target."""
    names = {"Uruguay": "URY", "Bolivia": "BOL"}
    assert triples(run(nlp, coder, "Uruguay regretted Bolivia's decision to close the port.", names)) == [
        ("URY", "BOL", "ACCUSE")]
    assert triples(run(nlp, coder, "Uruguay regrets the decision of Bolivia to leave the talks.", names)) == [
        ("URY", "BOL", "ACCUSE")]
    assert triples(run(nlp, coder, "Uruguay regrets the loss of life.", names)) == []


def test_a_subject_the_parser_hangs_on_the_auxiliary_is_the_verbs(nlp, coder):
    """"Y is “blatantly” defying Z": the quoted adverb makes the parser attach Y to "is";
    Y is still the doer, not the speaker the clause falls back to."""
    names = {"Bolivia": "BOL", "Paraguay": "PRY", "the river commission": "IGOXYZ"}
    coded = triples(run(nlp, coder, "Bolivia said Paraguay is “blatantly” defying the river commission.", names))
    assert ("PRY", "IGOXYZ", "REJECT") in coded and ("BOL", "IGOXYZ", "REJECT") not in coded


def test_people_freed_by_no_one_named_give_no_release(nlp, coder):
    """A release by the captors and a rescue read alike in an agent-less passive."""
    names = {"Ghanaian fishermen": "GHA", "rebels": "NGAREB", "Ghana": "GHA"}
    events = run(nlp, coder, "Twelve Ghanaian fishermen were freed on Tuesday.", names)
    assert "RETREAT" not in [e.plover for e in events]
    events = run(nlp, coder, "Twelve Ghanaian fishermen were freed by the rebels on Tuesday.", names)
    assert triples(events) == [("NGAREB", "GHA", "RETREAT")]
    events = run(nlp, coder, "The rebels freed twelve Ghanaian fishermen on Tuesday.", names)
    assert triples(events) == [("NGAREB", "GHA", "RETREAT")]


def test_a_survey_released_by_someone_frees_no_one(nlp, coder):
    """A subject beside a "by" agent is what a passive acts on, however the parser
    labels it: a study or a report is published, not set free."""
    names = {"Global Reading": "ROU", "Chilean": "CHL", "Peruvian Trust": "PER"}
    text = ("Chilean pupils ranked last, according to a new survey, The Global Reading Study (GRS), "
            "released this month by the Peruvian Trust.")
    assert "RETREAT" not in [e.plover for e in run(nlp, coder, text, names)]


def test_a_thing_named_again_points_to_its_owner(nlp, coder):
    """"rejected the resolution" after "a resolution in the Chilean Senate": the
    reaction is aimed at the owner named with the thing's earlier mention."""
    names = {"Chilean Senate": "CHLLEG", "Peru": "PER", "Peru's foreign ministry": "PERGOV",
             "Chinese": "CHN", "Lima": "PER", "Peru's president": "PERGOV", "Bolivia": "BOL"}
    text = ("Last week, a resolution in the Chilean Senate questioned the vote count in Peru. "
            "Peru's foreign ministry rejected the resolution on Wednesday.")
    assert ("PERGOV", "CHLLEG", "REJECT") in triples(run(nlp, coder, text, names))
    text = ("A shipment of Chinese vaccines reached Lima on Monday. The vaccines will go to "
            "clinics first. Peru's president welcomed the vaccines.")
    assert ("PERGOV", "CHN", "SUPPORT") in triples(run(nlp, coder, text, names))
    # a new thing ("a vaccine") named with no owner: no target from further back
    text = ("Chinese vaccines reached Lima on Monday. Bolivia bought a vaccine too. "
            "Peru's president welcomed the vaccine.")
    assert ("PERGOV", None, "SUPPORT") in triples(run(nlp, coder, text, names))


def test_a_list_of_countries_parsed_as_an_apposition_gives_every_member(nlp, coder):
    # the parser reads Brazil as an apposition of Kenya and South Africa as Brazil's conjunct
    names = {"Kenya": "KEN", "Brazil": "BRA", "South Africa": "ZAF", "Peru": "PER"}
    events = run(nlp, coder, "Panel members Kenya, Brazil and South Africa also criticised Peru.", names)
    assert triples(events) == [("BRA", "PER", "ACCUSE"), ("KEN", "PER", "ACCUSE"), ("ZAF", "PER", "ACCUSE")]


def test_a_phrase_of_time_is_no_object_of_a_light_verb(nlp, coder):
    names = {"Iranian tanker": "IRN", "Chinese": "CHN", "Peru": "PER", "Chile": "CHL"}
    events = run(nlp, coder, "During the trip, the Iranian tanker made a stop at a Chinese port.", names)
    assert "CONSULT" not in [e.plover for e in events]
    events = run(nlp, coder, "Peru made a visit to Chile on Monday.", names)
    assert triples(events) == [("PER", "CHL", "CONSULT")]


def test_a_warning_about_another_partys_doing_criticises_it(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER", "Peru's government": "PERGOV",
             "Chile's interior minister": "CHLGOV", "Chilean police": "CHLCOP"}
    events = run(nlp, coder, "Chile warned that the plans of Peru's government would split the region.", names)
    assert triples(events) == [("CHL", "PERGOV", "ACCUSE")]
    events = run(nlp, coder, "Chile warned that its plans would split the region.", names)
    assert "ACCUSE" not in [e.plover for e in events]
    events = run(nlp, coder, "Chile warned Peru that it would pay a heavy price.", names)
    assert triples(events) == [("CHL", "PER", "THREATEN")]
    events = run(nlp, coder, "Chile's interior minister warned that Chilean police will break up "
                             "rallies by Peru's government.", names)
    assert [e.plover for e in events if e.trigger == "warned"] == ["THREATEN"]


def test_concern_about_a_report_is_aimed_at_whom_it_reports_on(nlp, coder):
    names = {"Britain": "GBR", "U.N.": "IGOUNO", "Iran": "IRN", "Chile": "CHL", "Peru": "PER"}
    events = run(nlp, coder, "Britain is deeply concerned about the latest U.N. report on Iran's missile tests.", names)
    assert triples(events) == [("GBR", "IRN", "ACCUSE")]
    # rejecting a report is rejecting its author's claim, not what it is about
    events = run(nlp, coder, "Chile rejected the U.N. report on Peru's elections.", names)
    assert ("CHL", "PER", "REJECT") not in triples(events)


def test_a_joint_act_with_no_partner_states_no_intention(nlp, coder):
    names = {"Peru": "PER", "Chile": "CHL"}
    assert ("PER", "CHL", "AGREE") in triples(run(nlp, coder, "Peru said it would hold talks with Chile.", names))
    assert "AGREE" not in [e.plover for e in run(nlp, coder, "Peru said it would invest in schools.", names)]
    events = run(nlp, coder, "Peru said it did not want to talk about the worst case.", names)
    assert "REJECT" not in [e.plover for e in events]
    events = run(nlp, coder, "Peruvian rebels have sworn to fight until they control the valley.",
                 {"Peruvian rebels": "PERREB"})
    assert "THREATEN" in [e.plover for e in events]  # a conflictual act needs no partner


def test_an_act_that_names_its_doer_is_criticised_as_the_doers(nlp, coder):
    """"the expulsion of X by Y": the "of" phrase is what was done to, the
    "by" phrase who did it; criticism of the act targets the doer alone."""
    names = {"Chile": "CHL", "Bolivia": "BOL", "Peruvian diplomats": "PERGOV"}
    events = run(nlp, coder, "Chile criticized the expulsion of Peruvian diplomats by Bolivia.", names)
    assert triples(events) == [("CHL", "BOL", "ACCUSE")]
    events = run(nlp, coder, "Chile criticized the expulsion of Peruvian diplomats.", names)
    assert triples(events) == [("CHL", "PERGOV", "ACCUSE")]  # no doer named: the phrase's actor


def test_telling_someone_to_act_is_an_order_but_telling_them_that_is_speech(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER", "Peruvian president": "PERGOV"}
    assert triples(run(nlp, coder, "The Peruvian president told Chile to withdraw its ambassador.", names)) \
        == [("PERGOV", "CHL", "REQUEST")]
    said = triples(run(nlp, coder, "The Peruvian president told Chile that talks would resume soon.", names))
    assert not [t for t in said if t[2] == "REQUEST"]


def test_support_named_by_a_noun_needs_its_doer_named_as_the_giver(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER", "Brazil": "BRA", "Norway": "NOR"}
    found = triples(run(nlp, coder, "The motion passed on Monday with support from Chile and Peru.", names))
    assert found == [("CHL", None, "SUPPORT"), ("PER", None, "SUPPORT")]
    # an owner's support describes a stance held, not an act of the news
    assert triples(run(nlp, coder, "Chile's support for Peru worries Brazil.", names)) == []


def test_unnamed_officials_in_several_countries_are_one_party_each(nlp, coder):
    # a country-less "officials" takes every country of its place phrase, also through
    # a role phrase that names no actor ("in charge of trade in X, Y and Z")
    names = {"Brazil": "BRA", "Chile": "CHL", "Peru": "PER", "Norway": "NOR", "officials": "---GOV"}
    for text in ("Norway's trade minister met with officials in Brazil, Chile and Peru.",
                 "Norway's trade minister met with officials in charge of fisheries in Brazil, Chile and Peru."):
        found = triples(run(nlp, coder, text, names))
        for code in ("BRAGOV", "CHLGOV", "PERGOV"):
            assert ("NOR", code, "CONSULT") in found and (code, "NOR", "CONSULT") in found


def test_renewing_a_call_for_an_act_is_an_appeal_not_a_phone_call(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER"}
    assert triples(run(nlp, coder, "Chile renewed its call for Peru to halt the dam.", names)) == [
        ("CHL", "PER", "REQUEST")]
    assert triples(run(nlp, coder, "Chile held a call with Peru.", names)) == [
        ("CHL", "PER", "CONSULT"), ("PER", "CHL", "CONSULT")]


def test_asking_someone_whether_is_a_question_not_a_request(nlp, coder):
    names = {"Chilean prosecutor": "CHLJUD", "Peru's envoy": "PERGOV"}
    assert triples(run(nlp, coder, "The Chilean prosecutor asked Peru's envoy if he agreed with the charges.",
                       names)) == []
    assert triples(run(nlp, coder, "The Chilean prosecutor asked Peru's envoy to testify.", names)) == [
        ("CHLJUD", "PERGOV", "REQUEST")]


def test_criticism_a_verb_only_receives_is_made_by_its_from_agent(nlp, coder):
    """"Y's plan drew criticism from X", "met with objections from X": X criticises
    Y (the receiving verb's subject or its owner); a subject naming no actor leaves
    the target open; criticism nobody receives ("amid criticism") is no act."""
    names = {"Uruguay": "URY", "Bolivia": "BOL", "Bolivian": "BOL", "Paraguay": "PRY"}
    assert triples(run(nlp, coder, "Bolivia's new tariff drew sharp criticism from Uruguay.", names)) == [
        ("URY", "BOL", "ACCUSE")]
    assert ("URY", "BOL", "ACCUSE") in triples(run(
        nlp, coder, "The Bolivian decision sparked condemnation from Uruguay and Paraguay.", names))
    assert ("URY", None, "ACCUSE") in triples(run(
        nlp, coder, "The draft met with objections from Uruguay.", names))
    assert "ACCUSE" not in {t[2] for t in triples(run(
        nlp, coder, "Amid criticism from Uruguay, Bolivia closed the border.", names))}


def test_what_a_prosecutor_says_another_did_is_a_charge(nlp, coder):
    """"Prosecutors said Y paid the smugglers": a charge against Y (ACCUSE);
    the same words from anyone else are a report, not a charge."""
    names = {"Chilean prosecutors": "CHLJUD", "Peru's navy": "PERMIL", "Chile": "CHL"}
    assert ("CHLJUD", "PERMIL", "ACCUSE") in triples(run(
        nlp, coder, "Chilean prosecutors said Peru's navy had paid the smugglers.", names))
    assert "ACCUSE" not in {t[2] for t in triples(run(
        nlp, coder, "Chile said Peru's navy had paid the smugglers.", names))}


def test_a_speaker_who_says_another_was_behind_a_harmful_act_blames_it(nlp, coder):
    """"X said Y was behind / responsible for the attack", "X said the attack was
    orchestrated by Y": X blames Y (ACCUSE); responsibility for a task, or a place
    behind a line, blames no one."""
    names = {"Bolivia": "BOL", "Paraguay": "PRY", "Paraguayan rebels": "PRYREB"}
    for text in ("Bolivia said Paraguay was behind the bombing.",
                 "Bolivia said Paraguay was responsible for the killings.",
                 "Bolivia said Paraguay was complicit in the raid."):
        assert ("BOL", "PRY", "ACCUSE") in triples(run(nlp, coder, text, names)), text
    assert ("BOL", "PRYREB", "ACCUSE") in triples(run(
        nlp, coder, "Bolivia said the raid was orchestrated by Paraguayan rebels.", names))
    for text in ("Bolivia said Paraguay was responsible for border security.",
                 "Bolivia said Paraguay's troops were behind the river."):
        assert "ACCUSE" not in {t[2] for t in triples(run(nlp, coder, text, names))}, text


def test_an_obligation_to_understand_is_a_warning_not_a_demand(nlp, coder):
    """"Y must understand that ...", in X's words, demands no act of Y (no
    REQUEST); "Y must stop ..." does."""
    names = {"Bolivia's foreign minister": "BOLGOV", "Paraguayan lawmakers": "PRYLEG"}
    assert "REQUEST" not in {t[2] for t in triples(run(
        nlp, coder, "\"Paraguayan lawmakers must understand that threats will not work,\" "
        "Bolivia's foreign minister said.", names))}
    assert ("BOLGOV", "PRYLEG", "REQUEST") in triples(run(
        nlp, coder, "\"Paraguayan lawmakers must stop these threats,\" Bolivia's foreign minister said.", names))


def test_a_quoted_command_is_the_speakers_demand_of_the_countries_it_names(nlp, coder):
    """"Get the smugglers out of Y and Z," X said: X's REQUEST of Y and of Z (as "Y
    must Z"); a command naming no country, one that only points at an example, or
    one nobody is quoted saying, is no demand."""
    from dyadwatch.coding.quotes import QuoteExtractor

    names = {"Accra": "GHAGOV", "Togo": "TGO", "Benin": "BEN"}

    def coded(text):
        article = Article(id="c" * 40, text=text, date=ANCHOR)
        doc = nlp(text)
        quoted = QuoteExtractor.from_package().direct_speakers(doc, article)
        return triples(coder.code(doc, article, HandActors(names).code(doc, article), quoted))

    found = coded('"This is a grave problem," Accra said on Monday. "Get the smugglers out of Togo and Benin."')
    assert ("GHAGOV", "TGO", "REQUEST") in found and ("GHAGOV", "BEN", "REQUEST") in found
    for text in ('"Take Togo, for example," Accra said.', '"Bring the jobs home," Accra said.',
                 "Get the smugglers out of Togo."):
        assert "REQUEST" not in {t[2] for t in coded(text)}, text


def test_a_bad_label_parsed_as_a_second_object_or_a_trailing_adjective_is_a_criticism(nlp, coder):
    """"X called Y's launch a provocation", "X called Y's move dangerous": the parser
    often hangs the label on the object; it criticises Y as "called the move
    reckless" does. A pre-nominal adjective is no label ("called the dangerous
    move a success" names none of the bad words after the object)."""
    names = {"Bolivia": "BOL", "Paraguay": "PRY"}
    for text in ("Bolivia called Paraguay's launch a provocation.", "Bolivia called Paraguay's move dangerous."):
        assert ("BOL", "PRY", "ACCUSE") in triples(run(nlp, coder, text, names)), text
    assert "ACCUSE" not in {t[2] for t in triples(run(
        nlp, coder, "Bolivia called Paraguay's dangerous rescue a success.", names))}


def test_calling_anothers_claims_false_rejects_them_and_accuses_their_author(nlp, coder):
    """"X called Y's claims baseless": X rejects the claims (REJECT) and accuses Y
    of lying (ACCUSE), two readings of the same words; a bad label on a plan is only
    the criticism."""
    names = {"Bolivia": "BOL", "Paraguay": "PRY"}
    found = triples(run(nlp, coder, "Bolivia called Paraguay's claims \"baseless\" on Monday.", names))
    assert ("BOL", "PRY", "REJECT") in found and ("BOL", "PRY", "ACCUSE") in found
    assert triples(run(nlp, coder, "Bolivia called Paraguay's plan reckless.", names)) == [("BOL", "PRY", "ACCUSE")]


def test_domestic_critics_who_name_no_target_criticise_their_own_authorities(nlp, coder):
    """"Opposition lawmakers denounced the extension": a country's own critics
    (opposition, rights groups, civil society) naming no target criticise its
    authorities; a government naming none keeps no target."""
    names = {"Bolivian opposition lawmakers": "BOLOPP", "Bolivian rights groups": "BOLHRI", "Bolivia": "BOL"}
    assert triples(run(nlp, coder, "Bolivian opposition lawmakers denounced the extension.", names)) == [
        ("BOLOPP", "BOLGOV", "ACCUSE")]
    assert ("BOLHRI", "BOLGOV", "ACCUSE") in triples(run(
        nlp, coder, "The move drew criticism from Bolivian rights groups.", names))
    assert triples(run(nlp, coder, "Bolivia condemned the violence.", names)) == [("BOL", None, "ACCUSE")]


def test_concern_over_an_act_done_to_people_is_aimed_at_where_it_was_done(nlp, coder):
    names = {"India": "IND", "Israel": "ISR", "Eritrean migrants": "ERI", "Eritrean activists": "ERIOPP",
             "Chilean troops": "CHLMIL", "Bolivia": "BOL", "Peru": "PER"}
    text = "India voiced alarm at the mass deportation of Eritrean migrants in Israel."
    assert triples(run(nlp, coder, text, names)) == [("IND", "ISR", "ACCUSE")]
    text = "India voiced alarm at the expulsion of Eritrean activists from Israel."
    assert triples(run(nlp, coder, text, names)) == [("IND", "ISR", "ACCUSE")]
    # a state's own forces are no undergoers: their deployment is their state's act
    text = "Peru voiced concern over the deployment of Chilean troops in Bolivia."
    assert ("PER", "CHLMIL", "ACCUSE") in triples(run(nlp, coder, text, names))


def test_a_plural_head_shared_by_a_list_of_countries_names_each(nlp, coder):
    names = {"trade ministers of Chile": "CHLGOV", "Peru": "PER", "Bolivia": "BOL"}
    text = "The trade ministers of Chile, Peru and Bolivia met in Lima on Monday."
    assert {(s, t) for s, t, p in triples(run(nlp, coder, text, names)) if p == "CONSULT"} == {
        ("CHLGOV", "PERGOV"), ("PERGOV", "CHLGOV"), ("CHLGOV", "BOLGOV"), ("BOLGOV", "CHLGOV"),
        ("PERGOV", "BOLGOV"), ("BOLGOV", "PERGOV")}


def test_a_second_verb_of_the_same_subject_lends_no_target_to_the_first(nlp, coder):
    names = {"Peru": "PER", "Chile": "CHL", "Chilean": "CHL"}
    text = "Peru voiced concern over the drought in the Andes and told Chile that it would help."
    assert ("PER", "CHL", "ACCUSE") not in triples(run(nlp, coder, text, names))
    # with no object of its own the first verb shares the second's
    text = "Peru denounced and rejected the Chilean plan."
    assert ("PER", "CHL", "ACCUSE") in triples(run(nlp, coder, text, names))
    # nor when a preposition waits for the object of the next verb
    text = "Peru has restored trade ties with and reopened a consulate in Chile."
    assert ("PER", "CHL", "SUPPORT") in triples(run(nlp, coder, text, names))


def test_the_first_visit_since_a_year_is_news_with_its_target_on_the_visitor(nlp, coder):
    names = {"Chilean foreign minister": "CHLGOV", "Lima": "PERGOV"}
    # the parse hangs "to Lima" on the visitor; "since 2019" is the wait before this visit
    text = "It was the first visit by a Chilean foreign minister to Lima since 2019."
    assert triples(run(nlp, coder, text, names)) == [("CHLGOV", "PERGOV", "CONSULT")]


def test_a_dateline_and_a_dek_do_not_push_the_lead_out_of_reach(nlp, coder):
    names = {"Chilean": "CHL", "Peruvian": "PER"}
    text = ("Border talks will ease tension in the Andes, says a Peruvian envoy\n\nSANTIAGO:\n\n"
            "Chilean and Peruvian diplomats held talks on the border dispute, according to the "
            "Chilean Foreign Ministry on Monday\n\nThe talks lasted six hours, the ministry said.")
    events = run(nlp, coder, text, names)
    assert {(e.date, e.date_source) for e in events if e.plover == "CONSULT"} == {(dt.date(2024, 3, 4), "lead")}


def test_cooperation_stepped_up_by_several_is_between_them(nlp, coder):
    names = {"Chile": "CHL", "Peru": "PER", "Bolivia": "BOL"}
    text = "Chile and Peru have intensified security cooperation."
    assert triples(run(nlp, coder, text, names)) == [("CHL", "PER", "COOPERATE"), ("PER", "CHL", "COOPERATE")]
    # one doer with a partner named: only the doer's act
    text = "Bolivia's cooperation with Peru on water has deepened, Chile said."
    assert ("PER", "BOL", "COOPERATE") not in triples(run(nlp, coder, text, names))
