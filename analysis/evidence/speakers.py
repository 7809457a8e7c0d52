"""Who is speaking: resolve an attribution ("Sheinbaum", "she", "the pontiff") to an actor of the article.

Uses the capitalized-sequence analysis of ``analysis.evidence.actors`` but only up to the places
that matter, which keeps quotation extraction fast:

- a name -> the full name given elsewhere in the article ("Sheinbaum" -> "Claudia Sheinbaum"),
  else the known-people table; an organisation name stays as written (``resolve_name``), except an
  acronym spelled out in the article ("CBO" -> "Congressional Budget Office", ``expand_acronym``)
  and a company written short after its full name ("Amazon" -> "Amazon.com Inc.",
  ``long_company_name``);
- a pronoun -> the nearest compatible actor before it (``ArticleEntities.pronoun``): he/she a
  person of that gender (first names: the ``gender_guesser`` name dictionary; "Mr."/"Ms." in the
  text win), it/they an organisation; in an earlier sentence the leftmost (subject-like) one;
- a definite description -> the most recent actor it fits (``ArticleEntities.role``): "the
  senator" a person introduced as "Sen." or "…, the senator from …", "the company" an
  organisation whose name has a company word (data: ``analysis/data/roles.csv``).

    >>> resolve_speaker("Sheinbaum", 40, "President Claudia Sheinbaum spoke. Sheinbaum said no.")
    'Claudia Sheinbaum'
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

import gender_guesser.detector

from analysis.evidence.actors import (
    PARTICLES,
    POSSESSIVE,
    analyse_sequence,
    canonical_person,
    is_place,
    last_title,
    lexicon,
    trim_tokens,
)
from analysis.evidence.documents import data_table
from analysis.text.sentences import DocumentCache, sentence_starts

PERSON, ORG, PLACE = "person", "org", "place"
ACRONYM = "acronym"  # an all-capitals word ("CBO") that may stand for an organisation named in full
_DETERMINERS = frozenset({"the", "The", "this", "This", "that", "That"})
_CUT = frozenset({"of", "for", "from", "at", "in", "on", "who", "which", "that", "with", "and", "to", "under",
                  "over", "during", "after", "before", "since", "whose", "said", "says", "told"})
_MALE_TITLES = frozenset({"Mr.", "Mr", "Sir", "Lord", "King", "Prince", "Pope", "Father", "Rabbi", "Imam", "Sheikh"})
_FEMALE_TITLES = frozenset({"Mrs.", "Ms.", "Mrs", "Ms", "Miss", "Dame", "Queen", "Princess"})
_VOICE_OF = re.compile(r"(?:spokes\w+|representatives?|officials?|statement|press secretary|advis[eo]rs?)\s+"
                       r"(?:for|from|of|at|with)\s+(?:the\s+)?(?P<org>[A-Z][\w.&’'\-]*(?:\s+(?:of\s+|for\s+|the\s+|and\s+)*"
                       r"[A-Z][\w.&’'\-]*)*)")
_REGNAL = frozenset({"Pope", "King", "Queen", "Prince", "Princess", "Sheikh", "Ayatollah", "Emperor"})
_MODIFIED = re.compile(r"[ \xa0]+(administration|campaign|government)\b")
_ADVERBS = frozenset({"also", "later", "then", "previously", "again", "now", "still", "further", "itself", "too"})
KNOWN_GENDER_SENTENCES = 3  # he/she prefer a person of known gender in their own and the two previous sentences
ORG_PRONOUN_SENTENCES = 2  # it/they look for an organisation in their own and the two previous sentences
BACK = 1200  # how far back (characters) pronouns and descriptions look for their actor
ROLE_BACK = 6000  # an organisation description with no fitting actor within BACK looks this far back
MEMO_CACHE_CHARS = 4_000_000  # documents' characters the per-document look-ups keep (quotes reads one at a time)


class Entity(NamedTuple):
    """One actor mention found before a quotation: offsets, kind (person|org), canonical name, gender."""

    start: int
    end: int
    kind: str
    canonical: str
    gender: str | None


@lru_cache(maxsize=1)
def _detector() -> gender_guesser.detector.Detector:
    """The first-name dictionary of ``gender_guesser`` (about 45,000 names, shipped with the package)."""
    return gender_guesser.detector.Detector()


@lru_cache(maxsize=100_000)
def first_name_gender(first: str) -> str | None:
    """Return "m", "f" or None (unknown or both) for a first name.

    >>> first_name_gender("Kristi"), first_name_gender("Donald"), first_name_gender("Xi")
    ('f', 'm', None)
    """
    g = _detector().get_gender(first)
    return "m" if g in ("male", "mostly_male") else "f" if g in ("female", "mostly_female") else None


class Role(NamedTuple):
    """A role description's kind (person|org) and the compiled cue pattern."""

    kind: str
    cues: re.Pattern[str]


