"""Direct and indirect quotations with their speakers, linked to events.

Analysts read event data for *what was said and by whom*. This stage finds
quotations in an article, attributes each to a speaker mention that the actor
coder already found (so a quoted "he" gets the actor of his antecedent), and
links every event whose trigger lies inside a quotation to it, both ways.

Rules (each one is a decision; the tests pin them):

Direct quotes
  * Marks: straight ``"`` and curly/typographic double quotes (“ ” „ « »).
    Single quotes (‘ ’ ') never delimit a quotation: in English copy they are
    apostrophes or quotes nested inside a double-quoted one, and a nested
    quote is simply part of the outer quotation's text.
  * A straight ``"`` opens or closes by its neighbours: after a space and
    before a letter it opens; after a letter and before a space or punctuation
    it closes. A closing mark with nothing open is ignored; an opening mark
    while a quote is open ends the open one there (its closing mark is lost).
  * Paragraphs are separated by blank lines (or by single line breaks when the
    text has no blank line). A quote still open at the end of a paragraph
    continues into the next paragraph when that paragraph opens with a quote
    mark (the newsroom convention); otherwise it is capped at the paragraph
    end, so a missing closing mark never swallows the rest of the article.
  * One contiguous quoted span is one `Quote`, and `text` is always exactly
    ``article.text[start:end]`` (so a quote continued across paragraphs keeps
    the paragraph break and the re-opening mark; trailing commas are cut).
  * Attribution is *adjacent* only: a reporting verb (data table
    reporting_verbs.yaml) or "according to" directly after the closing mark
    ("...," Wang said / said Wang / the ministry said in a statement) or
    directly before the opening mark (Wang said: "..." / Wang told reporters,
    "..."). A quote whose text ends with a full stop takes no attribution from
    the next sentence. A quote interrupted by its attribution ("...," Wang
    said. "...") gives two quotes; the second, with no attribution of its own,
    inherits the speaker of the quote before it in the same paragraph and the
    same or next sentence (or of the quote right after it when only marks and
    spaces lie between them).
  * Scare quotes: an unattributed quoted span is a quotation (with speaker
    unknown) only when it stands alone -- it opens a sentence or paragraph --
    and has at least `min_words` words. A short label inside a sentence (the
    visit was a “peace offensive”) is not a quotation and gets no speaker.

Indirect speech
  * A reporting verb with a clausal complement (ccomp): "Hong told reporters
    that ...", "the ministry said in a statement that ...", "X said Y ...",
    "Y, the ministry said." The quote is the complement clause (without
    "that"). Negated and infinitival verbs ("too early to say whether") are
    not speech.
  * "according to X": the quote is the clause around the phrase, without it.
  * Speaker: the verb's subject; for "adding that" / "and added that" the
    subject of the verb they hang on; for relative clauses ("Wang, who said")
    the noun the clause modifies; for "Xinhua quoted Wang as saying" the
    object of "quoted".

Overlaps (quotes never overlap, so an event links to at most one quote):
  * a direct quote with its own adjacent attribution wins over the indirect
    reading of the same verb ("Wang said: '...'");
  * a direct quote that is the whole complement of an indirect one ("Wang said
    that '...'") stays direct and takes that speaker; a quoted fragment inside
    reported speech is part of the indirect quote (with both its marks);
  * of nested reported speech ("Hong said Kim told him that ..."), the
    outermost is kept.

Speaker
  * `speaker_text` is the speaker phrase as written (the subject noun phrase
    up to its first comma: "Wang, the foreign minister," -> "Wang");
    `speaker` is the Actor of the actor coder's Mention covering that phrase
    (see `QuoteContext.mention_for` for the preference order). No mention ->
    `speaker` None; no speaker phrase -> both None. Nothing is ever guessed:
    a pronoun the actor coder did not resolve stays `speaker_text` "he" with
    `speaker` None.

Cost: one regex-free pass over the characters for marks, one pass over the
tokens for reporting verbs, bounded windows around each mark; no regular
expression that can backtrack.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy

from . import tree
from ..config import data_path
from .nlp import doc_text
from .quote_context import (QuoteContext, is_infinitive, link_events, member, negated,
                            speaker_phrase, trim_tokens)
from .quote_spans import (CLOSERS, OPENERS, QUOTE_MARKS, STRAIGHT, Attribution, QuoteSpan,
                          resolve_overlaps, rtrim, scan_marks, standalone, word_count)
from ..types import Article, Event, Mention, Quote


#: Dependency labels that may lie between a reporting verb and the opening
#: mark of the quote it introduces ("told reporters:", "said on Tuesday,").
#: Clausal labels are absent on purpose: "Wang said the drills were a
#: “peace offensive”" must not make the label Wang's quotation.
_CLIMB_DEPS = frozenset({"prep", "pobj", "dobj", "dative", "npadvmod", "advmod", "prt", "agent"})
#: Where `direct_speakers` leaves the direct quotes it found for `extract` (`Doc.user_data`;
#: they point back at the Doc: `extract` takes them, and `Pipeline.code_doc` drops the rest).
_DOC_DIRECT = "dyadwatch.quotes.direct"
def quote_id(article_id: str, start: int, end: int) -> str:
    """Deterministic quote id: sha1 of "article_id|start|end", 16 hex digits."""
    return hashlib.sha1(f"{article_id}|{start}|{end}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class QuoteExtractor:
    """Finds quotations; holds the reporting-verb table it was loaded with.

    Frozen and stateless between calls, so one instance is shared by every
    document and every worker.
    """

    verbs: frozenset[str]
    particle_verbs: frozenset[tuple[str, str]] = frozenset()
    source_phrases: frozenset[tuple[str, str]] = frozenset({("according", "to")})
    #: Unattributed quoted spans shorter than this are labels, not quotations.
    #: Four words keeps "Peace is not negotiable." and drops “peace offensive”.
    min_words: int = 4
    #: Bound on the tokens inspected around a quote mark for its attribution.
    window: int = 40

    @classmethod
    def from_package(cls) -> "QuoteExtractor":
        """The extractor with the shipped data/reporting_verbs.yaml, prebuilt (prebuilt.py)."""
        from ..prebuilt import cached

        return cached("quotes", lambda: cls.from_file(data_path("reporting_verbs.yaml")))

    @classmethod
    def from_file(cls, path: str | Path, **options: int) -> "QuoteExtractor":
        """Load a reporting-verb table (see the header of the shipped one)."""
        from ..schemas import ReportingVerbs
        from ..tables import load_yaml

        table = load_yaml(path, ReportingVerbs)
        single: set[str] = set()
        particle: set[tuple[str, str]] = set()
        for entry in table.verbs:
            words = entry.lower().split()
            if len(words) == 1:
                single.add(words[0])
            else:
                particle.add((words[0], words[1]))
        phrases = {tuple(entry.lower().split()) for entry in table.source_phrases or []}
        return cls(verbs=frozenset(single), particle_verbs=frozenset(particle),
                   source_phrases=frozenset(phrases), **options)

    # ------------------------------------------------------------------ API

    def extract(self, doc, article: Article, mentions: Sequence[Mention],
                events: Sequence[Event]) -> tuple[tuple[Quote, ...], dict[str, str]]:
        """Quotes of one parsed article (each with the ids of the events inside
        it), and the id of the quote each such event is in, by event id.

        `doc` is the spaCy Doc of `article.text` (offsets are shared);
        `mentions` come from the actor coder, with coreference resolved.
        """
        text = doc_text(doc, article)
        if not text.strip():
            return (), {}
        ctx, direct = doc.user_data.pop(_DOC_DIRECT, None) or (None, None)
        if ctx is None or ctx.text != text:  # not asked by the event stage before (or another text)
            ctx = QuoteContext(doc, text)
            direct = self._direct_spans(ctx)
        ctx.add_mentions(mentions)
        indirect = self._indirect_spans(ctx)
        spans = resolve_overlaps(direct, indirect, text)
        quotes = [self._to_quote(ctx, article.id, s) for s in spans]
        return link_events(quotes, events)

    def direct_speakers(self, doc, article: Article) -> tuple[tuple[int, int, int], ...]:
        """(start, end, speaker's head token) of every attributed direct quote, for
        the event coder: inside a quote, "we" is the speaker and "Y must Z" is the
        speaker's demand, though the attribution stands sentences away ("...
        They must leave," the minister said). Only the marks and attributions are
        read (no indirect speech, no mentions), so this costs a fraction of `extract`.
        The spans found are kept on the Doc for `extract`, which takes them
        from there (the marks were scanned and attributed twice per document)."""
        text = doc_text(doc, article)
        if not text.strip():
            return ()
        ctx = QuoteContext(doc, text)
        spans = self._direct_spans(ctx)
        doc.user_data[_DOC_DIRECT] = (ctx, spans)
        return tuple((s.start, s.end, s.attribution.speaker_head) for s in spans
                     if not s.label and s.attribution is not None and s.attribution.speaker_head is not None)

    # -------------------------------------------------------- direct quotes

    def _direct_spans(self, ctx: "QuoteContext") -> list[QuoteSpan]:
        """Scan the marks, attribute each span, inherit along chains, flag labels."""
        text = ctx.text
        spans = [QuoteSpan(start=s, end=e, kind="direct", open_mark=o, close_mark=c)
                 for o, c, s, e in scan_marks(text, ctx.paragraphs)]
        for span in spans:
            span.attribution = self._before_attribution(ctx, span) or self._after_attribution(ctx, span)
        for prev, cur in zip(spans, spans[1:]):  # forward: "...," Wang said. "..."
            if cur.attribution is None and prev.attribution is not None and standalone(text, cur.open_mark) \
                    and ctx.paragraph_of(prev.end) == ctx.paragraph_of(cur.start) \
                    and ctx.sentence_of(cur.start) <= ctx.sentence_of(max(prev.end - 1, prev.start)) + 1:
                cur.attribution = dataclasses.replace(prev.attribution, own=False)
        for cur, nxt in zip(reversed(spans[:-1]), reversed(spans[1:])):  # backward: "..." "...," he said
            if cur.attribution is None and nxt.attribution is not None and cur.close_mark is not None \
                    and not any(ch.isalnum() for ch in text[cur.close_mark:nxt.open_mark]):
                cur.attribution = dataclasses.replace(nxt.attribution, own=False)
        for span in spans:
            span.label = span.attribution is None and not (
                standalone(text, span.open_mark) and word_count(text, span.start, span.end) >= self.min_words)
        return spans

    def _before_attribution(self, ctx: "QuoteContext", span: QuoteSpan) -> Attribution | None:
        """Wang said: "..." / Wang told reporters, "..." / he said "..."."""
        doc = ctx.doc
        i = ctx.token_before(span.open_mark)
        crossed_break = False
        colon = False
        steps = 0
        while i >= 0 and steps < self.window:
            tok = doc[i]
            if tok.is_space:
                crossed_break = crossed_break or "\n" in tok.text
            elif tok.text in (":", ",", "—", "–"):
                colon = colon or tok.text == ":"
            else:
                break
            i -= 1
            steps += 1
        if i < 0 or (crossed_break and not colon):
            return None
        tok = doc[i]
        if tok.is_punct or tok.text in QUOTE_MARKS:
            return None  # ". “", "” “": the quote opens a new sentence
        verb = self._climb_to_verb(tok)
        if verb is None:
            return None
        return self._attribution_of(verb)

    def _after_attribution(self, ctx: "QuoteContext", span: QuoteSpan) -> Attribution | None:
        """"...," Wang said / said Wang / the ministry said / according to X."""
        if span.close_mark is None:
            return None  # capped quote: whatever follows is not its attribution
        text, doc = ctx.text, ctx.doc
        if text[span.start:span.end].rstrip().endswith("."):
            return None
        i = ctx.token_after(span.close_mark + 1)
        steps = 0
        while i < len(doc) and steps < self.window:
            tok = doc[i]
            if tok.is_space and "\n" in tok.text:
                return None
            if not (tok.is_space or tok.text in (",", "—", "–") or tok.text in QUOTE_MARKS):
                break
            i += 1
            steps += 1
        if i >= len(doc) or doc[i].is_punct:
            return None
        first = doc[i]
        if self._is_reporting(first):  # "...," said Wang: only after a quote that opens a sentence
            return self._attribution_of(first) if standalone(text, span.open_mark) else None
        source = self._source_phrase(first)
        if source is not None:
            return source
        # "the ministry said": `first` must open the subject of a reporting verb.
        node = first
        for _ in range(6):
            if node.dep_ == "nsubj" and node.left_edge.i == first.i:
                verb = node.head
                if verb.i > node.i and self._is_reporting(verb) and not negated(verb) \
                        and not any(c.dep_ == "ccomp" and c.i > verb.i for c in tree.children(verb)):
                    return self._attribution_of(verb)
                return None
            if node.head == node:
                return None
            node = node.head
        return None

    def _climb_to_verb(self, tok):
        """The reporting verb `tok` belongs to through non-clausal links, if any."""
        node = tok
        for _ in range(5):
            if self._is_reporting(node):
                return node if not negated(node) else None
            if node.dep_ not in _CLIMB_DEPS or node.head == node:
                return None
            node = node.head
        return None

    # ------------------------------------------------------ indirect speech

    def _indirect_spans(self, ctx: "QuoteContext") -> list[QuoteSpan]:
        """Complement clauses of reporting verbs, and "according to" clauses."""
        doc = ctx.doc
        found: list[QuoteSpan] = []
        for tok in self._candidates(doc):
            if self._is_reporting(tok):
                if negated(tok) or is_infinitive(tok):
                    continue
                for child in tree.children(tok):
                    if child.dep_ == "ccomp":
                        end = child.right_edge.i + 1
                        for k in range(child.i + 1, end):  # "..., adding that": a speech act of its own
                            if self._is_attaching_participle(doc[k]):
                                end = doc[k].left_edge.i
                                break
                        rng = trim_tokens(doc, child.left_edge.i, end)
                        self._add_indirect(ctx, found, rng, tok, self._attribution_of(tok))
            else:
                source = self._source_phrase(tok)
                if source is not None:
                    rng = self._source_clause(doc, tok)
                    self._add_indirect(ctx, found, rng, tok, source)
        return found

    def _candidates(self, doc):
        """Tokens whose lemma or word could start a reporting construction.

        Selected on the Doc's arrays, so no Token object is built for the
        other tokens (on long documents, building them all dominates).
        """
        lemma_ids, word_ids = self._candidate_ids
        words = doc.to_array(["LEMMA", "LOWER"]).reshape(len(doc), 2)
        mask = member(words[:, 0], lemma_ids) | member(words[:, 1], word_ids)
        return (doc[int(i)] for i in numpy.flatnonzero(mask))

    @functools.cached_property
    def _candidate_ids(self) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The string ids `_candidates` selects on, sorted and distinct,
        computed once, not per document (they are hashes of the strings, the
        same in every vocab)."""
        from spacy.strings import get_string_id

        lemma_ids = {get_string_id(w) for v in self.verbs | {p for p, _ in self.particle_verbs}
                     for w in (v, v.capitalize())}
        word_ids = {get_string_id(w) for w, _ in self.source_phrases}
        return (numpy.array(sorted(lemma_ids), dtype=numpy.uint64),
                numpy.array(sorted(word_ids), dtype=numpy.uint64))

    def _add_indirect(self, ctx, found: list[QuoteSpan], rng: tuple[int, int] | None, verb_tok,
                      attribution: Attribution) -> None:
        if rng is None:
            return
        a, b = rng
        if sum(1 for t in ctx.doc[a:b] if not t.is_punct and not t.is_space) < 2:
            return
        text = ctx.text
        start, end = ctx.doc[a].idx, ctx.doc[b - 1].idx + len(ctx.doc[b - 1].text)
        end = rtrim(text, start, end)
        content = text[start:end]
        if sum(content.count(c) for c in OPENERS) > sum(content.count(c) for c in CLOSERS) \
                or content.count(STRAIGHT) % 2:
            k = end  # keep the closing mark of a quoted fragment: said it was “a ... revolution.”
            while k < min(end + 3, len(text)) and text[k] in ".,;:!?":
                k += 1
            if k < len(text) and (text[k] in CLOSERS or text[k] == STRAIGHT):
                end = k + 1
        found.append(QuoteSpan(start=start, end=end, kind="indirect", attribution=attribution,
                           verb_char=verb_tok.idx))

    def _source_clause(self, doc, according) -> tuple[int, int] | None:
        """The clause an "according to X" phrase hangs on, without the phrase."""
        head = according.head
        if head == according:
            return None
        lo, hi = head.left_edge.i, head.right_edge.i + 1
        a_lo, a_hi = according.left_edge.i, according.right_edge.i + 1
        if a_lo <= lo:
            return trim_tokens(doc, a_hi, hi)
        if a_hi >= hi or all(t.is_punct or t.is_space for t in doc[a_hi:hi]):
            return trim_tokens(doc, lo, a_lo)
        return trim_tokens(doc, lo, hi)

    # ------------------------------------------------------------ speakers

    def _is_attaching_participle(self, tok) -> bool:
        """A reporting "adding"/"warning" hung on the clause before it."""
        return tok.tag_ == "VBG" and tok.dep_ in ("advcl", "xcomp") and self._is_reporting(tok)

    def _speaker_head(self, verb, depth: int = 0):
        """The token naming who speaks through `verb`, or None."""
        for c in tree.children(verb):
            if c.dep_ == "nsubj":
                if c.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                    return verb.head  # "Wang, who said ..."
                return c
        for c in tree.children(verb):
            if c.dep_ == "agent":
                obj = next((g for g in tree.children(c) if g.dep_ == "pobj"), None)
                if obj is not None:
                    return obj
        if depth >= 3 or verb.head == verb:
            return None
        head = verb.head
        if verb.dep_ == "conj" and head.pos_ in ("VERB", "AUX"):
            return self._speaker_head(head, depth + 1)  # "said ... and added that"
        if self._is_attaching_participle(verb):
            if head.dep_ == "ccomp" and self._is_reporting(head.head):
                head = head.head  # "Han said X, adding that": the parser hangs "adding" on X
            return self._speaker_head(head, depth + 1)
        if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.lemma_ == "quote":
            quoting = head.head  # "Xinhua quoted Wang as saying"
            return next((c for c in tree.children(quoting) if c.dep_ in ("dobj", "nsubjpass")), None)
        return None

    def _is_reporting(self, tok) -> bool:
        if tok.pos_ != "VERB":
            return False
        lemma = tok.lemma_.lower()
        if lemma in self.verbs:
            return True
        return any((lemma, c.lower_) in self.particle_verbs for c in tree.children(tok) if c.dep_ == "prt")

    def _verb_name(self, tok) -> str:
        lemma = tok.lemma_.lower()
        if lemma in self.verbs:
            return lemma
        for c in tree.children(tok):
            if c.dep_ == "prt" and (lemma, c.lower_) in self.particle_verbs:
                return f"{lemma} {c.lower_}"
        return lemma

    def _source_phrase(self, tok) -> Attribution | None:
        """"according to X" starting at `tok`: the attribution to X, or None."""
        for head_word, prep in self.source_phrases:
            if tok.lower_ != head_word:
                continue
            for p in tree.children(tok):
                if p.lower_ == prep and p.dep_ == "prep":
                    obj = next((c for c in tree.children(p) if c.dep_ == "pobj"), None)
                    if obj is not None:
                        return Attribution(verb=f"{head_word} {prep}",
                                            speaker_span=speaker_phrase(obj), speaker_head=obj.i)
        return None

    def _attribution_of(self, verb) -> Attribution:
        head = self._speaker_head(verb)
        return Attribution(verb=self._verb_name(verb),
                            speaker_span=speaker_phrase(head) if head is not None else None,
                            speaker_head=head.i if head is not None else None)

    def _to_quote(self, ctx: "QuoteContext", article_id: str, span: QuoteSpan) -> Quote:
        att = span.attribution
        speaker_text = speaker = None
        verb = None
        if att is not None:
            verb = att.verb
            if att.speaker_span is not None:
                a, b = att.speaker_span
                speaker_text = ctx.span_text(a, b)
                mention = ctx.mention_for(a, b, att.speaker_head)
                speaker = mention.actor if mention is not None else None
        return Quote(
            id=quote_id(article_id, span.start, span.end), article_id=article_id,
            text=ctx.text[span.start:span.end], start=span.start, end=span.end, kind=span.kind,
            speaker_text=speaker_text, speaker=speaker, verb=verb,
            sentence_start=ctx.sentence_of(span.start),
            sentence_end=ctx.sentence_of(max(span.end - 1, span.start)),
        )


@functools.cache
def default_extractor() -> QuoteExtractor:
    """The packaged extractor, built once per process (it is immutable)."""
    return QuoteExtractor.from_package()


def extract(doc, article: Article, mentions: Sequence[Mention], events: Sequence[Event],
            extractor: QuoteExtractor | None = None) -> tuple[tuple[Quote, ...], dict[str, str]]:
    """Pipeline entry point: `QuoteExtractor.extract` with the packaged table."""
    return (extractor or default_extractor()).extract(doc, article, mentions, events)
