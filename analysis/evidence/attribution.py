"""Where a quotation's attribution is: the speech verb next to it and the words that say who speaks.

A speech verb (data: ``analysis/data/speech_verbs.txt``, "said", "told", "wrote", "tweeted",
participles such as "saying") is looked for after the closing mark (“…,” X said / “…,” said X),
before the opening mark (X said: “…” / X, …, writing “…”), in neighbouring sentences, and
"according to X" anywhere in the sentence. :func:`speaker_words` then picks the speaker's words
from the clause that goes with the verb:

- finite verb, subject before it: the last comma segment that is not an apposition or a relative
  clause ("Tal Zaks, chief medical officer at Moderna, said" -> "Tal Zaks"; "Bill B., the sales
  manager at Zapp, which won an exclusion, said" -> "Bill B.");
- participle ("…, writing"): the first segment of the sentence that names someone
  ("On Friday, Gillibrand echoed her sentiment on Facebook, writing" -> "Gillibrand"), except
  "…, with X saying" (X);
- inverted ("said the company’s CEO, Stéphane Bancel"): the first segment after the verb, or the
  name in apposition to it.

In the chosen segment the first person named wins, else the first organisation ("White House press
secretary Jay Carney" -> "Jay Carney", "An ABC News spokesman" -> "ABC News"); with no name, a
pronoun or the description itself ("the company", "a senior administration official"). An
organisation's unnamed officials, sources or aides ("one White House official") stay a
description: the text names no one. A lone capitalized word that the article also writes in lower
case and never gives as part of a full name ("Agents recounted", "sent agents") is not a name, and
a capitalized speech verb counts only at a sentence or clause start ("Added Corker:", not "United
States").

    >>> doc = "“We will win,” Iowa Sen. Chuck Grassley, the top Republican, said."
    >>> speaker_words(doc, 15, doc.index("said"), "finite")
    Words(text='Chuck Grassley', at=25, kind='name')
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from analysis.evidence.actors import analyse_sequence, lexicon
from analysis.evidence.documents import data_lines
from analysis.evidence.gazetteer import gazetteer
from analysis.evidence.speakers import MEMO_CACHE_CHARS, full_name
from analysis.text.sentences import DocumentCache

PRONOUN_WORDS = frozenset({"he", "she", "they", "it", "He", "She", "They", "It", "I", "we", "We"})
_MODIFIED = re.compile(r"[ \xa0]+(administration|campaign|government|team)\b")
_DET = re.compile(r"(?:^|[\s(])((?:the|a|an|another|one|The|A|An|Another|One)\s.*)$", re.S)
_PRON = re.compile(r"(?<![\w’'.])(he|she|they|it|He|She|They|It|I|we|We)(?![\w’'.])")
_LEAD_JUNK = re.compile(r"^[\s,;:—–\-(]*(?:(?:and|but|as|while|so|then|also|And|But|As|While|So|Then)\s+)*")
_ROLE_WORDS = ("spokesman|spokeswoman|spokesperson|aide|adviser|advisor|lawyer|attorney|press|secretary|lobbyist|"
               "deputy|chief|of|staff|director|economist|analyst|official|representative|counsel|strategist|"
               "pollster|host|anchor|campaign|manager|senior|top|former")
_TITLE_GAP = re.compile(r"(?:[’']s?)?[ \xa0]+(?:(?:%s)[ \xa0]+){1,4}|[’']s?[ \xa0]+(?:[a-z0-9][\w\-]*[ \xa0]+){1,5}"
                        % _ROLE_WORDS)  # "Boehner spokesman Brendan Buck", "Reagan’s 1984 campaign manager Ed Rollins"
_CONTRACTION = re.compile(r"(?:We|I|They|It|You|He|She|That|There|What|Here|Let)[’'](?:re|ll|ve|d|m|s)\b")
_PARTY_TAG = re.compile(r"\((?:[RDI]|Ind)-[^()]{1,24}\)")
_SEG = re.compile(r"[,;—–]|\s-\s")
_CLAUSE_START = frozenset(".!?:;\n\"”“—–(,")
_APPOSITION = re.compile(r"[ \xa0]*(?:who|which|whose|whom|where|the|a|an|its|his|her|their|(?:[a-z][\w\-]*[ \xa0]+){1,3}(?:at|of|for))\b")
_ANONYMOUS = re.compile(r"^[ \xa0]*(?:[Oo]ne|[Aa]n?|[Tt]he|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|[Aa]nother|[Oo]ther|[Ss]enior)"
                        r"[ \xa0].*\b(?:officials?|sources?|aides?|staffers?|officers?|employees?|diplomats?)[ \xa0]*$")
_WITH = re.compile(r"[ \xa0]*with[ \xa0]")


class Words(NamedTuple):
    """The speaker's words: text, offset in the document, kind name|pronoun|description."""

    text: str
    at: int
    kind: str