@lru_cache(maxsize=1)
def roles() -> dict[str, Role]:
    """Load ``roles.csv``: description -> Role (kind, cue pattern)."""
    out: dict[str, Role] = {}
    for desc, kind, cues in data_table("roles.csv")[1:]:
        alt = "|".join(re.escape(c) for c in sorted(cues.split("|"), key=len, reverse=True))
        out[desc] = Role(kind, re.compile(r"(?<![\w])(?:%s)(?![\w])" % alt))
    return out


def match_role(description: str) -> tuple[str, Role] | None:
    """Return (description key, Role) for a definite description, or None.

    >>> match_role("the Mexican president")[0], match_role("the state news agency")[0]
    ('president', 'state news agency')
    """
    words = description.replace("\xa0", " ").split()
    if not words or words[0] not in _DETERMINERS:
        return None
    head: list[str] = []
    for w in words[1:]:
        if w in _ADVERBS:
            break
        if w in _CUT or w.endswith(","):
            if w.endswith(","):
                head.append(w[:-1])
            break
        if POSSESSIVE.search(w) and not w.endswith("."):
            head = []  # "the company's chief executive": the head follows the possessive
            continue
        head.append(w)
    table = roles()
    low = [w.lower() for w in head]
    for n in range(min(3, len(low)), 0, -1):
        key = " ".join(low[-n:])
        if key in table:
            return key, table[key]
    return None


def resolve_name(name: str, pos: int, doc: str,
                 memo: dict[str, list[tuple[int, str]]] | None = None) -> tuple[str, str]:
    """Return (canonical name, kind person|org|place) for a speaker name written at ``pos`` of ``doc``.

    >>> resolve_name("the National Weather Service", 0, "")
    ('National Weather Service', 'org')
    """
    lex = lexicon()
    words = name.replace("\xa0", " ").split(" ")
    if words and words[0] in _DETERMINERS:
        words = words[1:]
    toks = trim_tokens(POSSESSIVE.sub("", " ".join(words)).split(" "), lex)
    ts, te = last_title(toks, lex)
    if ts >= 0 and te == len(toks) - 1 and toks[te - 1] in _REGNAL:
        return toks[te - 1] + " " + toks[te], PERSON  # "Pope Francis", "King Charles"
    if ts >= 0 and te < len(toks):
        toks = toks[te:]
    if not toks:
        return name, PERSON
    text = " ".join(toks)
    if _ACRONYM.fullmatch(text):
        full = expand_acronym(doc, text)
        if full is not None:
            return full, ORG  # "the CBO" -> "Congressional Budget Office"
    if text in lex.known_orgs or any(t in lex.org_words for t in toks):
        return (long_company_name(doc, text) if len(toks) == 1 else text), ORG  # "Amazon" -> "Amazon.com Inc."
    if is_place(text):
        return text, PLACE
    if len(toks) > 1:
        if first_name_gender(toks[0]) is None and not lex.known_people.get(text):
            full = full_name(doc, toks[-1], pos, memo)  # "Operator Dille" -> "Dylan Dille"
            if full is not None and full.endswith(toks[-1]) and len(full.split()) >= len(toks):
                return full, PERSON
        return canonical_person(toks), PERSON
    full = full_name(doc, text, pos, memo)
    if full is None:
        long_name = long_company_name(doc, text)
        if long_name != text:
            return long_name, ORG  # "Widget said" after "Widget Corp."
    return full or text, PERSON


