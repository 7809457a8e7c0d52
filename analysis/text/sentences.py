"""Sentence boundaries: the shared unit for theme evidence, tone and quotes.

A rule-based splitter in the spirit of Punkt, tuned for news copy and fast enough to run inside
theme scoring (tens of MB/s). Paragraph breaks (blank lines) always end a sentence; inside a
paragraph a sentence ends at ``.``, ``!`` or ``?`` (plus closing quotes/brackets) followed by
whitespace and an upper-case letter, digit or opening quote -- unless the word before the period
is a known abbreviation (data: ``analysis/data/abbreviations.txt``), a single initial
("J. Smith"), or an initialism such as "U.S." followed by a word that does not usually start a
sentence ("U.S. authorities" continues; "U.S.-Mexico relations. Noem" ends).

    >>> sentence_spans("He met Sen. Smith in the U.S. on Friday. It rained.")
    [(0, 40), (41, 51)]
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from analysis import config

if TYPE_CHECKING:
    import pandas as pd

_PARA = re.compile(r"\n[ \t]*\n\s*")
# candidate end: terminal punctuation, optional closing quotes/brackets, whitespace, then a
# plausible sentence start (capital, digit, opening quote or bracket); group 1 is the whitespace
# run, so ``m.end(1)`` is where the next sentence starts
_CANDIDATE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=(\s+)[\"'“‘(\[]?[A-Z0-9À-Ý])")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,}$")
_INITIAL = re.compile(r"(?:^|[\s(\"“])[A-Z]\.$")
_NEXT_WORD = re.compile(r"\s+[\"'“‘(\[]?([A-Za-z]+)")


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    """Load (abbreviations that never end a sentence, words that usually start one)."""
    never: set[str] = set()
    starters: set[str] = set()
    target = never
    for line in (config.PACKAGE_DATA_DIR / "abbreviations.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line == "[sentence_starters]":
            target = starters
            continue
        if not line or line.startswith("#") or line.startswith("["):
            continue
        target.add(line.lower().rstrip("."))
    return frozenset(never), frozenset(starters)


def _is_boundary(text: str, end: int, dot: int) -> bool:
    """Decide whether the candidate whose terminal punctuation starts at ``dot`` ends a sentence.

    Only a period can be ambiguous; its token is the run of non-space characters before it (at
    most 40 characters back), without opening quotes/brackets.
    """
    if text[dot] != ".":
        return True
    token = text[max(0, dot - 40):dot + 1].rsplit(None, 1)[-1].lstrip("\"'“‘([")
    never, starters = _abbreviations()
    if token[:-1].lower() in never:
        return False
    n = len(token)
    if n == 2 and _INITIAL.search(text, max(0, dot - 3), dot + 1):
        return False  # "J. Smith"
    if n >= 4 and token[-3] == "." and _INITIALISM.search(token):
        nxt = _NEXT_WORD.match(text, end)
        return bool(nxt) and nxt.group(1).lower() in starters
    return True


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the paragraphs of ``text`` (split at blank lines).

    >>> paragraph_spans("One.\\n\\nTwo.")
    [(0, 4), (6, 10)]
    """
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        _add_stripped(out, text, pos, m.start())
        pos = m.end()
    _add_stripped(out, text, pos, len(text))
    return out


def _add_stripped(out: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    """Append ``(s, e)`` without its leading/trailing whitespace, unless nothing is left."""
    if s < e and (text[s].isspace() or text[e - 1].isspace()):
        seg = text[s:e]
        body = seg.strip()
        if not body:
            return
        s += len(seg) - len(seg.lstrip())
        e = s + len(body)
    if e > s:
        out.append((s, e))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character offsets of the sentences of ``text``.

    >>> t = "Ties with the U.S. matter. U.S. authorities agreed."
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['Ties with the U.S. matter.', 'U.S. authorities agreed.']
    """
    out: list[tuple[int, int]] = []
    append = out.append
    finditer = _CANDIDATE.finditer
    for ps, pe in paragraph_spans(text):
        start = ps
        for m in finditer(text, ps, pe):
            dot = m.start()
            if text[dot] == "." and not _is_boundary(text, m.end(), dot):
                continue
            append((start, m.end()))
            start = m.end(1)
        if start < pe:
            append((start, pe))
    return out


def split_sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` as strings.

    >>> split_sentences("Mr. Lee spoke. Then he left.")
    ['Mr. Lee spoke.', 'Then he left.']
    """
    return [text[s:e] for s, e in sentence_spans(text)]


def document_text(title: object, text: object) -> str:
    """Return the analysed document of an article: title, blank line, body (either may be empty).

    Every sentence id and character offset in the package (theme evidence, sentences table,
    quotes, amounts, tone) refers to this string, so the headline is sentence 0 when present.

    >>> document_text("Tariffs rise", "Body.")
    'Tariffs rise\\n\\nBody.'
    """
    parts = [p.strip() for p in (title, text) if isinstance(p, str) and p.strip()]
    return "\n\n".join(parts)


def documents(articles: "pd.DataFrame") -> "pd.Series":
    """Return ``document_text`` for each row of an article table, indexed like it.

    >>> import pandas as pd
    >>> documents(pd.DataFrame({"title": ["T"], "text": ["B."]})).tolist()
    ['T\\n\\nB.']
    """
    import pandas as pd

    titles = articles["title"] if "title" in articles else pd.Series([None] * len(articles), index=articles.index)
    texts = articles["text"] if "text" in articles else pd.Series([None] * len(articles), index=articles.index)
    return pd.Series([document_text(a, b) for a, b in zip(titles.tolist(), texts.tolist())],
                     index=articles.index, dtype=object)
