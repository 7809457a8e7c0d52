"""Direct quotations with their speakers, attributed by a sieve of rules in order of precision.

Quotation marks are paired per paragraph (curly “…” and straight "…", and the typos “…" and
“…’’; a paragraph that ends inside an open quotation continues into the next paragraph's opening
mark, the news convention for long quotes, else the quotation ends with its paragraph; marks of the
other kind inside a quotation are nested quotes). A quotation counts as direct speech when it has
at least four words (three for a piece of an interrupted quotation) and either ends in punctuation
inside the marks (“…,” / “….”), has an attribution next to it, or runs to eight words or more; short
scare quotes ("coordination and collaboration") and short titles inside an attribution are not
quotations.

The attribution sieve (``rule`` column, the vocabulary of the gold set in ``tests/data/quotes_gold``),
first rule that applies wins; ``analysis.evidence.attribution`` finds the speech verb and the
speaker's words next to it:

1. ``same-sentence`` -- a name in the quotation's own sentence: right after the closing mark
   (“…,” Sheinbaum said / “…,” said Sheinbaum / “…,” Noem told reporters / “…,” the White House
   said in a statement / “…” —Gov. Scott Walker; also when the sentence splitter cut after “…?”),
   before the opening mark (Sheinbaum said: “…”; "Tal Zaks, chief medical officer at Moderna, said
   that “…”"; "X told the Times that it was “…”"; "…, writing “…”"; "X fired back: “…”"); a second
   quotation of the sentence with no attribution of its own takes the first one's ("X said “A” and
   urged “B”");
2. ``according-to`` -- “…,” according to X / In the words of X, “…”;
3. ``adjacent-sentence`` -- no attribution in the sentence: the last "X said" earlier in the
   paragraph, the last sentence of the previous paragraph when the quotation opens its own, or
   the sentence right after it;
4. ``paragraph-continuation`` -- a quotation paragraph that continues the previous attributed
   quotation with no new attribution (also across interview headings and questions);
5. ``description-role`` -- a definite description resolved to the most recent actor it fits
   ("the pontiff" -> Pope Francis, "the company" -> the company named before, "the agency" -> the
   Congressional Budget Office written "the CBO"; data: ``analysis/data/roles.csv``), a spokesperson
   "for" a named organisation, "the statement" -> who "said" in the sentences just before it, else
   the speaker quoted just before;
6. ``pronoun`` -- he/she -> the nearest person of that gender named before (outside quotations),
   it/they -> a nearby organisation (``analysis.evidence.speakers.ArticleEntities``).

An attribution that names no one ("a senior administration official", "one White House official",
"I") and a quotation with no attribution get the rule ``none`` and no ``speaker``. A short piece
right after “A,” X said. is part of an interrupted quotation (“A,” X said. “B.”). ``speaker_mention`` holds the words of the
text ("Sheinbaum", "she", "the pontiff"), ``speaker`` the canonical name ("Claudia Sheinbaum";
names resolve to the article's full name with ``analysis.evidence.speakers``), ``speaker_type``
person or org. Speech verbs are data (``analysis/data/speech_verbs.txt``).

``start``/``end`` span the quotation including its marks; ``quote`` is the text inside the marks
(a trailing comma dropped); ``sentence_id`` is the sentence where it opens; ``themes`` the union of
the themes of every sentence it covers.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"article_id": ["a"], "title": [""],
    ...     "text": ["President Claudia Sheinbaum spoke. “This integration has existed for decades,” Sheinbaum said."]})
    >>> quotes(df, hits=pd.DataFrame())[["speaker", "verb", "quote", "rule"]].values.tolist()
    [['Claudia Sheinbaum', 'said', 'This integration has existed for decades', 'same-sentence']]
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any, NamedTuple

import pandas as pd

from analysis.evidence.attribution import (
    ACCORDING,
    PRONOUN_WORDS,
    VerbHit,
    VerbIndex,
    speaker_words,
    verb_pattern,
)
from analysis.evidence.documents import (
    SentenceLocator,
    extract_rows,
    themes_between,
)
from analysis.evidence.speakers import ORG, PLACE, ArticleEntities, resolve_name, voice_of
from analysis.schema import QUOTE_COLUMNS
from analysis.text.sentences import cached_paragraph_spans, sentence_starts
from analysis.text.theme_tags import SentenceThemeIndex

_MARKS = re.compile(r"[“”\"]")
_MARKS_TYPOS = re.compile(r"[“”\"]|’’|''")  # only for documents that have a doubled apostrophe
_DOCUMENTS = frozenset({"statement", "filing", "letter", "report", "release", "documents", "document", "memo",
                        "complaint", "lawsuit", "ruling", "order", "editorial", "post", "tweet", "advisory"})
_FIRST_PERSON = frozenset({"I", "we", "We"})
_DETERMINERS = frozenset({"the", "The", "this", "This"})
_SUBJECT_START = re.compile(r"[ \xa0]*(?:[A-Z]|(?:he|she|they|it|we|the|a|an)\b)")
_OPEN_ENDS = frozenset(",?!—–-…:;.")
_LEAD_IN = re.compile(r"(?:\bthat|[:,])\s*$")
_THAT = re.compile(r"(?<![\w’'])that(?![\w’'])")
MIN_WORDS = 3
SPEECH_WORDS = 4
LONG_WORDS = 8
SUBJECT_WORDS = 14  # at most this many words between a closing mark and its speech verb
THAT_WORDS = 10  # "X told the Times that it was “…”": at most this many words from the verb to the quotation
TITLE_WORDS = 6  # a quoted span this short inside an attribution is a title, not the next quotation
NEAR = 600  # how far back in its paragraph (characters) a quotation looks for "X said" in earlier sentences
RULES: tuple[str, ...] = ("same-sentence", "according-to", "adjacent-sentence", "paragraph-continuation",
                          "description-role", "pronoun", "none")


class Quote(NamedTuple):
    """A paired quotation: offsets with marks, inner text."""

    start: int
    end: int
    text: str


class Attributed(NamedTuple):
    """A quotation with its attribution: speaker (canonical), verb, rule, mention, type, mention offset."""

    quote: Quote
    speaker: str | None
    verb: str | None
    rule: str | None
    mention: str | None
    kind: str | None
    at: int


class _Found(NamedTuple):
    """An attribution found in the text: mention words, verb, mention offset, sieve stage."""

    mention: str
    verb: str
    at: int
    stage: str


def _pair_quotes(doc: str, paras: list[tuple[int, int]]) -> list[Quote]:
    """Pair quotation marks paragraph by paragraph, merging quotations continued across paragraphs.

    “…” and "…" pair, and so do the typos “…" and “…’’; a quotation still open at the end of a
    paragraph goes on in the next one when that opens with a mark, else it ends with its paragraph.
    """
    out: list[Quote] = []
    pending: tuple[int, list[str], int] | None = None  # open quotation carried from the previous paragraph
    n = len(doc)
    marks = _MARKS_TYPOS if ("’’" in doc or "''" in doc) else _MARKS
    for ps, pe in paras:
        opened: int | None = None
        curly = nested = False
        carried = pending
        pending = None
        if carried is not None and doc[ps] not in "“\"":
            out.append(Quote(carried[0], carried[2], " ".join(carried[1])))  # ends with its paragraph
            carried = None
        for m in marks.finditer(doc, ps, pe):
            ch, pos = m.group(0), m.start()
            end = m.end()
            if ch == "“" or (ch == '"' and opened is None):
                if ch == "“" and opened is not None and curly:
                    continue  # “ inside an open “…: a nested or stray mark, the quotation goes on
                opened, curly, nested = pos, ch == "“", False
                continue
            if opened is None:
                continue
            if ch == '"' and curly:
                if nested:
                    nested = False  # closes a "…" nested inside “…”
                    continue
                nxt = _MARKS.search(doc, end, pe)
                if nxt is not None and nxt.group(0) == '"':
                    nested = True  # opens a "…" nested inside “…”
                    continue
                if end < n and doc[end].isalnum() or doc[pos - 1:pos].isspace():
                    continue  # a stray mark: the curly quotation goes on
            if ch in ("’’", "''") and not curly:
                continue
            inner = doc[opened + 1:pos]
            if carried is not None and opened == ps:
                out.append(Quote(carried[0], end, " ".join(carried[1] + [inner.strip()])))
                carried = None
            else:
                out.append(Quote(opened, end, inner.strip()))
            opened = None
        if carried is not None:
            out.append(Quote(carried[0], carried[2], " ".join(carried[1])))
        if opened is not None:
            part = doc[opened + 1:pe].strip()
            if carried is not None and opened == ps:
                pending = (carried[0], carried[1] + [part], pe)
            else:
                pending = (opened, [part], pe)
    if pending is not None:
        out.append(Quote(pending[0], pending[2], " ".join(pending[1])))
    return sorted(out)


def _is_speech(q: Quote, attributed: bool, interrupted: bool = False) -> bool:
    """True when a paired quotation is direct speech rather than a scare quote or title.

    Four words at least (three for a piece of an interrupted quotation: “A,” she said, “B.”).
    """
    n = len(q.text.split(None, LONG_WORDS))  # the count capped at LONG_WORDS + 1: enough for every test below
    if n < (MIN_WORDS if interrupted else SPEECH_WORDS):
        return False
    return attributed or n >= LONG_WORDS or q.text[-1:] in ".,!?…—–-:;"


class _Spans:
    """The quotation spans of a document, for "is this offset inside a quotation" look-ups."""

    __slots__ = ("spans", "starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        """Remember the sorted spans."""
        self.spans = spans
        self.starts = [a for a, _ in spans]

    def inside(self, pos: int) -> bool:
        """True when ``pos`` lies inside a quotation (marks included)."""
        j = bisect_right(self.starts, pos) - 1
        return j >= 0 and pos < self.spans[j][1]


def _verb_attribution(doc: str, m: VerbHit, lo: int, hi: int, stage: str) -> _Found | None:
    """The attribution that goes with speech verb ``m``: subject between ``lo`` and the verb, or after it."""
    verb = m.verb
    at_start = not doc[lo:m.start].strip(" \xa0\t\n,—–-:")
    if verb.split()[0].endswith("ing") and not at_start:
        words = speaker_words(doc, lo, m.start, "participle")
    elif at_start:
        words = speaker_words(doc, m.end, hi, "inverted")
    else:
        words = speaker_words(doc, lo, m.start, "finite")
        if (words is None or words.kind == "description") and doc[lo:m.start].rstrip().endswith(","):
            after = speaker_words(doc, m.end, hi, "inverted")  # "as the plan stands, says Jean Jones, …"
            if after is not None and after.kind == "name":
                words = after
    if words is None:
        return None
    return _Found(words.text, verb.lower(), words.at, stage)


def _sentence_bounds(starts: list[int], pos: int, limit: int) -> tuple[int, int]:
    """(start, end) of the sentence containing ``pos`` (end capped at ``limit``)."""
    i = max(0, bisect_right(starts, pos) - 1)
    s = starts[i] if starts else 0
    e = starts[i + 1] if i + 1 < len(starts) else limit
    return s, min(e, limit)


def _after(doc: str, q: Quote, hi: int, verbs: VerbIndex) -> _Found | None:
    """“…,” X said / “…,” said X / “…” according to X: the verb in the rest of the quotation's sentence."""
    lo = q.end
    if q.text[-1:] not in _OPEN_ENDS and doc[lo:lo + 1] not in (",", "—", "–") and not _SUBJECT_START.match(doc, lo):
        first = lo + len(doc[lo:lo + 16]) - len(doc[lo:lo + 16].lstrip())
        near = verbs.first(first, min(hi, first + 16))
        if near is None or near.start != first:
            return None  # “fire and fury” on the regime: the sentence goes on, no attribution here
    m = ACCORDING.match(doc, lo + len(doc[lo:lo + 4]) - len(doc[lo:lo + 4].lstrip(" ,—–-")), hi)
    if m:
        words = speaker_words(doc, m.end(), hi, "inverted")
        return _Found(words.text, "according to", words.at, "according-to") if words else None
    first = verbs.first(lo, hi)
    if first is None or len(doc[lo:first.start].split(None, SUBJECT_WORDS)) > SUBJECT_WORDS:
        if doc[lo:lo + 1] in ("—", "–"):  # “…” —Gov. Scott Walker, on CNN (a byline: to the end of its line)
            stop = min(i for i in (doc.find("\n", lo), doc.find("]", lo), lo + 120) if i >= 0)
            words = speaker_words(doc, lo + 1, stop, "inverted")
            if words is not None and words.kind == "name":
                return _Found(words.text, "", words.at, "same-sentence")
        return None
    return _verb_attribution(doc, first, lo, hi, "same-sentence")