_ACRONYM = re.compile(r"[A-Z]{2,6}")


@lru_cache(maxsize=4096)
def _acronym_pattern(acronym: str) -> re.Pattern[str]:
    """Capitalized words whose initials spell ``acronym``, "of"/"the"/"and"/"for" between them."""
    gap = r"[ \xa0]+(?:(?:of|the|and|for|on)[ \xa0]+)*"
    return re.compile(r"(?<![\w’'])" + gap.join(ch + r"[a-z][\w’'\-]*" for ch in acronym) + r"(?![\w’'])")


_ACRONYMS: DocumentCache[dict[str, str | None]] = DocumentCache(lambda _doc: {}, MEMO_CACHE_CHARS)


def expand_acronym(doc: str, acronym: str) -> str | None:
    """The organisation an acronym stands for, spelled out in the same document ("CBO" -> "Congressional
    Budget Office"), or None (remembered per document).

    >>> expand_acronym("The Congressional Budget Office said so. The CBO also said no.", "CBO")
    'Congressional Budget Office'
    """
    if not _ACRONYM.fullmatch(acronym):
        return None
    memo = _ACRONYMS[doc]
    if acronym not in memo:
        m = _acronym_pattern(acronym).search(doc)
        memo[acronym] = None if m is None else m.group(0).replace("\xa0", " ")
    return memo[acronym]


_COMPANY = re.compile(r"(?<![\w’'.])([A-Z][\w&’'\-]*)((?:\.com)?(?:,?[ \xa0](?:Inc\.|Corp\.|Co\.|Ltd\.|LLC|Inc|Corp|"
                      r"Corporation|Company|Group|Holdings|Technologies|Platforms|Motors))+)(?![\w’'])")


_COMPANY_MARKS = (".com", " Inc", ", Inc", " Corp", " Co.", " Ltd", " LLC", " Company", " Group", " Holdings",
                  " Technologies", " Platforms", " Motors")


def _find_company_names(doc: str) -> dict[str, str]:
    """First word -> the first company name written with a company suffix in ``doc`` ("Amazon" -> "Amazon.com Inc.")."""
    out: dict[str, str] = {}
    for mark in _COMPANY_MARKS:
        i = doc.find(mark)
        while i >= 0:
            j = i
            while j > 0 and (doc[j - 1].isalnum() or doc[j - 1] in "&-"):
                j -= 1
            m = _COMPANY.match(doc, j) if j < i and doc[j].isupper() else None
            if m is not None and m.start(2) == i:
                out.setdefault(m.group(1), m.group(0).replace("\xa0", " "))
            i = doc.find(mark, i + len(mark))
    return out


_COMPANY_NAMES: DocumentCache[dict[str, str]] = DocumentCache(_find_company_names, MEMO_CACHE_CHARS)


def long_company_name(doc: str, name: str) -> str:
    """A company's name as introduced in ``doc`` when later written short ("Amazon" -> "Amazon.com Inc.").

    >>> long_company_name("Huawei Technologies denied it. Huawei said no.", "Huawei")
    'Huawei Technologies'
    """
    return _COMPANY_NAMES[doc].get(name, name)


def resolve_speaker(name: str, pos: int, doc: str, memo: dict[str, list[tuple[int, str]]] | None = None) -> str:
    """Return the canonical person for a speaker name written at ``pos`` of ``doc`` (titles stripped).

    >>> resolve_speaker("Sheinbaum", 40, "President Claudia Sheinbaum spoke. Sheinbaum said no.")
    'Claudia Sheinbaum'
    """
    return resolve_name(name, pos, doc, memo)[0]


def voice_of(description: str) -> str | None:
    """The organisation a spokesperson-type description speaks for ("a spokeswoman for Apple" -> "Apple").

    >>> voice_of("a spokesperson for the Department of Homeland Security")
    'Department of Homeland Security'
    """
    m = _VOICE_OF.search(description)
    if not m:
        return None
    org = trim_tokens(m.group("org").split(" "), lexicon())
    return " ".join(org) or None


