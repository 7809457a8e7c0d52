"""Saved HTML pages via trafilatura: main text, title, date, author, site name, URL, categories.

trafilatura drops ``<script>``, ``<style>``, navigation and comments; the date comes from the page
itself (metadata or visible date), never from the file's modification time.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import trafilatura

from analysis.corpus.clean import InputError, clean_line, decode_bytes

log = logging.getLogger(__name__)
_SCRIPT = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def parse_html(html: str, url: str | None = None) -> dict[str, Any]:
    """Extract one article from an HTML string (pure); raise InputError if no text is found."""
    html = _SCRIPT.sub(" ", html)   # belt and braces: script/style content can never reach text
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, favor_precision=True,
    )
    if doc is None:
        raise InputError("html: no article text found")
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    title = clean_line(d.get("title") or "") or None
    lines = [clean_line(x) for x in (d.get("text") or "").split("\n")]
    lines = [x for x in lines if x]
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    if not lines:
        raise InputError("html: no article text found")
    categories = d.get("categories") or []
    return {
        "title": title,
        "byline": clean_line(d.get("author") or "") or None,
        "raw_date": d.get("date") or None,
        "source": d.get("sitename") or d.get("hostname") or None,
        "url": d.get("url") or url or None,
        "section": clean_line(categories[0]) if categories else None,
        "categories": "; ".join(clean_line(c) for c in categories) or None,
        "text": "\n\n".join(lines),
    }


def load_html(path: Path, data: bytes | None = None) -> tuple[dict[str, Any], str]:
    """Read one saved HTML page; return (article fields, encoding used). Raises InputError."""
    text, encoding = decode_bytes(path.read_bytes() if data is None else data)
    return parse_html(text), encoding