def _before(doc: str, lo: int, q: Quote, verbs: VerbIndex) -> tuple[_Found | None, bool]:
    """X said: “…” / X, …, writing “…” / According to X, “…”: (attribution, close to the opening mark)."""
    hi = q.start
    found = verbs.between(lo, hi)
    last = found[-1] if found else None
    acc = None
    for a in ACCORDING.finditer(doc, lo, hi):
        acc = a
    if acc is not None and (last is None or acc.start() > last.start):
        end = doc.find(",", acc.end(), hi)
        words = speaker_words(doc, acc.end(), end if end > 0 else hi, "inverted")
        return (_Found(words.text, "according to", words.at, "according-to") if words else None), True
    lead = doc[lo:hi].rstrip()
    if last is not None:
        gap = doc[last.end:hi]
        close = len(gap.split(None, 2)) <= 2 or lead.endswith((":", ",")) or _LEAD_IN.search(lead) is not None or (
            _THAT.search(gap) is not None and len(gap.split(None, THAT_WORDS)) <= THAT_WORDS)  # told X that it was “…”
        return _verb_attribution(doc, last, lo, hi, "same-sentence"), close
    if lead.endswith(":") and len(lead.split(None, 12)) <= 12:
        words = speaker_words(doc, lo, lo + len(lead) - 1, "lead")  # "Trump fired back: “…”"
        if words is not None:
            return _Found(words.text, "", words.at, "same-sentence"), True
    return None, False


