"""Who is speaking: resolve a quotation's attribution to a person named in the article.

Uses the capitalized-sequence analysis of ``analysis.evidence.actors`` but only around the places that
matter (the speaker's name and the text just before a quotation), which keeps quotation
extraction fast: "Sheinbaum" -> the full name given elsewhere in the article ("Claudia
Sheinbaum"), else the known-people table; a pronoun -> the last person named before the quote.

    >>> resolve_speaker("Sheinbaum", 40, "President Claudia Sheinbaum spoke. Sheinbaum said no.")
    'Claudia Sheinbaum'
"""
from __future__ import annotations

from bisect import bisect_right

from analysis.evidence.actors import (
    PARTICLES,
    POSSESSIVE,
    analyse_sequence,
    canonical_person,
    last_title,
    lexicon,
    trim_tokens,
)


def resolve_speaker(name: str, pos: int, doc: str, memo: dict[str, list[tuple[int, str]]] | None = None) -> str:
    """Return the canonical person for a speaker name written at ``pos`` of ``doc`` (titles stripped).

    >>> resolve_speaker("Sheinbaum", 40, "President Claudia Sheinbaum spoke. Sheinbaum said no.")
    'Claudia Sheinbaum'
    """
    lex = lexicon()
    toks = trim_tokens(POSSESSIVE.sub("", name.replace("\xa0", " ")).split(" "), lex)
    ts, te = last_title(toks, lex)
    if ts >= 0 and te < len(toks):
        toks = toks[te:]
    if not toks:
        return name
    text = " ".join(toks)
    if text in lex.known_orgs or any(t in lex.org_words for t in toks):
        return text
    if len(toks) > 1:
        return canonical_person(toks)
    return full_name(doc, text, pos, memo) or text


def _full_names(doc: str, short: str) -> list[tuple[int, str]]:
    """Return (offset, canonical) for each occurrence of ``short`` preceded by a fuller name."""
    lex = lexicon()
    out: list[tuple[int, str]] = []
    n = len(short)
    i = doc.find(short)
    while i >= 0:
        if not ((i > 0 and doc[i - 1].isalnum()) or doc[i + n:i + n + 1].isalnum()):
            toks = doc[max(0, i - 80):i].split(" ")[:-1] if doc[i - 1:i] == " " else []
            k = len(toks)
            while k > 0 and len(toks) - k < 6 and (toks[k - 1][:1].isupper() or toks[k - 1] in PARTICLES):
                k -= 1
            if k < len(toks):
                for kind, ptoks, _t in analyse_sequence(" ".join(toks[k:] + [short]), lex):
                    if kind == "person" and " ".join(ptoks).endswith(short):
                        out.append((i, canonical_person(ptoks)))
                        break
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


def last_person(doc: str, pos: int, skip: list[tuple[int, int]] = (),  # type: ignore[assignment]
                memo: dict[str, list[tuple[int, str]]] | None = None, floor: int = 0) -> str | None:
    """Return the canonical name of the last person named in ``doc[floor:pos]`` (outside ``skip`` spans).

    >>> last_person("Noem went on X. Later, she wrote it.", 23)
    'Kristi Noem'
    """
    lex = lexicon()
    skip_starts = [a for a, _ in skip]
    memo = {} if memo is None else memo
    hi = pos
    while hi > floor:
        lo = max(floor, hi - 400)
        found: str | None = None
        for m in lex.sequence.finditer(doc, lo, hi):
            j = bisect_right(skip_starts, m.start()) - 1
            if j >= 0 and m.start() < skip[j][1]:
                continue
            for kind, toks, titled in analyse_sequence(m.group(0), lex):
                if kind == "person":
                    found = canonical_person(toks)
                elif kind == "single":
                    name = " ".join(toks)
                    full = full_name(doc, name, m.start(), memo)
                    if full is None and (titled or lex.verbs.match(doc, m.end())):
                        full = name
                    found = full or found
        if found is not None:
            return found
        hi = lo
    return None
