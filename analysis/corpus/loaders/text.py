"""Scraped plain-text articles like the user's seed (headline, section line, body, contributor line).

Layout handled: the headline on the first line (repeats of it are dropped), an optional short
section label ("World") and date line near the top, one paragraph per line or per blank-line block,
contributor/byline lines anywhere (moved to ``byline``), and site furniture (comment forms,
share/subscribe/cookie prompts, "Related" lists) dropped. Patterns live in :mod:`analysis.corpus.patterns`.
A first line longer than :data:`analysis.corpus.clean.MAX_TITLE` characters is not a headline: it is
kept as body text, the article has no title, and ``load_text`` returns a warning.

    >>> art = parse_scraped_text("Headline here\\nWorld\\n\\nHeadline here\\n\\nBody one.\\n\\nLeave a Reply")
    >>> art["title"], art["section"], art["text"]
    ('Headline here', 'World', 'Body one.')
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.corpus import patterns
from analysis.corpus.clean import MAX_TITLE, decode_bytes

HEAD_LINES: int = 6   # section/date/byline lines are looked for among the first lines only


def _same(a: str, b: str) -> bool:
    """Compare two lines ignoring case and surrounding punctuation/space."""
    return a.strip(" .:-–—").casefold() == b.strip(" .:-–—").casefold()


def parse_scraped_text(raw: str) -> dict[str, Any]:
    """Split scraped article text into title, section, byline, date text and body text (pure)."""
    lines = [(" ".join(x.split()) if len(x) < 300 else x.strip())
             for x in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    # paragraphs: one per line, except that with blank-line separated blocks a hard-wrapped block
    # after the first (headline) block is re-joined; furniture lines always stand alone
    blank_sep = sum(1 for x in lines if not x) >= max(1, sum(1 for x in lines if x) // 3)
    paras: list[str] = []
    buf: list[str] = []
    seen_blank = False
    for line in lines:
        if not line:
            if buf:
                paras.append(" ".join(buf))
                buf = []
            seen_blank = seen_blank or bool(paras)
        elif blank_sep and seen_blank and buf and not _standalone(line) and not _standalone(buf[-1]):
            buf.append(line)
        else:
            if buf:
                paras.append(" ".join(buf))
            buf = [line]
    if buf:
        paras.append(" ".join(buf))

    title = section = date_text = None
    long_first = 0
    bylines: list[str] = []
    body: list[str] = []
    for i, p in enumerate(paras):
        if len(p) > 250 and title is not None:
            body.append(p)           # long paragraphs are never furniture
            continue
        if title is None and len(p) > MAX_TITLE:
            title = ""               # an over-long first line is text, and no later line is the headline
            long_first = len(p)
            body.append(p)
            continue
        kind = patterns.classify(p)
        if kind == "tail":
            break
        if kind == "boilerplate":
            continue
        if kind == "byline":
            bylines.append(p[3:] if p[:3].lower() == "by " else p)
            continue
        in_head = not body and i < HEAD_LINES
        if title is None:
            if in_head and section is None and patterns.is_known_section(p) and i + 1 < len(paras):
                section = p          # a known label before the headline
                continue
            title = p
            continue
        if title and _same(p, title) and (not body or i < HEAD_LINES + 2):
            continue                 # repeated headline
        if in_head and date_text is None and kind == "date":
            date_text = patterns.date_value(p)
            continue
        if in_head and section is None and patterns.is_section(p):
            section = p
            continue
        body.append(p)
    return {
        "title": title or None,
        "section": section,
        "byline": "; ".join(dict.fromkeys(bylines)) or None,
        "raw_date": date_text,
        "text": "\n\n".join(body),
        "long_first_line": long_first,
    }


def _standalone(line: str) -> bool:
    """A line that is never merged into a neighbour (byline, date, furniture)."""
    return patterns.classify(line) is not None


def load_text(path: Path, data: bytes | None = None) -> tuple[dict[str, Any], str]:
    """Read one scraped text file; return (article fields, encoding used). Raises InputError.

    Warnings about the file (an over-long first line) are in the fields under ``_warnings``.
    """
    text, encoding = decode_bytes(path.read_bytes() if data is None else data)
    art = parse_scraped_text(text)
    n = art.pop("long_first_line")
    if n:
        art["_warnings"] = [f"first line of {n} characters is too long for a title (at most {MAX_TITLE}): kept as text"]
    return art, encoding
