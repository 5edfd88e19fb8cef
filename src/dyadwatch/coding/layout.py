"""Sentence starts that page layout implies but punctuation does not show.

Scraped articles lose their line breaks: a subheading ("Rail strike ends")
is glued to the first sentence of its section ("Hours after the talks began,
the union ..."), and the parser reads the two as one sentence, whose subject
is the subheading's noun ("strike ... called off"). These starts are found
before the parser, from the tagger's tags and the words' case, and set as
sentence starts, which the parser keeps. So is the answer after a speaker
label in an interview transcript ("Lindqvist: Norway will ..."), and the
line after a blank line.
"""

from __future__ import annotations

import numpy

#: The longest subheading run looked at, in words.
MAX_HEADING = 6

#: Words that open a sentence but are never capitalised inside one (two
#: letters or more: "I" is capitalised everywhere, "A" is handled apart).
OPENERS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "on", "in", "at", "since", "after",
    "before", "during", "when", "while", "despite", "amid", "until", "although", "though",
    "because", "if", "as", "but", "however", "meanwhile", "according", "earlier", "later",
    "last", "he", "she", "it", "they", "we", "his", "her", "their", "its", "our", "there",
    "some", "many", "both", "for", "from", "with", "under", "over", "by", "even", "now", "yet",
    "instead", "what", "how", "why", "where", "who", "all", "no", "each", "every", "among",
    "about", "without", "across", "against",
})

#: Tags of a capitalised common word ("Hours", "Chinese") that opens a
#: sentence after a subheading's final noun or adjective.
_COMMON = frozenset({"NN", "NNS", "JJ"})
#: Tags of a subheading's last word: headings end in a content word.
_CONTENT = frozenset({"NN", "NNS", "NNP", "NNPS", "JJ", "VB", "VBD", "VBG", "VBN", "VBP",
                      "VBZ", "CD", "RB"})
_NOUN_END = frozenset({"NN", "NNS"})
_FINAL = frozenset({".", "!", "?"})
_CLOSERS = frozenset({'"', "”", "’", "'", ")"})


def sentence_starts(doc) -> list[int]:
    """The indices of tokens that page layout makes start a sentence: after a
    blank line (headlines, sublines, bylines and datelines of scraped articles
    have no final full stop), after a glued subheading and after a speaker
    label. The Doc's ORTH and IS_SPACE arrays are read once for all three, and
    only the tokens at those places become Token objects."""
    from spacy.attrs import IS_SPACE, ORTH

    if not len(doc):
        return []
    array = doc.to_array([ORTH, IS_SPACE])
    spaces = array[:-1, 1].nonzero()[0].tolist()
    starts = [i + 1 for i in spaces if doc[i].text.count("\n") >= 2]
    openings = _openings(doc, array, spaces)
    return starts + _glued_heading_starts(doc, openings) + _speaker_label_starts(doc, openings)


def _glued_heading_starts(doc, openings: list[int]) -> list[int]:
    """The indices of tokens that start a sentence after a glued subheading.

    A subheading is a run of two to `MAX_HEADING` words after a sentence's
    final punctuation, starting with a capital, without punctuation, ending
    in a lowercase content word; the token after it starts a sentence when it
    is capitalised although no sentence could capitalise it there: a function
    word ("On", "Since", "The"), or a common noun or adjective ("Hours",
    "Chinese") after a common noun (a verb may take a capitalised object,
    "met Chinese officials", and adjectives stack, "the former French
    minister").
    """
    starts: list[int] = []
    for i in openings:
        if i > 0 and _after_sentence_end(doc, i) and doc[i].is_alpha and doc[i].text[0].isupper():
            k = _heading_end(doc, i)
            if k is not None:
                starts.append(k)
    return starts


