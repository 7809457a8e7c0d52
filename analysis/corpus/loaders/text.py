"""Scraped plain-text articles: the seed's layout and the pages of other sites, menus and all.

The page is cut into paragraphs (one per line, or per blank-line block with hard-wrapped lines
re-joined); lines of the site's learned template (:mod:`analysis.corpus.templates`) are dropped
first. Each paragraph is classified by :mod:`analysis.corpus.lines` (rules from
:mod:`analysis.corpus.patterns` plus its shape). The body starts at the first prose paragraph;
before it is the page head, where the headline is found (a line that repeats, the line just before
a byline or date stamp, a headline-shaped line, nearest the body) and where a section label and a
date stamp are read. Bylines and contributor lines anywhere go to ``byline``. In the body, rule
lines, "Related" lists, menus and the non-prose footer are dropped; a comment form ends the text.
A manifest/sidecar ``title`` always wins (and its repeats are dropped). A first line longer than
:data:`analysis.corpus.clean.MAX_TITLE` characters is body text; ``load_text`` warns. A page with
furniture but no body raises ``InputError("no article text found")``.

    >>> art = parse_scraped_text("Headline here\\nWorld\\n\\nHeadline here\\n\\nBody one.\\n\\nLeave a Reply")
    >>> art["title"], art["section"], art["text"]
    ('Headline here', 'World', 'Body one.')
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from analysis.corpus import lines as L
from analysis.corpus import patterns
from analysis.corpus.clean import MAX_TITLE, InputError, decode_bytes

HEAD_LINES: int = 6          # a short label this close to the top may be the section
ANCHOR_REACH: int = 4        # a byline/date stamp this many lines after a headline marks it
MIN_TITLE_SCORE: float = -2.5  # a known section label alone ("Sports") is not a headline
LEAD_MIN_WORDS: int = 6      # a headline-shaped line after the headline and its stamps, this long, starts the text
TITLE_MAX_WORDS: int = 30    # a prose-looking line this short can still be the headline (before a byline)


def _same(a: str, b: str) -> bool:
    """Compare two lines ignoring case and surrounding punctuation/space."""
    return a.strip(" .:-–—").casefold() == b.strip(" .:-–—").casefold()


def _paragraphs(lines: list[str], template: frozenset[str] = frozenset()) -> list[str]:
    """Paragraphs: one per line, or per blank-line block (hard-wrapped lines re-joined; never template lines)."""
    blanks = lines.count("")
    blank_sep = blanks >= max(1, (len(lines) - blanks) // 3)
    paras: list[str] = []
    buf: list[str] = []
    seen_blank = False
    for line in lines:
        if not line:
            if buf:
                paras.append(" ".join(buf))
                buf = []
            seen_blank = seen_blank or bool(paras)
        elif (blank_sep and seen_blank and buf and not _standalone(line) and not _standalone(buf[-1])
              and not (template and (L.template_key(line) in template or L.template_key(buf[-1]) in template))):
            buf.append(line)
        else:
            if buf:
                paras.append(" ".join(buf))
            buf = [line]
    if buf:
        paras.append(" ".join(buf))
    return paras


def _standalone(line: str) -> bool:
    """A line that is never merged into a neighbour (byline, date, furniture)."""
    return L.classify(line) is not None


def _head_end(paras: list[str], kinds: list[str | None], shapes: list[str], keys: Counter[str]) -> int:
    """Index of the first body paragraph: the first prose one that is not the headline itself."""
    n = len(paras)
    for i in range(n):
        if kinds[i] is not None or shapes[i] != "prose":
            continue
        if i == 0 and len(paras[i]) > MAX_TITLE:
            return 0
        short = len(paras[i].split()) <= TITLE_MAX_WORDS and len(paras[i]) <= 300
        if L.in_list(i, paras, kinds, shapes):
            continue                # a teaser in a "Trending" list above the headline
        if short and (keys[paras[i].casefold()] > 1 or _anchored(i, paras, kinds, shapes)):
            continue                # a headline ending in a period, right before its byline or repeated
        if len(paras[i]) <= MAX_TITLE and _stamped(i, kinds) and all(
                kinds[j] is not None or shapes[j] == "label" for j in range(i)):
            continue                # a long sentence-headline: only furniture above it, a stamp right under it
        return i
    return n


def _anchored(i: int, paras: list[str], kinds: list[str | None], shapes: list[str],
              marks: list[str | None] | None = None) -> bool:
    """True when a byline or date stamp follows paragraph ``i`` (past credits, ads and short labels).

    With ``marks`` (the head's furniture marks; given for a listed line) only a known section label
    or a name alone outside a headline list is passed: another label is the headline the anchor marks.
    """
    for j in range(i + 1, min(i + 1 + ANCHOR_REACH, len(paras))):
        if kinds[j] in L.ANCHORS:
            return True
        if kinds[j] in ("credit", "advertisement", "prompt", "template", "navigation") or (
                kinds[j] is None and shapes[j] == "label" and (
                    marks is None or patterns.is_known_section(paras[j])
                    or (marks[j] != "link_list" and _name_like(paras[j])))):
            continue
        return False
    return False


def _name_like(line: str) -> bool:
    """True for a line that can be a person's name alone ("Maria Okafor", "Mary-Ann O'Neil Jr.").

    >>> _name_like("Maria Okafor"), _name_like("Shutdown Theater, Again"), _name_like("Why Trump blinked")
    (True, False, False)
    """
    words = line.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() and w.replace(".", "").replace("-", "").replace("'", "")
                                        .replace("’", "").isalpha() for w in words)


def _stamped(i: int, kinds: list[str | None]) -> bool:
    """True when the very next paragraph after ``i`` is a byline or date stamp."""
    return i + 1 < len(kinds) and kinds[i + 1] in L.ANCHORS


def _pick_title(paras: list[str], kinds: list[str | None], shapes: list[str], marks: list[str | None],
                end: int, keys: Counter[str]) -> int | None:
    """Index of the headline among the head paragraphs ``[0, end)``, or None."""
    best, best_score = None, float("-inf")
    for i in range(end):
        if len(paras[i]) > MAX_TITLE or (kinds[i] not in (None, "template") and not (
                kinds[i] == "related" and _stamped(i, kinds) and not L.is_marker(paras[i], kinds[i]))):
            continue                               # furniture; a "BREAKING: ..." line right over its byline is a headline
        words = len(paras[i].split())
        score = 0.0
        if keys[paras[i].casefold()] > 1:
            score += 5
        listed = marks[i] is not None
        if _anchored(i, paras, kinds, shapes, marks if listed else None):
            score += 4                             # a list item: only when nothing headline-like sits between
        if kinds[i] == "template" and (score < 4 or shapes[i] != "headline"):
            continue                               # a site line; only a headline it lists elsewhere can be this page's
        if listed and score == 0:
            continue                               # a menu item or a listed headline, not this page's headline
        if shapes[i] == "label":
            score -= 2 if words < patterns.HEADLINE_MIN_WORDS else 1
        elif words >= patterns.HEADLINE_MIN_WORDS + 1:
            score += 2
        if patterns.is_known_section(paras[i]):
            score -= 3
        score += 0.01 * i                          # nearest the body wins a tie
        if score > best_score and score > MIN_TITLE_SCORE:
            best, best_score = i, score
    return best


def parse_scraped_text(raw: str, template: frozenset[str] = frozenset(), hints: dict[str, Any] | None = None,
                       removed: Counter[str] | None = None) -> dict[str, Any]:
    """Split scraped article text into title, section, byline, date text and body text (pure).

    ``template`` holds the site's template lines (:func:`analysis.corpus.lines.template_key` form),
    dropped wherever they are; ``hints`` is the file's manifest/sidecar metadata (its ``title``
    wins); ``removed`` receives the number of furniture lines dropped per reason.
    """
    hints = hints or {}
    removed = Counter() if removed is None else removed
    lines = [x if x.isprintable() and "  " not in x and x[:1] != " " and x[-1:] != " "  # already normal
             else (" ".join(x.split()) if len(x) < 300 else x.strip())
             for x in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    paras = _paragraphs(lines, template)
    n = len(paras)
    kinds = L.classify_all(paras)
    folded = [p.casefold() if len(p) <= MAX_TITLE else "" for p in paras]
    if template:                       # a template line is furniture; a rule still says which kind
        kinds = [k or ("template" if f in template else None) for f, k in zip(folded, kinds)]
    shapes = L.shapes_of(paras)
    known = hints.get("title") if isinstance(hints.get("title"), str) and hints["title"].strip() else None
    end = _head_end(paras, kinds, shapes, Counter(folded))
    keys = Counter(folded[:end])                 # repeats that count: within the head
    body_marks = L.furniture(paras, kinds, shapes, end)
    head_shapes = ["headline" if keys[folded[i]] > 1 else shapes[i] for i in range(end)]   # a repeat is no menu item
    head_marks = L.furniture(paras[:end], kinds[:end], head_shapes, 0, tail=False)
    nav = [m in ("navigation", "menu") for m in head_marks]
    long_first = len(paras[0]) if n and end == 0 and len(paras[0]) > MAX_TITLE else 0
    t = None
    if known is None and not long_first:
        t = _pick_title(paras, kinds, shapes, head_marks, end, keys)
    title = paras[t] if t is not None else None
    if end == n and t is not None and t + 1 < n:          # no prose at all: what follows the headline is the text
        end = t + 1
        body_marks = L.furniture(paras, kinds, shapes, end, tail=False)
    h = t if t is not None or known is None else max((i for i in range(end) if _same(paras[i], known)), default=None)
    if h is not None and end < n:                         # a lead in headline form after the headline's stamps
        lead = next((i for i in range(h + 1, end) if kinds[i] is None and shapes[i] == "headline"
                     and not head_marks[i] and len(paras[i].split()) >= LEAD_MIN_WORDS and not _same(paras[i], paras[h])), None)
        if lead is not None:
            end = lead
            body_marks = L.furniture(paras, kinds, shapes, end)
    section = date_text = None
    bylines: list[str] = []
    for i in range(end):
        p, k = paras[i], kinds[i]
        if i == t or (title and _same(p, title)) or (known and _same(p, known)):
            continue
        if k == "byline":
            for part in p.split("|") if "|" in p else [p]:
                part = part.strip()
                if L.classify(part) == "byline":
                    bylines.append(part[3:] if part[:3].lower() == "by " else part)
                elif date_text is None and patterns.date_value(part):
                    date_text = patterns.date_value(part)
            continue
        if k in ("date", "stamp") and date_text is None and patterns.date_value(p):
            date_text = patterns.date_value(p)
            removed[k] += 1
            continue
        if section is None and not nav[i] and k is None and (
                patterns.is_known_section(p) or (t is not None and i == t + 1 and i < HEAD_LINES and patterns.is_section(p))):
            section = p
            continue
        if section is None and k == "breadcrumb":
            section = L.re.split(r"\s*[›»>|/]\s*", p.strip(" ›»>"))[-1] or None
        removed[k or head_marks[i] or "head"] += 1
    seen = Counter(folded[i] for i in range(end, n) if body_marks[i] is None and folded[i]
                   and paras[i].count(" ") < patterns.HEADLINE_MAX_WORDS)
    for i in range(end, n):                  # a short line twice in the text: a repeated widget or pull quote
        if body_marks[i] is None and seen[folded[i]] > 1:
            body_marks[i] = "repeated"
    body: list[str] = []
    for i in range(end, n):
        p, m = paras[i], body_marks[i]
        if m == "byline" or (kinds[i] == "byline" and m is None):
            bylines.append(p[3:] if p[:3].lower() == "by " else p)
        elif i < end + 2 and ((title and _same(p, title)) or (known and _same(p, known))):
            removed["head"] += 1
        elif m is None:
            body.append(p)
        else:
            removed[m] += 1
    return {
        "title": title,
        "section": section,
        "byline": "; ".join(dict.fromkeys(bylines)) or None,
        "raw_date": date_text,
        "text": "\n\n".join(body),
        "long_first_line": long_first,
        "furniture_only": not body and (sum(removed.values()) > 0 or title is None) and n > 0,
    }


def load_text(path: Path, data: bytes | None = None, hints: dict[str, Any] | None = None,
              pages: L.PageContext | None = None) -> tuple[dict[str, Any], str]:
    """Read one scraped text file; return (article fields, encoding used). Raises InputError.

    ``hints`` is the file's manifest/sidecar metadata; ``pages`` holds the learned site templates
    and receives the run's counts (lines removed per reason, where byline/date/title came from).
    Warnings about the file (an over-long first line) are in the fields under ``_warnings``.
    """
    text, encoding = decode_bytes(path.read_bytes() if data is None else data)
    hints = hints or {}
    removed: Counter[str] = Counter()
    template = pages.lines_for(path, hints) if pages is not None else frozenset()
    art = parse_scraped_text(text, template, hints, removed)
    if art.pop("furniture_only"):
        raise InputError("no article text found")
    n = art.pop("long_first_line")
    if n:
        art["_warnings"] = [f"first line of {n} characters is too long for a title (at most {MAX_TITLE}): kept as text"]
    if pages is not None:
        pages.stats.removed.update(removed)
        for name, meta_key in (("title", "title"), ("byline", "byline"), ("date", "raw_date")):
            page_key = "raw_date" if name == "date" else name
            if hints.get(meta_key) not in (None, ""):
                pages.stats.fields[f"{name}:metadata"] += 1
            elif art.get(page_key):
                pages.stats.fields[f"{name}:page"] += 1
    return art, encoding