def _last_in(doc: str, lo: int, hi: int, quoted: _Spans, starts: list[int], stage: str,
             verbs: VerbIndex) -> _Found | None:
    """The last attribution by a speech verb in ``doc[lo:hi]`` outside quotations (earlier sentences)."""
    last = None
    for m in reversed(verbs.between(lo, hi)):
        if not quoted.inside(m.start):
            last = m
            break
    if last is None:
        return None
    s, e = _sentence_bounds(starts, last.start, hi)
    s = max(s, lo)
    j = bisect_right(quoted.starts, last.start) - 1
    if j >= 0 and s <= quoted.spans[j][1] <= last.start:
        s = quoted.spans[j][1]  # “A,” X said: the subject follows the quotation
    k = bisect_right(quoted.starts, last.end)
    if k < len(quoted.starts) and quoted.starts[k] < e:
        e = quoted.starts[k]
    return _verb_attribution(doc, last, s, e, stage)


def _resolve(doc: str, f: _Found, ents: ArticleEntities, starts: list[int],
             memo: dict[str, list[tuple[int, str]]], prev: Attributed | None = None,
             said: _Found | None = None) -> tuple[str | None, str | None, str]:
    """Resolve an attribution's words -> (speaker, speaker type, rule); ``prev`` is the last attributed quotation,
    ``said`` the last "X said" before the attribution's sentence (who "the statement" is from)."""
    mention = f.mention.replace("\xa0", " ").strip()
    if not mention:
        return None, None, "none"
    if mention in PRONOUN_WORDS:
        if mention in _FIRST_PERSON:
            return None, None, "none"
        e = ents.pronoun(mention, f.at, starts)
        return (e.canonical, e.kind, "pronoun") if e else (None, None, "none")
    first = mention.split(" ", 1)[0]
    if first[:1].islower() or first in ("The", "A", "An", "One", "Another", "This"):
        org = voice_of(mention)
        if org:
            canon, _kind = resolve_name(org, f.at, doc, memo)
            return canon, ORG, "description-role"
        if first in _DETERMINERS:
            e = ents.role(mention, f.at)
            if e is not None:
                return e.canonical, e.kind, "description-role"
            words = [w.strip(",.;:") for w in mention.lower().split()[1:4]]
            if said is not None and any(w in _DOCUMENTS for w in words) and (prev is None or said.at > prev.quote.end):
                name = said.mention.split(" ", 1)[0]
                if name[:1].isupper() and name not in PRONOUN_WORDS and name not in ("The", "A", "An"):
                    canon, kind = resolve_name(said.mention, said.at, doc, memo)
                    return canon, (ORG if kind == PLACE else kind), "description-role"  # X said …. “…,” the statement said
            if prev is not None and prev.speaker is not None and any(w in _DOCUMENTS for w in words) and (
                    f.at - prev.quote.end < NEAR * 3):
                return prev.speaker, prev.kind, "description-role"  # "the statement": its author, quoted before
        return None, None, "none"
    canon, kind = resolve_name(mention, f.at, doc, memo)
    return canon, (ORG if kind == PLACE else kind), f.stage


