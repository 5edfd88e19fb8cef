"""The ingest process codes the pool's tasks that no worker has started
(`pipeline._gathered`), so `--workers N` runs N coding processes in all."""

from __future__ import annotations

import pickle
from concurrent.futures import Future

from dyadwatch.sources.articles import article_from_text
from dyadwatch.types import Failure
from dyadwatch.coding.pipeline import _gathered, _packed, _Task


class Coder:
    """Stands in for a Pipeline: codes a batch by naming its items."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def code_articles(self, part):
        self.batches.append(list(part))
        return [f"here:{x}" for x in part]


def pending() -> Future:
    return Future()


def running() -> Future:
    f = Future()
    assert f.set_running_or_notify_cancel()
    return f


def finished(value) -> Future:
    f = running()
    f.set_result(_packed(value))  # a worker's results come back pickled
    return f


def test_tasks_no_worker_started_are_coded_here_in_order():
    coder = Coder()
    tasks = [_Task(["a", "b"], finished(["pool:a", "pool:b"])), _Task(["c"], pending()),
             _Task(["d"], pending())]
    results, failures = _gathered(tasks, [], [], coder)
    assert results == ["pool:a", "pool:b", "here:c", "here:d"] and failures == []
    assert coder.batches == [["c"], ["d"]]  # one call per spaCy batch, as a worker does
    assert all(t.future.cancelled() for t in tasks[1:])


def test_while_a_worker_finishes_the_chunk_the_next_chunk_is_coded_here():
    coder = Coder()
    last = running()
    head = [_Task(["a"], finished(["pool:a"])), _Task(["b"], last)]
    later_started, later_free = _Task(["c"], running()), _Task(["d"], pending())
    later = [([later_started, later_free], [])]

    def worker_done(part):  # the worker ends its batch while this process codes "d"
        last.set_result(_packed(["pool:b"]))
        return [f"here:{x}" for x in part]

    coder.code_articles = worker_done
    results, _ = _gathered(head, [], later, coder)
    assert results == ["pool:a", "pool:b"]
    assert later_free.coded == ["here:d"] and not later_started.future.cancelled()


def test_nothing_of_a_later_chunk_is_taken_once_the_chunk_is_done():
    coder = Coder()
    head = [_Task(["a"], finished(["pool:a"]))]
    later = [([_Task(["b"], pending())], [])]
    assert _gathered(head, [], later, coder)[0] == ["pool:a"]
    assert coder.batches == [] and not later[0][0][0].future.cancelled()



def test_results_come_back_from_a_worker_equal(loaded_pipeline):
    """Every kind of object of a coded article (actors, mentions, events
    with places and dates, quotes) and a failure survive the wire as equal
    values of the same classes."""
    text = ("Iran's foreign minister met his Omani counterpart in Muscat on Tuesday. "
            "\"We will not accept new sanctions,\" the minister told reporters. "
            "Police in Karachi arrested 12 protesters on Monday.")
    coded = list(loaded_pipeline.code_articles([article_from_text(text, doc_id="wire")]))
    coded.append(Failure(path="in.jsonl", reason="no text", line=3, code="E132", doc_id="x"))
    back = pickle.loads(_packed(coded))
    assert back == coded and [type(x) for x in back] == [type(x) for x in coded]
    doc = back[0]
    assert doc.events and doc.mentions and doc.quotes and doc.minhash
    assert any(e.location for e in doc.events) and isinstance(back[1], Failure)
    assert type(doc.events[0].modality) is type(coded[0].events[0].modality)