def _full_names(doc: str, short: str) -> list[tuple[int, str]]:
    """Return (offset, canonical) for each occurrence of ``short`` preceded by a fuller name."""
    lex = lexicon()
    out: list[tuple[int, str]] = []
    n = len(short)
    i = doc.find(short)
    while i >= 0:
        if not ((i > 0 and doc[i - 1].isalnum()) or doc[i + n:i + n + 1].isalnum()):
            word, j = short, i
            if doc[i - 1:i] == "-":  # "al-Abadi" for "Abadi"
                j = doc.rfind(" ", max(0, i - 12), i) + 1
                word = doc[j:i + n] if j > 0 else short
            if doc[j - 1:j] != " ":
                i = doc.find(short, i + n)
                continue  # nothing in front of it: no fuller name
            lo = max(0, j - 80)
            space = doc.rfind(" ", lo, j - 1)
            prev = doc[space + 1 if space >= 0 else lo:j - 1]  # the word in front (as the split below gives it)
            if not (prev[:1].isupper() or prev in PARTICLES):
                i = doc.find(short, i + n)
                continue  # a lower-case word in front: no fuller name
            toks = doc[lo:j].split(" ")[:-1]
            k = len(toks)
            while k > 0 and len(toks) - k < 6 and (toks[k - 1][:1].isupper() or toks[k - 1] in PARTICLES):
                k -= 1
            names = []  # the runs that read as a person's name, longest first
            for k2 in range(k, len(toks)):
                names += [ptoks for kind, ptoks, _t in analyse_sequence(" ".join(toks[k2:] + [word]), lex)
                          if kind == "person" and " ".join(ptoks).endswith(word)]
            if names:  # the longest that starts with a first name ("Dylan Dille", not "Class Dylan Dille")
                best = next((p for p in names if first_name_gender(p[0]) is not None), names[-1])
                out.append((i, canonical_person(best)))
        i = doc.find(short, i + n)
    return out


def full_name(doc: str, short: str, pos: int, memo: dict[str, list[tuple[int, str]]] | None = None) -> str | None:
    """Return the full name a short name ("Sheinbaum") stands for in ``doc``, nearest before ``pos``.

    Looks only at the capitalized words in front of each occurrence of ``short``; falls back to
    the known-people table. ``memo`` caches the occurrences per document.

    >>> full_name("President Claudia Sheinbaum spoke. Sheinbaum said no.", "Sheinbaum", 40)
    'Claudia Sheinbaum'
    """
    found = memo.get(short) if memo is not None else None
    if found is None:
        found = _full_names(doc, short)
        if memo is not None:
            memo[short] = found
    if found:
        before = [full for p, full in found if p <= pos]
        return before[-1] if before else found[0][1]
    return lexicon().known_people.get(short)


