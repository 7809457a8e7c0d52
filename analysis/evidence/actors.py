"""People and organizations named in articles, from capitalized sequences and titles.

A capitalized sequence ("Homeland Security Secretary Kristi Noem") is split at its last title
(data: ``analysis/data/titles.txt``): the words after the title are a person, capitalized words
before it an organization. Sequences with an organization word (``org_words.txt``) or listed in
``known_orgs.txt`` are organizations; 2-4 plain name words are a person. Later short mentions
("Noem", "Sheinbaum") merge with the full name given in the same article; a surname never given
in full is resolved through a small table of well-known people (``known_people.csv``,
"Trump" -> "Donald Trump"). Single unresolved words count only when a title or a speech verb
marks them as a person.

    >>> [(m.kind, m.canonical) for m in doc_actors("President Claudia Sheinbaum spoke. Sheinbaum said no.")]
    [('person', 'Claudia Sheinbaum'), ('person', 'Claudia Sheinbaum')]
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

import pandas as pd

from analysis.evidence.documents import (
    FoundMention,
    SentenceLocator,
    data_lines,
    data_table,
    extract_mentions,
    extract_rows,
    themes_between,
)
from analysis.evidence.gazetteer import gazetteer, subnational
from analysis.text.theme_tags import SentenceThemeIndex

MENTION_LONG_COLUMNS: list[str] = [
    "article_id", "sentence_id", "kind", "name", "canonical", "start", "end", "themes",
]
PARTICLES = frozenset({"de", "del", "la", "van", "von", "der", "den", "bin", "al", "da", "dos", "du", "le"})
_LINKS = frozenset({"of", "the", "for"})
_SUFFIXES = frozenset({"Jr.", "Sr.", "II", "III", "IV"})
_INITIAL = re.compile(r"(?:[A-Z]\.){1,3}")
POSSESSIVE = re.compile(r"(?:[’']s|[’'])$")
_NAME_TOKEN = re.compile(r"(?:[A-ZÀ-Þ][a-zß-ÿ’'\-]*[a-zß-ÿ](?:-[A-ZÀ-Þ][a-zß-ÿ’']*[a-zß-ÿ])*|(?:[A-Z]\.){1,3}"
                         r"|(?:Mc|Mac|O[’']|De|Di|Da|Du|La|Le|Lo|Van|Von)[A-Z][a-z]+|(?:al|el|bin|ibn)-[A-Z][a-z]+)$")


class Mention(NamedTuple):
    """One actor mention: offsets in the document, kind, surface form and canonical name."""

    start: int
    end: int
    kind: str
    name: str
    canonical: str


class ActorLexicon(NamedTuple):
    """The data tables and compiled patterns of actor detection (see :func:`lexicon`)."""

    titles: frozenset[tuple[str, ...]]
    max_title: int
    stop: frozenset[str]
    org_words: frozenset[str]
    known_orgs: frozenset[str]
    known_people: dict[str, str]
    non_actors: frozenset[str]
    verbs: re.Pattern[str]
    sequence: re.Pattern[str]


@lru_cache(maxsize=1)
def lexicon() -> ActorLexicon:
    """Load the title, stopword, organization and people tables and compile the patterns."""
    titles = frozenset(tuple(t.split()) for t in data_lines("titles.txt"))
    abbrs = sorted({w[:-1] for t in titles for w in t if w.endswith(".")} | {"Jr", "Sr", "St", "Dept", "Corp", "Inc", "Co", "Ltd"})
    token = (r"(?:(?:%s)\.|(?:[A-Z]\.){1,3}(?=[ \xa0])|(?:al|el|bin|ibn)-[A-Z][\w’'\-]*\w|(?:Mc|Mac|O[’'])?[A-ZÀ-Þ][\w’'\-]*\w|[A-Z])"
             % "|".join(map(re.escape, abbrs)))
    join = r"[ \xa0](?:(?:%s)[ \xa0](?:(?:the|la)[ \xa0])?)?" % "|".join(sorted(PARTICLES | _LINKS))
    verbs = sorted(data_lines("speech_verbs.txt"), key=len, reverse=True)
    people = {row[0]: row[1] for row in data_table("known_people.csv")[1:]}
    return ActorLexicon(
        titles=titles,
        max_title=max(len(t) for t in titles),
        stop=frozenset(data_lines("name_stopwords.txt")),
        org_words=frozenset(data_lines("org_words.txt")),
        known_orgs=frozenset(data_lines("known_orgs.txt")),
        known_people=people,
        non_actors=frozenset(data_lines("non_actors.txt")),
        verbs=re.compile(r"[ \xa0]+(?:%s)\b" % "|".join(map(re.escape, verbs))),
        sequence=re.compile(r"(?<![\w.’'])(?=[A-ZÀ-Þ])%s(?:%s%s)*" % (token, join, token)),
    )


def is_place(text: str, subnational_too: bool = True) -> bool:
    """True when ``text`` is a country name, alias, demonym or ignored region, or (whole names) a US
    state or major city ("El Paso"), see places.

    >>> is_place("El Paso"), is_place("Jackson"), is_place("Mexican")
    (True, False, True)
    """
    return text in gazetteer() or (subnational_too and text in subnational())


def _split_parts(tokens: list[str]) -> list[list[str]]:
    """Split a token list after possessives ("Trump’s Homeland Security") and strip the ’s."""
    parts: list[list[str]] = [[]]
    for tok in tokens:
        bare = POSSESSIVE.sub("", tok) if not tok.endswith(".") else tok
        parts[-1].append(bare)
        if bare != tok:
            parts.append([])
    return [p for p in parts if p]


def trim_tokens(tokens: list[str], lex: ActorLexicon) -> list[str]:
    """Drop leading stopwords/links and trailing links from a token list."""
    i, j = 0, len(tokens)
    while i < j and (tokens[i] in lex.stop or tokens[i] in _LINKS or tokens[i] in PARTICLES):
        i += 1
    while j > i and (tokens[j - 1] in _LINKS or tokens[j - 1] in PARTICLES):
        j -= 1
    return tokens[i:j]


def last_title(tokens: list[str], lex: ActorLexicon) -> tuple[int, int]:
    """Return (start, end) token indexes of the last title in ``tokens``, or (-1, -1)."""
    best = (-1, -1)
    i = 0
    while i < len(tokens):
        for n in range(min(lex.max_title, len(tokens) - i), 0, -1):
            if tuple(tokens[i:i + n]) in lex.titles:
                end = i + n
                # "Secretary of Commerce Wilbur Ross": the "of X" belongs to the title
                if end + 2 < len(tokens) and tokens[end] == "of":
                    end += 2
                best = (i, end)
                i = end - 1
                break
        i += 1
    return best


def _person_tokens(tokens: list[str], lex: ActorLexicon) -> bool:
    """True when ``tokens`` look like a personal name (plain capitalized words, particles)."""
    names = [t for t in tokens if t not in PARTICLES]
    if not names or any(t in _LINKS for t in tokens):
        return False
    for t in names:
        if t in _SUFFIXES:
            continue
        if t in lex.stop or t in lex.org_words or not _NAME_TOKEN.match(t) or is_place(t, False):
            return False
        if "-" in t and any(is_place(p, False) for p in t.split("-")):
            return False
    return not is_place(" ".join(tokens))


def canonical_person(tokens: list[str]) -> str:
    """Return the canonical form of a person's name.

    Middle initials are kept, so names that differ in them stay apart ("George W. Bush", "George
    H.W. Bush"), except for a person of the known-people table ("Donald J. Trump" -> "Donald Trump");
    "Jr." stays (another person).

    >>> canonical_person(["Donald", "J.", "Trump"]), canonical_person(["George", "H.W.", "Bush"])
    ('Donald Trump', 'George H.W. Bush')
    """
    if len(tokens) > 2 and any(_INITIAL.fullmatch(t) for t in tokens[1:-1]):
        bare = " ".join([tokens[0]] + [t for t in tokens[1:] if not _INITIAL.fullmatch(t)])
        if bare in _known_full_names():
            return bare
    return " ".join(tokens)


@lru_cache(maxsize=1)
def _known_full_names() -> frozenset[str]:
    """The full names of the known-people table."""
    return frozenset(lexicon().known_people.values())


def _classify(tokens: list[str], lex: ActorLexicon) -> list[tuple[str, list[str], bool]]:
    """Classify one possessive-free token list -> [(kind, tokens, titled)], kind person|org|single."""
    raw = tokens[1:] if tokens and tokens[0] in ("The", "the") else tokens
    tokens = trim_tokens(tokens, lex)
    if len(tokens) <= 1 < len(raw) and raw[-1] in lex.org_words and all(t[:1].isupper() for t in raw):
        return [("org", raw, False)]  # "Los Angeles Times": place words before an organization word
    if not tokens:
        return []
    whole = " ".join(tokens)
    if whole in lex.non_actors:
        return []
    if whole in lex.known_orgs:
        return [("org", tokens, False)]
    ts, te = last_title(tokens, lex)
    if ts >= 0:
        out: list[tuple[str, list[str], bool]] = []
        prefix, name = trim_tokens(tokens[:ts], lex), tokens[te:]
        cut = next((i for i, t in enumerate(name) if t in ("of", "for")), 0)
        if cut >= 1 and not any(t in lex.org_words for t in name[:cut]):
            name = name[:cut]  # "Senator Charles E. Schumer of New York": the person before "of"
        if name and any(t in lex.org_words for t in name):
            return [("org", tokens[ts:], False)] if te == len(tokens) else [("org", tokens, False)]
        if prefix and not is_place(" ".join(prefix)) and (
                " ".join(prefix) in lex.known_orgs or any(t in lex.org_words for t in prefix)):
            out.append(("org", prefix, False))
        if name and len(name) <= 5 and _person_tokens(name, lex):
            out.append(("person" if len(name) > 1 else "single", name, True))
        return out
    if any(t in lex.org_words for t in tokens):
        return [("org", tokens, False)] if len(tokens) > 1 else []
    if is_place(whole):
        return []
    if len(tokens) == 1:
        tok = tokens[0]
        if "-" in tok and tok not in lex.known_people and all(p[:1].isupper() for p in tok.split("-")):
            return [("single", [p], False) for p in tok.split("-") if _person_tokens([p], lex)]
        return [("single", tokens, False)] if _person_tokens(tokens, lex) else []
    if len(tokens) <= 4 and _person_tokens(tokens, lex):
        return [("single" if len(tokens) == 2 and tokens[1] in _SUFFIXES else "person", tokens, False)]
    return []


_CACHE: dict[str, list[tuple[str, list[str], bool]]] = {}


def clear_name_cache() -> None:
    """Forget the memoized name classifications (a Dask worker does after each partition)."""
    _CACHE.clear()


def analyse_sequence(text: str, lex: ActorLexicon) -> list[tuple[str, list[str], bool]]:
    """Classify one capitalized sequence (memoized: names repeat across articles)."""
    got = _CACHE.get(text)
    if got is None:
        if len(_CACHE) > 200_000:
            _CACHE.clear()
        got = _CACHE[text] = [c for part in _split_parts(text.replace("\xa0", " ").split(" "))
                              for c in _classify(part, lex)]
    return got


def _raw_mentions(doc: str, lex: ActorLexicon) -> list[tuple[int, int, str, list[str], bool]]:
    """Find (start, end, kind, tokens, titled) candidates in document order."""
    out = []
    for m in lex.sequence.finditer(doc):
        ms = m.start()
        for kind, toks, titled in analyse_sequence(m.group(0), lex):
            start = doc.find(toks[0], ms, m.end()) if toks[0] != m.group(0)[:len(toks[0])] else ms
            start = ms if start < 0 else start
            out.append((start, start + len(" ".join(toks)), kind, toks, titled))
    return out


def _sentence_start(doc: str, pos: int) -> bool:
    """True when ``pos`` starts a sentence or paragraph (after . ! ? or a line break)."""
    before = doc[max(0, pos - 3):pos].rstrip(" \xa0“\"‘(")
    return not before or before[-1] in ".!?\n:"


def doc_actors(doc: str) -> list[Mention]:
    """Return the person and organization mentions of one document, in order, names merged."""
    lex = lexicon()
    raw = _raw_mentions(doc, lex)
    fulls = _index_fulls(raw)
    demoted = False
    for i, (start, end, kind, toks, titled) in enumerate(raw):
        if kind == "person" and not titled and _sentence_start(doc, start):
            rest = " ".join(toks[1:])
            own = canonical_person(toks)
            if rest in lex.known_people or any(full != own for _p, full in fulls.get(rest, ())):
                # "Later Carney": a sentence-initial word glued to a surname
                raw[i] = (start + len(toks[0]) + 1, end, "single", toks[1:], False)
                demoted = True
    if demoted:
        fulls = _index_fulls(raw)
    out: list[Mention] = []
    for start, end, kind, toks, titled in raw:
        surface = " ".join(toks)
        if kind == "org":
            if surface[:1].isupper():
                out.append(Mention(start, end, "org", surface, surface))
            continue
        if kind == "person":
            out.append(Mention(start, end, "person", surface, canonical_person(toks)))
            continue
        canon = resolve_surname(surface, start, fulls, lex)
        if canon is None and (titled or toks[-1] in _SUFFIXES or lex.verbs.match(doc, end)):
            canon = surface
        if canon is not None:
            out.append(Mention(start, end, "person", surface, canon))
    return out


def _index_fulls(raw: list[tuple[int, int, str, list[str], bool]]) -> dict[str, list[tuple[int, str]]]:
    """Map every name suffix of the full (2+ word) persons -> [(offset, canonical name)]."""
    fulls: dict[str, list[tuple[int, str]]] = {}
    for start, _end, kind, toks, _t in raw:
        if kind == "person":
            full = canonical_person(toks)
            names = [t for t in toks if t not in _SUFFIXES]
            if len(names) < len(toks):  # "Donald Trump Jr." is not who a later "Trump" means
                for key in {full, " ".join([names[-1]] + [t for t in toks if t in _SUFFIXES])}:
                    fulls.setdefault(key, []).append((start, full))
                continue
            for i in range(len(names)):
                fulls.setdefault(" ".join(names[i:]), []).append((start, full))
            if "-" in names[-1] and names[-1].split("-", 1)[0] in PARTICLES:  # "al-Abadi" -> "Abadi"
                fulls.setdefault(names[-1].split("-", 1)[1], []).append((start, full))
    return fulls


def resolve_surname(name: str, pos: int, fulls: dict[str, list[tuple[int, str]]],
                    lex: ActorLexicon | None = None) -> str | None:
    """Resolve a short name to the nearest preceding full name sharing it, else the known-people table."""
    cands = fulls.get(name)
    if cands:
        before = [full for p, full in cands if p <= pos]
        return before[-1] if before else cands[0][1]
    return (lex or lexicon()).known_people.get(name)


def _actor_row(aid: str, doc: str, m: Mention, loc: SentenceLocator, index: SentenceThemeIndex) -> dict[str, Any]:
    """The table row of one person or organisation mention."""
    sid = loc.sid(m.start)
    return {"article_id": aid, "sentence_id": sid, "kind": m.kind, "name": m.name, "canonical": m.canonical,
            "start": m.start, "end": m.end, "themes": themes_between(index, aid, sid, sid)}


def actor_mentions(articles: pd.DataFrame, hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per person/organization mention (MENTION_LONG_COLUMNS), with the sentence's themes."""
    return extract_rows(articles, hits, doc_actors, _actor_row, MENTION_LONG_COLUMNS,
                        {"article_id": "string", "sentence_id": "int64", "kind": "string", "name": "string",
                         "canonical": "string", "start": "int64", "end": "int64"})


def actors(articles: pd.DataFrame, hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """People and organizations per article (MENTION_COLUMNS, kind person|org) with mention counts.

    >>> df = pd.DataFrame({"article_id": ["a"], "title": [""],
    ...                    "text": ["Homeland Security Secretary Kristi Noem arrived. Noem spoke."]})
    >>> actors(df, hits=pd.DataFrame())[["kind", "canonical", "count"]].values.tolist()
    [['person', 'Kristi Noem', 2], ['org', 'Homeland Security', 1]]
    """
    return extract_mentions(articles, hits, _actor_mentions)


def _actor_mentions(doc: str) -> Iterator[FoundMention]:
    """(start, kind, surface form, canonical name, no country) of each actor mention in ``doc``."""
    for m in doc_actors(doc):
        yield m.start, m.kind, m.name, m.canonical, None


DOMINANT = 0.9  # share of a surname's mentions one full name needs to take the short form across the corpus


def canonical_names(names: pd.Series, kinds: pd.Series | None = None, counts: pd.Series | None = None) -> dict[str, str]:
    """Map person names to one canonical name per actor across the corpus, where that is unambiguous.

    Within an article, variants are merged already ("Mr. Trump", "President Trump" -> the article's
    full name). Across articles, a name of one word ("Trump", from an article that never gives the
    full name) goes to the full name ending with it when only one full name does, or when one has
    at least ``DOMINANT`` of their mentions; names that differ in initials stay apart ("George W.
    Bush", "George H.W. Bush", so a bare "Bush" stays as it is). Organisations are not merged.

    >>> names = pd.Series(["Trump", "Donald Trump", "Bush", "George W. Bush", "George H.W. Bush"])
    >>> canonical_names(names)
    {'Trump': 'Donald Trump'}
    """
    kinds = kinds if kinds is not None else pd.Series(["person"] * len(names), index=names.index)
    counts = counts if counts is not None else pd.Series([1] * len(names), index=names.index)
    total: dict[str, int] = {}
    for name, kind, n in zip(names.tolist(), kinds.tolist(), counts.tolist()):
        if isinstance(name, str) and kind == "person":
            total[name] = total.get(name, 0) + int(n)
    by_last: dict[str, dict[str, int]] = {}
    for name, n in total.items():
        toks = name.split()
        if len(toks) > 1 and toks[-1] not in _SUFFIXES:
            by_last.setdefault(toks[-1], {})[name] = n
    out: dict[str, str] = {}
    for name in total:
        if " " in name or name not in by_last:
            continue
        fulls = by_last[name]
        best = max(fulls, key=lambda f: (fulls[f], f))
        if len(fulls) == 1 or fulls[best] >= DOMINANT * sum(fulls.values()):
            out[name] = best
    return out

