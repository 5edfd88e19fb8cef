"""The per-document children, conjuncts and sentence tables (coding/tree.py) answer as spaCy does."""

from dyadwatch.coding import tree


def test_children_are_spacy_children_in_order(nlp):
    doc = nlp("The envoy, who arrived on Monday, said the two ministers would meet again "
              "in the spring and sign a fisheries accord.\n\nTalks ended late.")
    for tok in doc:
        assert tree.children(tok) == tuple(tok.children)
    tree.release(doc)
    assert not doc.user_data


def test_an_empty_document_has_no_children(nlp):
    doc = nlp("")
    assert [tree.children(t) for t in doc] == []
    tree.release(doc)


def test_conjuncts_and_sentences_are_spacy_ones(nlp):
    doc = nlp("Rebels seized the port, the airport and two bridges, and troops shelled the hills "
              "and the coast road. Did the mayor flee?\n\nMarkets, banks and schools stayed shut.")
    for tok in doc:
        assert tree.conjuncts(tok) == tok.conjuncts
        assert tree.sentence_start(tok) == tok.sent.start
        assert tree.sentence(tok) == tok.sent
        assert tree.sentence_bounds(tok) == (tok.sent.start, tok.sent.end)
    tree.release(doc)
    assert not doc.user_data


def test_heads_are_spacy_heads(nlp):
    doc = nlp("Once the ferry docked, the crew, tired and cold, walked to the harbour office. It was shut.")
    assert tree.heads(doc) == [tok.head.i for tok in doc]
    assert tree.heads(nlp("")) == []
    tree.release(doc)
    assert not doc.user_data


def test_labels_and_paths_are_spacy_ones(nlp):
    doc = nlp("Whether the harbour board will reopen the pier, which storms wrecked, is unclear. "
              "Fishermen asked if repairs had begun.")
    assert tree.labels(doc) == [tok.dep_ for tok in doc]
    for tok in doc:
        assert tree.path(tok) == [tok.i, *(a.i for a in tok.ancestors)]
    assert tree.labels(nlp("")) == []
    tree.release(doc)
    assert not doc.user_data


def test_trigger_keys_give_each_sentence_its_lemmas_and_forms(nlp):
    from dyadwatch.coding.triggers import TriggerKeys

    doc = nlp("The Ministers Met in Oslo and Signed a Treaty. Talks resumed on Friday.")
    keys = TriggerKeys.of(doc, {"meet": (), "sign": ()}, {"talk": ()})
    for sent in doc.sents:
        expected = {t.lemma_.lower() for t in sent} | {t.lower_ for t in sent}
        assert keys.words(sent.start, sent.end) == expected
    assert keys.words(0, 0) == set()