def _heading(doc: str, ps: int, pe: int) -> bool:
    """True for a short paragraph that is a heading or an interviewer's question, not a quotation."""
    text = doc[ps:pe].strip()
    return (len(text.split()) <= 12 and text[:1] not in "“\"" and (text.endswith("?") or text[-1:] not in ".!”\"")
            and verb_pattern().search(text) is None)


def _adjacent(doc: str, q: Quote, paras: list[tuple[int, int]], first: int, s0: int, quoted: _Spans,
              starts: list[int], prev: Attributed | None, verbs: VerbIndex) -> tuple[_Found | None, bool]:
    """An attribution outside the quotation's sentence -> (found, continue the previous quotation)."""
    ps, pe = paras[first]
    after_prev = prev.quote.end if prev is not None else -1
    if s0 > ps:
        found = _last_in(doc, max(ps, s0 - NEAR), s0, quoted, starts, "adjacent-sentence", verbs)
        if found is not None:
            return found, False
    if first > 0 and not doc[ps:q.start].strip():
        pps, ppe = paras[first - 1]
        ls = max(pps, _sentence_bounds(starts, ppe - 1, ppe)[0])
        found = _last_in(doc, ls, ppe, quoted, starts, "adjacent-sentence", verbs)
        if found is None and doc[ls:ppe].rstrip().endswith(":"):
            words = speaker_words(doc, ls, ls + len(doc[ls:ppe].rstrip()) - 1, "lead")
            if words is not None:
                found = _Found(words.text, "", words.at, "adjacent-sentence")
        if found is not None and (after_prev < pps or found.at > after_prev):
            return found, False
        if after_prev >= pps:
            return None, True  # a quotation paragraph that goes on from the previous one
        k = first - 1
        while k > 0 and first - k <= 3 and _heading(doc, *paras[k]):
            k -= 1  # interview highlights: headings and questions between the answers
        if k < first - 1 and after_prev >= paras[k][0]:
            return None, True
    elif after_prev >= ps:
        return None, True
    ns, ne = _sentence_bounds(starts, q.end, pe)
    if ns >= q.end - 1 and ns < pe:
        m = verbs.first(ns, ne)
        if m and len(doc[ns:m.start].split(None, 6)) <= 6 and not quoted.inside(m.start):
            found = _verb_attribution(doc, m, ns, ne, "adjacent-sentence")
            if found is not None and found.mention not in PRONOUN_WORDS:
                return found, False
    return None, False


