"""Which tokens of a document can trigger an event pattern, found once per
document from the Doc's arrays.

Why: the event coder looked at every token of every sentence twice (verb
patterns, then noun patterns), making a spaCy Token object and reading its
lemma and tag each time; on 300-word articles that was a third of the event
stage. `TriggerKeys.of` reads the lemma and tag ids of the whole document in
one array, turns each distinct id into a string once, and keeps only the
tokens some pattern is indexed under: the coder makes Token objects for
those alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class TriggerKeys:
    """Token index -> the key it has in a pattern index, for the tokens that
    have one: `verbs` as `lemma_key` gives it, `nouns` the lowercased lemma;
    with the document's (lemma, tag, lowercase form) id rows, for `words`."""

    verbs: dict[int, str]
    nouns: dict[int, str]
    rows: list[list[int]]
    lowered: dict[int, str]  # lemma or form id -> lowercased string
    strings: object  # the vocab's StringStore

    @classmethod
    def of(cls, doc, verbs: Mapping[str, object], nouns: Mapping[str, object]) -> "TriggerKeys":
        strings = doc.vocab.strings
        lowered: dict[int, str] = {}  # lemma id -> lowercased lemma
        verbal: dict[int, bool] = {}  # tag id -> a verb tag (VB*)
        verb_keys: dict[int, str] = {}
        noun_keys: dict[int, str] = {}
        rows = doc.to_array(["LEMMA", "TAG", "LOWER"]).tolist()
        for i, (lemma_id, tag_id, _) in enumerate(rows):
            lemma = lowered.get(lemma_id)
            if lemma is None:
                lemma = lowered[lemma_id] = strings[lemma_id].lower()
            if lemma in nouns:
                noun_keys[i] = lemma
            if lemma in verbs:
                verb_keys[i] = lemma
                continue
            is_verb = verbal.get(tag_id)
            if is_verb is None:
                is_verb = verbal[tag_id] = strings[tag_id].startswith("VB")
            if is_verb:
                key = lemma_key(doc[i], verbs)
                if key in verbs:
                    verb_keys[i] = key
        return cls(verb_keys, noun_keys, rows, lowered, strings)

    def words(self, start: int, end: int) -> set[str]:
        """The lowercased lemmas and forms of tokens start..end (a sentence): a
        pattern needing an object, subject or particle none of them is cannot fit
        any word there, and is rejected before its trigger's dependents are read.
        (A form's id is turned into its string once per document.)"""
        lowered, strings = self.lowered, self.strings
        found = set()
        for lemma_id, _, form_id in self.rows[start:end]:
            found.add(lowered[lemma_id])
            form = lowered.get(form_id)
            found.add(form if form is not None else lowered.setdefault(form_id, strings[form_id]))
        return found


def lemma_key(tok, index: Mapping[str, object]) -> str:
    """The token's lemma, or when spaCy's lemmatizer got an inflected verb wrong
    ("staged" -> "stag"), the first regular de-inflection of the word that the
    pattern index knows."""
    lemma = tok.lemma_.lower()
    if lemma in index or not tok.tag_.startswith("VB"):
        return lemma
    word = tok.lower_
    candidates = [word]
    for suffix, repl in (("ied", "y"), ("ies", "y"), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
                         ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + repl
            candidates.append(stem)
            if repl == "" and len(stem) > 3 and stem[-1] == stem[-2]:
                candidates.append(stem[:-1])  # "shelled" -> "shell" is fine, "planned" -> "plan"
    return next((c for c in candidates if c in index), lemma)
