"""The per-document children index (coding/tree.py) answers as spaCy does."""

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