def _follows(doc: str, p: Quote, q: Quote, verbs: VerbIndex) -> bool:
    """True when ``q`` goes on from quotation ``p`` after a short attribution sentence: “A,” X said. “B.”"""
    gap = doc[p.end:q.start]
    return (len(gap) < 60 and "\n" not in gap and gap.rstrip().endswith(".") and len(gap.split(None, 8)) <= 8
            and verbs.first(p.end, q.start) is not None)


def doc_quotes(doc: str) -> list[Attributed]:
    """Return each direct quotation of one document with its attribution (see the module's sieve)."""
    if "“" not in doc and '"' not in doc:
        return []
    paras = cached_paragraph_spans(doc)
    paired = _pair_quotes(doc, paras)
    if not paired:
        return []
    starts = sentence_starts(doc)
    para_starts = [s for s, _ in paras]
    quoted = _Spans([(q.start, q.end) for q in paired])
    memo: dict[str, list[tuple[int, str]]] = {}
    ents = ArticleEntities(doc, quoted.spans, memo)
    verbs = VerbIndex(doc)
    out: list[Attributed] = []
    prev: Attributed | None = None  # the last attributed quotation
    titles: set[int] = set()
    for i, q in enumerate(paired):
        if i in titles or len(q.text.split(None, MIN_WORDS)) < MIN_WORDS:
            continue  # a scare quote: never a quotation, no attribution needed
        first = bisect_right(para_starts, q.start) - 1
        last = bisect_right(para_starts, q.end - 1) - 1
        ps, pe = paras[first][0], paras[last][1]
        s0 = max(ps, _sentence_bounds(starts, q.start, pe)[0])
        hi = min(_sentence_bounds(starts, max(q.start, q.end - 1), pe)[1], pe)
        if hi < pe and not doc[q.end:hi].strip() and q.text[-1:] in "?!":
            hi = min(_sentence_bounds(starts, hi, pe)[1], pe)  # “… we meet?” Trump posted: one sentence
        k = i + 1
        while k < len(paired) and paired[k].start < hi:
            nxt = paired[k]
            if len(nxt.text.split(None, TITLE_WORDS)) > TITLE_WORDS or verbs.first(q.end, nxt.start) is not None:
                hi = nxt.start  # the next quotation: the attribution is before it
                break
            titles.add(k)  # a short quoted title inside the attribution ("author of the book “More Guns, …”")
            k += 1
        found = _after(doc, q, hi, verbs) if hi > q.end else None
        close = found is not None
        if found is None:
            lo = s0
            if i > 0 and s0 <= paired[i - 1].end <= q.start:
                lo = paired[i - 1].end
            if lo < q.start:
                found, close = _before(doc, lo, q, verbs)
            if found is None and lo > s0 and paired[i - 1].start > s0:
                found = _before(doc, s0, paired[i - 1], verbs)[0]  # X said “A” and “B”: B is X's too
        follows = i > 0 and _follows(doc, paired[i - 1], q, verbs)
        interrupted = (i + 1 < len(paired) and paired[i + 1].start - q.end < 60 and close) or follows or (
            i > 0 and q.start - paired[i - 1].end < 60 and doc[q.start - 3:q.start].strip(" \xa0“\"") == ",")
        if not _is_speech(q, (close and found is not None) or follows, interrupted):
            continue
        cont = False
        if found is None:
            found, cont = _adjacent(doc, q, paras, first, s0, quoted, starts, prev, verbs)
        if cont and prev is not None:
            row = Attributed(q, prev.speaker, prev.verb, "paragraph-continuation", prev.mention, prev.kind, prev.at)
        elif found is not None:
            said = None
            if found.mention.startswith(("the ", "The ")) and found.at > 0 and any(
                    w.strip(",.;:") in _DOCUMENTS for w in found.mention.lower().split()[1:4]):
                ss = _sentence_bounds(starts, min(found.at, q.start), pe)[0]
                floor = prev.quote.end if prev is not None else 0
                said = _last_in(doc, max(floor, ss - NEAR), ss, quoted, starts, "adjacent-sentence", verbs)
            speaker, kind, rule = _resolve(doc, found, ents, starts, memo, prev, said)
            row = Attributed(q, speaker, found.verb or None, rule, found.mention, kind, found.at)
        else:
            row = Attributed(q, None, None, "none", None, None, -1)
        out.append(row)
        if row.mention is not None or row.rule == "paragraph-continuation":
            prev = row
    return out