def _speaker_label_starts(doc, openings: list[int]) -> list[int]:
    """The indices of tokens that start a sentence after a speaker label.

    Interview transcripts put the speaker before each turn ("Lindqvist: Norway
    will not send troops."); the parser makes the label the subject of the
    answer's verb, or its root with the verb hung on it as a modifier, where
    coding drops background acts. A label is one to three capitalised words
    and a colon, at the start of the text or of a line or after a final stop,
    followed by a capitalised word or a quote: the answer starts a sentence
    (so does the story after a dateline, "LYON: Police said ...").
    """
    starts: list[int] = []
    for i in openings:
        for j in range(i + 1, min(i + 4, len(doc) - 1)):
            label = doc[j - 1]
            if not (label.is_alpha and label.text[0].isupper()) or label.whitespace_ not in ("", " "):
                break
            after = doc[j + 1]
            if doc[j].text == ":" and (after.text[0].isupper() or after.is_quote):
                starts.append(j + 1)
                break
    return starts


def _openings(doc, array, spaces: list[int]) -> list[int]:
    """Where a sentence may open: the text's first token, the token after a
    final stop (and its closing quote) and the token after a line break, from
    the ORTH column of `array` and the whitespace tokens `spaces` (the rows
    of IS_SPACE): only these become Token objects (a tenth of a text)."""
    from spacy.strings import get_string_id

    if len(doc) < 4:
        return []
    finals = numpy.array([get_string_id(p) for p in _FINAL], dtype=array.dtype)
    out = [0]
    for stop in numpy.isin(array[:-3, 0], finals).nonzero()[0].tolist():
        out.append(stop + 1 if doc[stop + 1].text not in _CLOSERS else stop + 2)
    out.extend(i + 1 for i in spaces if i < len(doc) - 3 and "\n" in doc[i].text)
    return sorted(set(out))


def is_glued_heading(sent) -> bool:
    """Whether the sentence `sent` is a subheading cut off by
    `sentence_starts`: it names the section's topic ("India backs port
    deal"), it reports no event of its own."""
    doc, start, end = sent.doc, sent.start, sent.end
    # `_heading_end` finds an end 2 to MAX_HEADING words on: a longer sentence is
    # no heading, whatever its words (asked for every sentence of every article)
    return (0 < start and 2 <= end - start <= MAX_HEADING and end < len(doc)
            and _after_sentence_end(doc, start) and _heading_end(doc, start) == end)


def _after_sentence_end(doc, i: int) -> bool:
    prev = doc[i - 1]
    if prev.text in _FINAL:
        return True
    return prev.text in _CLOSERS and i >= 2 and doc[i - 2].text in _FINAL


def _heading_end(doc, i: int) -> int | None:
    """The index of the token opening a sentence after the heading at `i`."""
    for k in range(i + 2, min(i + MAX_HEADING + 1, len(doc) - 1)):
        word, last = doc[k], doc[k - 1]
        if not (last.is_alpha or last.like_num) or "\n" in last.whitespace_:
            return None
        if not (word.is_alpha and word.text[0].isupper()) or not last.text.islower() \
                or last.tag_ not in _CONTENT:
            continue
        lower = word.text.lower()
        if word.is_title and (lower in OPENERS and (len(lower) > 1 or lower == "a")
                              or word.tag_ in _COMMON and last.tag_ in _NOUN_END
                              or _name_after_adjective(doc, i, k)):
            return k
    return None


def _name_after_adjective(doc, i: int, k: int) -> bool:
    """Does a name open a sentence after a heading that ends in an adjective ("Trade
    ties vital | Mendoza, speaking Monday, rejected ...")? A predicate
    adjective takes no name after it; one before a title does ("jailed former Prime
    Minister Ortega said", "former President Lee said"), so the name must be one word
    with a comma or a verb after it, and the heading must not open as a sentence
    does ("The") nor tell in the past tense as running text does, where headlines
    use the present ("officials blamed neighbouring Peru, accusing it ...")."""
    if doc[k - 1].tag_ != "JJ" or doc[k].tag_ != "NNP" or doc[i].text.lower() in OPENERS \
            or any(t.tag_ == "VBD" for t in doc[i:k]):
        return False
    return k + 1 < len(doc) and (doc[k + 1].text == "," or doc[k + 1].tag_ in ("VBD", "VBZ"))