def trie_pattern(words: set[str]) -> str:
    """A regular expression matching any of ``words``, factored as a trie (a space matches any run of spaces).

    >>> trie_pattern({"say", "says", "said"})
    'sa(?:id|y(?:s)?)'
    """
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:  # a word ends here: the longer ones are optional
            return "(?:" + "|".join(alts) + ")?"
        return body

    return build(trie)


@lru_cache(maxsize=1)
def verb_pattern() -> re.Pattern[str]:
    """Speech verbs as whole words, lower case or capitalized (a sentence-initial "Added Corker: …")."""
    verbs = data_lines("speech_verbs.txt")
    forms = {v for v in verbs} | {v[:1].upper() + v[1:] for v in verbs}
    return re.compile(r"(?<![\w’'\-])(?P<verb>%s)(?![\w’'\-])" % trie_pattern(forms))


class VerbHit(NamedTuple):
    """One speech verb in a document: offsets and the verb as written."""

    start: int
    end: int
    verb: str


class VerbIndex:
    """The speech verbs of one document, looked up by range (``verb_pattern`` on the range asked for).

    >>> VerbIndex("“Yes,” she said, adding: “no.”").between(0, 30)
    [VerbHit(start=11, end=15, verb='said'), VerbHit(start=17, end=23, verb='adding')]
    """

    __slots__ = ("doc", "finditer")

    def __init__(self, doc: str) -> None:
        """Remember the document (and the verb pattern's ``finditer``)."""
        self.doc = doc
        self.finditer = verb_pattern().finditer

    def _verb(self, m: re.Match[str]) -> bool:
        """False for a capitalized verb inside a run of words ("United States", "Pew Reports"): only a
        sentence or clause start ("Added Corker: …") makes a capitalized word a verb."""
        if not m.group("verb")[:1].isupper():
            return True
        before = self.doc[max(0, m.start() - 4):m.start()].rstrip(" \xa0")
        return not before or before[-1] in _CLAUSE_START

    def first(self, lo: int, hi: int) -> VerbHit | None:
        """The first verb found in ``doc[lo:hi]``, or None."""
        for m in self.finditer(self.doc, lo, hi):
            if self._verb(m):
                return VerbHit(m.start(), m.end(), m.group("verb"))
        return None

    def between(self, lo: int, hi: int) -> list[VerbHit]:
        """The verbs found in ``doc[lo:hi]``, in order."""
        doc = self.doc
        return [VerbHit(m.start(), m.end(), m.group("verb")) for m in self.finditer(doc, lo, hi)
                if doc[m.start()].islower() or self._verb(m)]


ACCORDING = re.compile(r"(?<![\w’'])(?:[Aa]ccording\s+to|[Ii]n\s+the\s+words\s+of)\s+")