def _quote_row(aid: str, doc: str, a: Attributed, loc: SentenceLocator, index: SentenceThemeIndex) -> dict[str, Any]:
    """The table row of one attributed quotation."""
    q = a.quote
    first, last = loc.sid(q.start), loc.sid(max(q.start, q.end - 1))
    text = q.text[:-1].rstrip() if q.text.endswith(",") else q.text
    return {"article_id": aid, "sentence_id": first, "speaker": a.speaker, "verb": a.verb, "quote": text,
            "start": q.start, "end": q.end, "themes": themes_between(index, aid, first, last), "rule": a.rule,
            "speaker_mention": a.mention, "speaker_type": a.kind}


def quotes(articles: pd.DataFrame, hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Direct quotations of each article (QUOTE_COLUMNS) with speaker, verb, offsets, themes and rule.

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a1"], "title": ["Tariff talks"],
    ...                      "text": ["“Any tariff will hurt us,” Sheinbaum said."]})
    >>> quotes(arts)[["speaker", "verb", "quote", "speaker_type"]].values.tolist()
    [['Claudia Sheinbaum', 'said', 'Any tariff will hurt us', 'person']]
    """
    return extract_rows(articles, hits, doc_quotes, _quote_row, QUOTE_COLUMNS,
                        {"article_id": "string", "sentence_id": "int64", "speaker": "string", "verb": "string",
                         "quote": "string", "start": "int64", "end": "int64", "rule": "string",
                         "speaker_mention": "string", "speaker_type": "string"})