class ArticleEntities:
    """The actors named in one document outside quotations, scanned lazily up to where they are needed.

    >>> doc = "Mr. Lee met Ann Lopez. “It is over,” she said."
    >>> ArticleEntities(doc, [(23, 37)]).pronoun("she", 38).canonical
    'Ann Lopez'
    """

    def __init__(self, doc: str, skip: list[tuple[int, int]],
                 memo: dict[str, list[tuple[int, str]]] | None = None) -> None:
        """Remember the document, the quotation spans to skip and a full-name memo."""
        self.doc = doc
        self.skip = skip
        self.skip_starts = [a for a, _ in skip]
        self.memo = {} if memo is None else memo
        self.sentences = sentence_starts(doc) or [0]
        self.cache: dict[int, list[Entity]] = {}
        self.genders: dict[str, str] = {}

    def _quoted(self, pos: int) -> bool:
        """True when ``pos`` lies inside a quotation."""
        j = bisect_right(self.skip_starts, pos) - 1
        return j >= 0 and pos < self.skip[j][1]

    def _sentence(self, i: int) -> list[Entity]:
        """The actors named in sentence ``i`` outside quotations (cached)."""
        got = self.cache.get(i)
        if got is None:
            lo = self.sentences[i]
            hi = self.sentences[i + 1] if i + 1 < len(self.sentences) else len(self.doc)
            got = self.cache[i] = self._scan(lo, hi)
        return got

    def _scan(self, lo: int, hi: int) -> list[Entity]:
        """The actors named in ``doc[lo:hi]`` outside quotations."""
        lex, doc = lexicon(), self.doc
        out: list[Entity] = []
        for m in lex.sequence.finditer(doc, lo, hi):
            ms = m.start()
            if self._quoted(ms):
                continue
            seq = m.group(0)
            first = seq.split(" ", 1)[0]
            titled_gender = "m" if first in _MALE_TITLES else "f" if first in _FEMALE_TITLES else None
            found = analyse_sequence(seq, lex)
            if not found and _ACRONYM.fullmatch(seq):  # "the CBO": spelled out (lazily) only for a description
                out.append(Entity(ms, m.end(), ACRONYM, seq, None))
                continue
            for kind, toks, titled in found:
                start = doc.find(toks[0], ms, m.end())
                start = ms if start < 0 else start
                end = start + len(" ".join(toks))
                if kind == "org":
                    out.append(Entity(start, end, ORG, " ".join(toks), None))
                    continue
                tail = _MODIFIED.match(doc, end)
                if tail:  # "the Obama administration" is an organisation
                    out.append(Entity(start, tail.end(), ORG, " ".join(toks) + " " + tail.group(1), None))
                    continue
                before = seq[:start - ms].split()
                if kind == "person":
                    canon = canonical_person(toks)
                elif titled and len(toks) == 1 and before and before[-1] in _REGNAL:
                    canon = before[-1] + " " + toks[0]  # "Pope Francis" keeps the title
                else:
                    name = " ".join(toks)
                    canon = full_name(doc, name, start, self.memo)
                    if canon is None and (titled or lex.verbs.match(doc, end)):
                        canon = name
                    if canon is None:
                        continue
                if titled_gender and len(toks) <= 2:
                    self.genders[canon] = titled_gender
                out.append(Entity(start, end, PERSON, canon, None))
        return out

    def gender(self, e: Entity) -> str | None:
        """The gender of a person entity: a "Mr."/"Ms." seen in the text, else its first name's."""
        g = self.genders.get(e.canonical)
        if g is None and " " in e.canonical:
            g = first_name_gender(e.canonical.split(" ", 1)[0])
        return g

    def _sentences_back(self, pos: int, floor: int = 0) -> Iterator[tuple[int, list[Entity]]]:
        """(sentence index, its actors before ``pos``) from ``pos`` back to ``max(floor, pos - BACK)``, lazily."""
        lo = max(floor, pos - BACK)
        i = max(0, bisect_right(self.sentences, pos) - 1)
        while i >= 0:
            ents = self._sentence(i)
            nxt = self.sentences[i + 1] if i + 1 < len(self.sentences) else len(self.doc)
            if ents and not (lo <= self.sentences[i] and nxt <= pos):  # a whole sentence in range: no filter
                ents = [e for e in ents if lo <= e.start < pos]
            yield i, ents
            if self.sentences[i] <= lo:
                break
            i -= 1

    def before(self, pos: int, floor: int = 0) -> list[Entity]:
        """The entities that start in ``[max(floor, pos - BACK), pos)``, in document order."""
        return [e for _i, ents in reversed(list(self._sentences_back(pos, floor))) for e in ents]

    def pronoun(self, word: str, pos: int, sentence_starts: list[int] | None = None, floor: int = 0) -> Entity | None:
        """The actor a pronoun at ``pos`` refers to: nearest compatible, subject-like in earlier sentences."""
        w = word.lower()
        if w in ("he", "she"):
            want = "m" if w == "he" else "f"

            def ok(e: Entity) -> bool:
                return e.kind == PERSON and self.gender(e) in (None, want)
        elif w in ("it", "they"):
            def ok(e: Entity) -> bool:
                return e.kind == ORG
        else:
            return None
        if w in ("he", "she"):  # first a person whose first name (or "Mr."/"Ms.") says the gender
            near = islice(self._sentences_back(pos, floor), KNOWN_GENDER_SENTENCES)
            for k, (_i, ents) in enumerate(near):
                cands = [e for e in ents if e.kind == PERSON and self.gender(e) == want]
                if cands:
                    return cands[-1] if k == 0 else cands[0]
        for k, (_i, ents) in enumerate(self._sentences_back(pos, floor)):
            if w in ("it", "they") and k > ORG_PRONOUN_SENTENCES:
                break  # "they" far from any organisation is a group of people the text does not name
            cands = [e for e in ents if ok(e)]
            if cands:
                return cands[-1] if k == 0 else cands[0]  # own sentence: nearest; earlier: subject-like
        return None

    def role(self, description: str, pos: int) -> Entity | None:
        """The actor a definite description at ``pos`` refers to ("the pontiff" -> "Pope Francis")."""
        found = match_role(description)
        if found is None:
            return None
        _key, role = found
        kinds = (ORG, ACRONYM) if role.kind == ORG else (role.kind,)
        got = self._role(role, [e for e in self.before(pos) if e.kind in kinds])
        back = pos - BACK
        while got is None and role.kind == ORG and back > 0 and pos - back < ROLE_BACK:  # "the agency" far below
            got = self._role(role, [e for e in self.before(back) if e.kind in kinds])
            back -= BACK
        return got

    def _role(self, role: Role, cands: list[Entity]) -> Entity | None:
        """The most recent of ``cands`` that a role's cues fit, or None."""
        doc = self.doc
        for e in reversed(cands):
            if e.kind == ACRONYM:
                full = expand_acronym(doc, e.canonical)
                if full is not None and role.cues.search(full):
                    return e._replace(kind=ORG, canonical=full)  # "the CBO" … "the agency"
                continue
            if role.kind == ORG:
                if role.cues.search(e.canonical) or any(
                        _NAME_RUN.fullmatch(doc, m.end(), e.start)
                        for m in role.cues.finditer(doc, max(0, e.start - 40), e.start)):
                    return e  # "Apple Inc.", "the news agency Xinhua"
                continue
            for other in reversed(cands):
                if other.canonical == e.canonical and _has_cue(doc, role.cues, other):
                    return e
        return None