def _segments(doc: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Split ``doc[lo:hi]`` at commas, semicolons, dashes and brackets -> (start, end) spans."""
    out, s = [], lo
    for m in _SEG.finditer(doc, lo, hi):
        out.append((s, m.start()))
        s = m.end()
    out.append((s, hi))
    return out


def _parenthesized(doc: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans of party-and-state tags in ``doc[lo:hi]`` ("Sen. Pat Toomey (R-Penn.)"): never the speaker."""
    return [m.span() for m in _PARTY_TAG.finditer(doc, lo, hi)]


def _names_in(doc: str, lo: int, hi: int, last: bool = True) -> tuple[Words | None, Words | None]:
    """(speaking person, first organisation or place) named in ``doc[lo:hi]``.

    Of several people the last one wins before a verb ("Boehner spokesman Brendan Buck said"),
    unless they are joined by "and" ("lawyers Derege Demissie and Susan Church": the first named);
    with ``last=False`` (after an inverted verb, a participle's subject) the first one.
    """
    lex = lexicon()
    people: list[Words] = []
    org = None
    parens = _parenthesized(doc, lo, hi) if doc.find("(", lo, hi) >= 0 else []
    for m in lex.sequence.finditer(doc, lo, hi):
        if any(a <= m.start() < b for a, b in parens):
            continue
        seq = m.group(0)
        if _CONTRACTION.match(seq):
            continue  # "We're told that …": not a name
        found = analyse_sequence(seq, lex)
        if not found and seq.count(" ") >= 2:  # "Special Operator First Class Dylan Dille"
            found = analyse_sequence(" ".join(seq.split(" ")[-2:]), lex)
        for kind, toks, _titled in found:
            text = " ".join(toks)
            at = doc.find(toks[0], m.start(), m.end())
            at = m.start() if at < 0 else at
            if kind == "single" and not _titled and not _single_name(doc, text):
                continue  # "Budget", "Agents": a capitalized word the article also writes in lower case
            if kind in ("person", "single"):
                tail = _MODIFIED.match(doc, at + len(text))
                if tail:  # "the Obama administration": an organisation, not the person
                    org = org or Words(text + " " + tail.group(1), at, "name")
                    continue
                people.append(Words(text, at, "name"))
            elif kind == "org" and " of " in text:  # "Russ Roberts of the Hoover Institution"
                head = text.split(" of ", 1)[0]
                if any(k == "person" for k, _t, _ti in analyse_sequence(head, lex)):
                    people.append(Words(head, at, "name"))
                elif org is None:
                    org = Words(text, at, "name")
            elif kind == "org" and org is None:
                org = Words(text, at, "name")
        if not people and org is None and not found:
            bare = seq.split(" ")
            whole = " ".join(t for t in bare if t not in lex.stop)
            if whole and whole in _places():
                org = Words(whole, m.start() + seq.find(whole), "name")  # "Canada responded"
    k = len(people) - 1 if last else 0
    while k > 0 and doc[people[k - 1].at + len(people[k - 1].text):people[k].at].strip() in ("and", "&", ","):
        k -= 1
    while k + 1 < len(people) and _TITLE_GAP.fullmatch(doc, people[k].at + len(people[k].text), people[k + 1].at):
        k += 1  # "Boehner spokesman Brendan Buck": the name after the title
    return (people[k] if people else None), org


_SINGLE_NAMES: DocumentCache[dict[str, bool]] = DocumentCache(lambda _doc: {}, MEMO_CACHE_CHARS)


def _single_name(doc: str, word: str) -> bool:
    """:func:`_is_single_name`, remembered per document."""
    memo = _SINGLE_NAMES[doc]
    got = memo.get(word)
    if got is None:
        got = memo[word] = _is_single_name(doc, word)
    return got


def _is_single_name(doc: str, word: str) -> bool:
    """True when a lone capitalized word can be a person: a word the document never writes in lower case,
    or one that stands for a full name or known person ("Agents collected …" / "sent agents": not a name)."""
    low = word.lower()
    if low == word or not _has_word(doc, low) or word in lexicon().known_people:
        return True
    return full_name(doc, word, len(doc)) is not None


def _has_word(doc: str, word: str) -> bool:
    """True when ``word`` occurs in ``doc`` as a whole word."""
    i, n = doc.find(word), len(word)
    while i >= 0:
        if not (i > 0 and (doc[i - 1].isalnum() or doc[i - 1] in "’'")) and not doc[i + n:i + n + 1].isalnum():
            return True
        i = doc.find(word, i + n)
    return False


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Country names (a government speaking as its country: "Canada responded")."""
    return frozenset(v[0] for v in gazetteer().values() if v is not None)


def _in_segment(doc: str, lo: int, hi: int, last: bool = True) -> Words | None:
    """The speaker words of one segment: a name, else a pronoun, else a description."""
    person, org = _names_in(doc, lo, hi, last)
    if person is not None:
        return person
    seg = doc[lo:hi]
    if org is not None:
        if _ANONYMOUS.search(seg) is None:
            return org
        return Words(seg.strip(), lo + len(seg) - len(seg.lstrip()), "description")  # "one White House official"

    prons = list(_PRON.finditer(seg))
    if prons:
        p = prons[-1]
        return Words(p.group(1), lo + p.start(1), "pronoun")
    m = _DET.search(seg)
    if m:
        text = m.group(1).strip().rstrip(",;:")
        if text.endswith(".") and text[-2:-1].islower():
            text = text[:-1]
        if text:
            return Words(text, lo + m.start(1), "description")
    return None


def speaker_words(doc: str, lo: int, hi: int, mode: str) -> Words | None:
    """The speaker's words in ``doc[lo:hi]`` for a verb used in ``mode`` finite|participle|inverted, or for a
    colon lead-in without a verb (``lead``)."""
    m = _LEAD_JUNK.match(doc, lo, hi)
    if m:
        lo = m.end()
    while hi > lo and doc[hi - 1] in " \xa0\n\t":
        hi -= 1
    if hi <= lo:
        return None
    segs = [s for s in _segments(doc, lo, hi) if doc[s[0]:s[1]].strip()]
    if not segs:
        return None
    if mode == "lead":  # "NPR's John Burnett gives an overview:": the subject, at the start of its clause
        for s, e in segs:
            person, org = _names_in(doc, s, e, last=False)
            for got in (w for w in (person, org) if w is not None):  # "NPR's John Burnett": the person
                if all(w[:1].isupper() or not w[:1].isalpha() or w in ("the", "of") for w in doc[s:got.at].split()):
                    return got  # only capitalized words before it: "The New York Times (Peter Baker):"
            if person is not None or org is not None:
                return None
        return None
    if mode == "participle":
        if len(segs) > 1 and _WITH.match(doc, segs[-1][0]):
            person, _org = _names_in(doc, *segs[-1], last=False)
            if person is not None:
                return person  # "Republicans said …, with Michigan Rep. Mike Rogers saying “…”"
        for s, e in segs:
            got = _in_segment(doc, s, e, last=False)
            if got is not None and got.kind != "description":
                return got
        return _in_segment(doc, *segs[0])
    if mode == "inverted":
        first = _in_segment(doc, *segs[0], last=False)
        if (first is None or first.kind == "description") and len(segs) > 1:
            person, _org = _names_in(doc, *segs[1], last=False)
            if person is not None:
                return person  # "said the company’s CEO, Stéphane Bancel"
        return first
    if doc[lo:hi].rstrip().endswith(",") and len(segs) > 1:
        segs = segs[:-1]  # "X, the homeowner, told": the last segment is an apposition
        while len(segs) > 1 and _APPOSITION.match(doc, segs[-1][0]):
            segs = segs[:-1]  # "Bill Brebrick, the sales manager at Zapp, which was granted …, said"
    got = _in_segment(doc, *segs[-1])
    if got is None and len(segs) > 1:
        got = _in_segment(doc, *segs[0])
    return got