_NAME_RUN = re.compile(r"(?:[ \xa0]+(?:[A-Z][\w.’'\-]*|of|the))*[ \xa0]*")


def _has_cue(doc: str, cues: re.Pattern[str], e: Entity) -> bool:
    """True when a role cue is in the title run right before a mention ("Sen. Ann Lopez", "Mexican
    President Claudia Sheinbaum") or in its apposition ("Ann Lopez, the senator from Ohio,")."""
    for m in cues.finditer(doc, max(0, e.start - 60), e.start):
        if _NAME_RUN.fullmatch(doc, m.end(), e.start):
            return True
    rest = doc[e.end:e.end + 3]
    if rest.startswith((",", " (")) or rest.lstrip().startswith(("who", "the")):
        stop = min((i for i in (doc.find(",", e.end + 1, e.end + 120), doc.find(".", e.end, e.end + 120)) if i > 0),
                   default=e.end + 120)
        return cues.search(doc, e.end, stop) is not None
    return False


def last_person(doc: str, pos: int, skip: list[tuple[int, int]] = (),  # type: ignore[assignment]
                memo: dict[str, list[tuple[int, str]]] | None = None, floor: int = 0) -> str | None:
    """Return the canonical name of the last person named in ``doc[floor:pos]`` (outside ``skip`` spans).

    >>> last_person("Noem went on X. Later, she wrote it.", 23)
    'Kristi Noem'
    """
    ents = ArticleEntities(doc, list(skip), memo)
    people = [e for e in ents.before(pos, floor) if e.kind == PERSON and e.start >= floor]
    return people[-1].canonical if people else None
