"""Boilerplate lines of scraped pages, told apart from article lines by their wording, shape and position.

One line is classified by the rules of :data:`analysis.corpus.patterns.LINE_RULES` (a reason such
as ``"prompt"`` or ``"stamp"``), as a ``"byline"``, ``"date"`` or ``"breadcrumb"``, or not at all
(``None``: it may be article text). Its *shape* is ``"prose"`` (a sentence), ``"headline"`` (a few
words without a final period) or ``"label"`` (one to four words: a menu item, a section, a widget
title). :func:`furniture` then decides, for a run of paragraphs, which are furniture by position:
menus (runs of labels), the headline lists after a "Related"/"Trending" marker and everything
non-prose after the last prose paragraph. :func:`clean_lines` applies the same decisions to a text
that is already an article body (JSONL/CSV input), removing whole lines only::

    >>> clean_lines("Body one.\\n\\nAdvertisement\\n\\nBody two, with a share of the vote.")
    ('Body one.\\n\\nBody two, with a share of the vote.', [('advertisement', 'Advertisement')])
"""
from __future__ import annotations

import re
import re._parser as re_parser
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from analysis.corpus import patterns
from analysis.corpus.clean import word_counts

ANCHORS: frozenset[str] = frozenset({"byline", "date", "stamp", "reading_time"})  # what follows a headline
_CLOSERS = "\"”’')]»*"
_SPACE = re.compile(r"\s+")
_RULES: dict[int, dict[Any, Any]] = {}     # per patterns.GENERATION: {bucket: floating, (bucket, first char): anchored}
_CRUMB_SPLIT = re.compile(r"\s+/\s+|\s*[›»>|]\s*")
_COMMENT_TAIL = re.compile(
    r"leave a (reply|comment)( cancel reply)?|\d* ?comments?( \(\d+\))?|comments are closed\.?"
    r"|(join|start) the (conversation|discussion)|(show|view|load|add a|post a) comments?( \(\d+\))?",
    re.IGNORECASE)
_MARKER_MAX_WORDS = 6
TEASERS_AFTER = 2                   # prose-looking lines after a list item that can still be teasers
TEASER_MAX_WORDS = 18               # a teaser ("X runs deep. It is also evolving.") is this short
WIDGET_MAX_ITEMS = 10               # a repeated widget lists at most this many items
SENTENCE_MIN_WORDS = 4              # a line after the body with a final period/question mark, this long, is text
PROSE_CHARS = 250                   # a longer line is prose, whatever its words


def _floating(rule: str) -> bool:
    """A rule that does not start with literal text (tried only after a :data:`FLOATING_HINTS` pre-check)."""
    return rule[:1] in ".["


@lru_cache(maxsize=4096)
def _max_width(rule: str) -> int:
    """The longest line ``rule`` can match (a large number when unbounded)."""
    try:
        return int(min(re_parser.parse(rule, re.IGNORECASE).getwidth()[1], 1 << 30))
    except Exception:  # noqa: BLE001 - an internal parser that changed: no bound, same results
        return 1 << 30


_DIGITS = frozenset("0123456789")
_SPACES = frozenset(" \t\n\r\f\v")


def _first(items: list[Any]) -> set[str] | None:
    """The characters (lower case) a parsed pattern can start with; None when it could be anything."""
    out: set[str] = set()
    for op, av in items:
        name = str(op)
        if name == "AT":
            continue
        if name == "LITERAL":
            return out | {chr(av).lower()}
        if name == "IN":
            chars: set[str] = set()
            for iop, iav in av:
                kind = str(iop)
                if kind == "LITERAL":
                    chars.add(chr(iav).lower())
                elif kind == "RANGE" and iav[1] - iav[0] < 128:
                    chars.update(chr(c).lower() for c in range(iav[0], iav[1] + 1))
                elif kind == "CATEGORY" and str(iav) in ("CATEGORY_DIGIT", "CATEGORY_SPACE"):
                    chars |= _DIGITS if str(iav) == "CATEGORY_DIGIT" else _SPACES
                else:
                    return None
            return out | chars
        if name == "SUBPATTERN":
            sub, optional = _first(av[3].data), av[3].getwidth()[0] == 0
        elif name == "BRANCH":
            subs = [_first(b.data) for b in av[1]]
            sub = None if any(x is None for x in subs) else set().union(*[x for x in subs if x is not None])
            optional = any(b.getwidth()[0] == 0 for b in av[1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            sub, optional = _first(av[2].data), av[0] == 0 or av[2].getwidth()[0] == 0
        else:
            return None
        if sub is None:
            return None
        out |= sub
        if not optional:
            return out
    return None


@lru_cache(maxsize=4096)
def _first_chars(rule: str) -> frozenset[str] | None:
    """The first characters a rule can match (None: any), for dispatch on a line's first character."""
    try:
        got = _first(re_parser.parse(rule, re.IGNORECASE).data)
    except Exception:  # noqa: BLE001 - an internal parser that changed: no dispatch, same results
        return None
    return None if got is None else frozenset(got)


def _compile(groups: list[tuple[str, list[str]]], floating: bool, length: int, first: str | None = None) -> re.Pattern[str]:
    """One alternation of the ``groups`` rules that can match a line of ``length`` characters (starting with ``first``)."""
    parts = []
    for name, rules in groups:
        keep = [r for r in rules if _floating(r) == floating and _max_width(r) >= length
                and (first is None or (f := _first_chars(r)) is None or first in f)]
        if keep:
            parts.append(f"(?P<{name}>{'|'.join(f'(?:{r})' for r in keep)})")
    return re.compile("|".join(parts) or "(?!)", re.IGNORECASE)


def _groups() -> list[tuple[str, list[str]]]:
    """(reason, rules) in priority order: dates, bylines, then :data:`~analysis.corpus.patterns.LINE_RULES`."""
    return [("date", [patterns.DATE_LINE]), ("byline", [p for i, p in enumerate(patterns.BYLINE_LINES) if i != 2]),
            *patterns.LINE_RULES.items()]


def _rules() -> dict[Any, Any]:
    """Compiled rules, a named group per reason in rule order: per length class the floating ones, per
    (length class, first character) the anchored ones, compiled on first use (rebuilt after
    :func:`analysis.corpus.patterns.reset`)."""
    got = _RULES.get(patterns.GENERATION[0])
    if got is not None:
        return got
    groups = _groups()
    got = {b: _compile(groups, True, b) for b in _BUCKETS}
    _RULES.clear()
    _RULES[patterns.GENERATION[0]] = got
    _HINTS[0] = re.compile("|".join(re.escape(h) for h in patterns.FLOATING_HINTS) or "(?!)")
    return got


_BUCKETS: tuple[int, ...] = (0, 80, 150, 220)   # lines this long are only tried against rules that can match them
_HINTS: list[re.Pattern[str]] = [re.compile("(?!)")]


class LineMemory(dict[str, Any]):
    """Decisions about lines already seen (line -> ``decide(line)``), bounded by :data:`CACHE_MAX` lines.

    ``memory[line]`` is a plain dict look-up for a line decided before; a new line is looked up in the
    previous fill, else decided. When the memory is full, its lines become the previous fill (lines
    still in use, such as a site's boilerplate, move back on their next use instead of being decided
    again). :meth:`current` forgets every decision after :func:`analysis.corpus.patterns.reset`.
    """

    __slots__ = ("decide", "old", "generation")

    def __init__(self, decide: Callable[[str], Any]) -> None:
        """An empty memory of ``decide(line)``."""
        super().__init__()
        self.decide = decide
        self.old: dict[str, Any] = {}
        self.generation = patterns.GENERATION[0]

    def current(self) -> LineMemory:
        """This memory, emptied first when :func:`analysis.corpus.patterns.reset` was called since it was filled."""
        if self.generation != patterns.GENERATION[0]:
            self.clear()
            self.old = {}
            self.generation = patterns.GENERATION[0]
        return self

    def __missing__(self, line: str) -> Any:
        """Decide a line not in the memory, or move it back from the previous fill (called by ``memory[line]``)."""
        if len(self) >= CACHE_MAX:
            self.old = dict(self)
            self.clear()
        got = self.old.get(line, _MISS)
        if got is _MISS:
            got = self.decide(line)
        self[line] = got
        return got


_MISS = object()
CACHE_MAX: int = 50_000                    # distinct short lines remembered (boilerplate recurs across pages)


def classify(line: str) -> str | None:
    """Why ``line`` is furniture (a :data:`~analysis.corpus.patterns.LINE_RULES` reason, ``"byline"``,
    ``"date"``, ``"breadcrumb"``), or None when it may be article text (each distinct line decided once).

    >>> classify("4 min read"), classify("By Ana Ruiz"), classify("Home » Politics"), classify("Share prices fell.")
    ('reading_time', 'byline', 'breadcrumb', None)
    """
    if len(line) > patterns.LINE_RULE_MAX:
        return _classify(line)          # a long paragraph: decided at once, not remembered
    return _SEEN.current()[line]  # type: ignore[no-any-return]


def classify_all(lines: Sequence[str]) -> list[str | None]:
    """:func:`classify` of every line (one memory check for the whole list)."""
    seen, most = _SEEN.current(), patterns.LINE_RULE_MAX
    return [_classify(line) if len(line) > most else seen[line] for line in lines]


def _classify(line: str) -> str | None:
    """:func:`classify` without the memory of lines already seen."""
    line = line.strip()
    if not line or len(line) > patterns.LINE_RULE_MAX:
        return None
    table = _rules()
    n = len(line)
    bucket = 220 if n >= 220 else 150 if n >= 150 else 80 if n >= 80 else 0     # the largest of _BUCKETS <= n
    key = (bucket, line[0].lower())
    anchored = table.get(key)
    if anchored is None:
        anchored = table[key] = _compile(_groups(), False, bucket, key[1])
    floating = table[bucket]
    m = anchored.fullmatch(line)
    if m is None and _HINTS[0].search(line.casefold()) is not None:
        m = floating.fullmatch(line)
    if m is not None:
        return m.lastgroup
    if "|" in line:                     # "By Ana Ruiz | March 3, 2025": every part a byline or a stamp
        kinds = [classify(part) for part in line.split("|") if part.strip()]
        if len(kinds) > 1 and all(k in ("byline", "date", "stamp") for k in kinds):
            return "byline" if "byline" in kinds else "stamp"
    if line[:3] in ("By ", "BY ") and patterns.is_byline(line):
        return "byline"
    if is_breadcrumb(line):
        return "breadcrumb"
    return None


def is_breadcrumb(line: str) -> bool:
    """True for a trail of short labels joined by ``›``, ``»``, ``>``, ``/`` or ``|``.

    >>> is_breadcrumb("Home › News › Politics"), is_breadcrumb("Prices rose 3/4 of a point.")
    (True, False)
    """
    if len(line) > 160 or not any(c in line for c in patterns.BREADCRUMB_SEPARATORS) or ":" in line:
        return False
    parts = [p.strip() for p in _CRUMB_SPLIT.split(line.strip(" ›»>"))]
    return len(parts) >= 2 and all(p and len(p.split()) <= patterns.LABEL_MAX_WORDS and not p.endswith(".") for p in parts)


def shape(line: str) -> str:
    """``"prose"``, ``"headline"`` or ``"label"``: what a line looks like, whatever it says.

    >>> shape("Body one."), shape("Senate passes the budget bill"), shape("Weather"), shape("Is the war over at last?")
    ('prose', 'headline', 'label', 'headline')
    """
    return "prose" if len(line) > PROSE_CHARS else _SHAPES.current()[line]  # type: ignore[no-any-return]


def shapes_of(lines: Sequence[str]) -> list[str]:
    """:func:`shape` of every line (one memory check for the whole list)."""
    shapes = _SHAPES.current()
    return ["prose" if len(line) > PROSE_CHARS else shapes[line] for line in lines]


def _shape(line: str) -> str:
    """:func:`shape` without the memory of lines already seen."""
    n = len(line)
    if n > PROSE_CHARS:
        return "prose"
    words = line.count(" ") + 1             # lines are whitespace-normalized: one space between words
    if words >= patterns.PROSE_MIN_WORDS:
        return "prose"
    if line[:1] == "(" and line[-1:] == ")" and words >= 6:
        return "prose"                  # "(This version corrects ...)"
    core = line.rstrip(_CLOSERS + " ")
    last = core[-1:]
    if last in ".…" and words <= patterns.TITLE_CASE_MAX_WORDS and title_case(line):
        return "headline"               # "China Looked Tough on Trade. Now Its Options Are Dwindling."
    if last in ".…;," and (words >= 2 or core[:-1].isalpha()):
        return "prose"
    if last == ":" and words >= 4:
        return "prose"
    if last in "?!" and words >= patterns.QUESTION_PROSE_WORDS:
        return "prose"
    if words <= patterns.LABEL_MAX_WORDS and n <= patterns.LABEL_MAX_CHARS:
        return "label"
    return "headline"


_SEEN = LineMemory(_classify)              # line -> classify(line), for the current patterns.GENERATION
_SHAPES = LineMemory(_shape)               # line -> shape(line), same


def title_case(line: str) -> bool:
    """True when most words (small words aside) start with a capital, as in a headline.

    >>> title_case("Obama Moves Left, Testing Republicans."), title_case("Obama moved left on Friday.")
    (True, False)
    """
    big = upper = 0
    for w in line.split():
        c = w[0]
        if not c.isalpha():
            w = w.lstrip("\"“‘'(")
            if not w or not w[0].isalpha():
                continue
            c = w[0]
        if c.isupper():
            big += 1
            upper += 1
        elif w not in patterns.SMALL_WORDS:
            big += 1
            if big - upper > (1 - patterns.TITLE_CASE_SHARE) * 30:
                return False
    return big >= 4 and upper >= patterns.TITLE_CASE_SHARE * big


def template_key(line: str) -> str:
    """The form of a line that site templates are matched on (case and spacing ignored).

    >>> template_key("  Watch   LIVE ")
    'watch live'
    """
    return _SPACE.sub(" ", line).strip().casefold()


def is_marker(line: str, kind: str | None) -> bool:
    """True for a "Related"/"Trending"/"Most read" label that introduces a list of other headlines.

    >>> is_marker("Trending Now", "related"), is_marker("Story continues below advertisement", "related")
    (True, False)
    """
    if kind not in ("related", "template") or len(line.split()) > _MARKER_MAX_WORDS:
        return False
    key = (id(patterns.LIST_MARKERS), len(patterns.LIST_MARKERS))
    rx = _MARKERS.get(key)
    if rx is None:
        rx = _MARKERS[key] = re.compile("|".join(f"(?:{p})" for p in patterns.LIST_MARKERS), re.IGNORECASE)
    return rx.fullmatch(line.strip()) is not None


_MARKERS: dict[tuple[int, int], re.Pattern[str]] = {}


@lru_cache(maxsize=4096)
def is_comment_tail(line: str) -> bool:
    """True for the start of a comment section ("Leave a Reply", "3 Comments"): the article is over."""
    return _COMMENT_TAIL.fullmatch(line.strip()) is not None


def furniture(paras: Sequence[str], kinds: Sequence[str | None], shapes: Sequence[str],
              start: int = 0, tail: bool = True, page: bool = True) -> list[str | None]:
    """Per paragraph from ``start`` on: the reason it is furniture, or None to keep it as text.

    Rule-classified lines are furniture (bylines and dates too: the caller moves them to their
    fields); a comment-section marker ends the text; a marker such as "Related" takes the
    headline-shaped lines after it; ``patterns.NAV_RUN`` labels in a row are a menu (``"menu"``);
    with ``tail``, non-prose lines after the last prose paragraph are the page's footer. With
    ``page=False`` (a text that is already an article body) there are no menus and no comment cut.
    """
    n = len(paras)
    out: list[str | None] = [None] * n
    last_prose = max((i for i in range(start, n) if kinds[i] is None and shapes[i] == "prose"), default=start - 1)
    tail_open = True                       # no furniture yet since the last prose paragraph
    i = start
    while i < n:
        k = kinds[i]
        if k is not None and page and is_comment_tail(paras[i]):
            for j in range(i, n):
                out[j] = "comment_form"
            break
        if k is not None:
            out[i] = k
            tail_open = tail_open and i < last_prose
            if is_marker(paras[i], k):
                items = widget_items(i, paras, kinds)
                j = i + 1
                if items:                  # a widget repeated on the page: its items are the lines it repeats
                    while j < n and kinds[j] not in ANCHORS and paras[j].casefold() in items:
                        out[j] = kinds[j] or "link_list"
                        j += 1
                    i = j
                    continue
                while j < n and kinds[j] not in ANCHORS and (
                        kinds[j] is not None or shapes[j] != "prose" or teaser(i, j, paras, kinds, shapes)):
                    if kinds[j] is not None and page and is_comment_tail(paras[j]):
                        break
                    out[j] = kinds[j] or "link_list"
                    j += 1
                i = j
                continue
        elif tail and i > last_prose and not (tail_open and is_sentence(paras[i])):
            out[i] = "footer"              # a sentence right after the body is its last line, not footer
            tail_open = False
        i += 1
    run: list[int] = []
    for i in range(start, n + 1):
        if i < n and out[i] is None and shapes[i] == "label":
            run.append(i)
            continue
        if i < n and out[i] is not None and run:
            continue                       # furniture between menu items does not break the run
        if page and len(run) >= patterns.NAV_RUN:
            for j in run:
                out[j] = "menu"
        run = []
    return out


def is_sentence(line: str) -> bool:
    """True for a short line written as a sentence (final ``.``, ``?`` or ``!``, not title-cased).

    >>> is_sentence("Can we have a vote on that?"), is_sentence("Trump Wins the Senate Vote?"), is_sentence("Tax Reform: A Mixed Bag")
    (True, False, False)
    """
    core = line.rstrip(_CLOSERS + " ")
    return (core[-1:] in (".", "?", "!") and core[-3:] != "..." and line.count(" ") >= SENTENCE_MIN_WORDS - 1
            and not title_case(line))


def widget_items(i: int, paras: Sequence[str], kinds: Sequence[str | None]) -> frozenset[str]:
    """The items of the list after marker ``i`` when the same widget recurs on the page, else empty.

    A widget repeated mid-article ("Trending Stories" every few paragraphs) lists the same
    headlines each time: the lines right after marker ``i`` that also follow another copy of the
    marker are its items (whatever their shape: a teaser may end in a period), and the first line
    that does not recur is article text again (a subhead). Empty when the marker occurs once or
    its first item differs from one copy to the next (a rotating widget: shape rules decide).
    """
    marker, n = paras[i], len(paras)
    if i + 1 >= n or paras.count(marker) < 2:
        return frozenset()                 # the usual case: the marker is on the page once
    first = paras[i + 1]
    others = [o for o, p in enumerate(paras) if p == marker and o != i]
    if not any(o + 1 < n and paras[o + 1] == first for o in others):
        return frozenset()                 # another first item: a rotating widget
    key = marker.casefold()
    seen: set[str] = set()
    for o in others:
        for j in range(o + 1, min(o + 1 + WIDGET_MAX_ITEMS, n)):
            if kinds[j] in ANCHORS or paras[j].casefold() == key:
                break
            if paras[j].count(" ") < patterns.HEADLINE_MAX_WORDS:
                seen.add(paras[j].casefold())
    got: set[str] = set()
    for j in range(i + 1, min(i + 1 + WIDGET_MAX_ITEMS, n)):
        line = paras[j].casefold()
        if line not in seen:
            break
        got.add(line)
    return frozenset(got)


def teaser(i: int, j: int, paras: Sequence[str], kinds: Sequence[str | None], shapes: Sequence[str]) -> bool:
    """True when prose-looking line ``j`` of the headline list after marker ``i`` is one more teaser.

    It is short (:data:`TEASER_MAX_WORDS`; up to a headline's length when title-cased or followed by
    another headline), at most :data:`TEASERS_AFTER` such short lines and no longer prose follow it,
    and footer furniture or another list item follows, or the list had one before it: the list ends
    the article.
    """
    words = len(paras[j].split())
    sandwiched = j + 1 < len(paras) and kinds[j + 1] is None and shapes[j + 1] == "headline"
    if words > patterns.HEADLINE_MAX_WORDS or (words > TEASER_MAX_WORDS and not (sandwiched or title_case(paras[j]))):
        return False
    after = [k for k in range(j + 1, len(paras)) if kinds[k] is None and shapes[k] == "prose"]
    if len(after) > TEASERS_AFTER or any(len(paras[k].split()) > TEASER_MAX_WORDS for k in after):
        return False
    return (sandwiched or any(kinds[k] is not None for k in range(j + 1, len(paras)))
            or any(kinds[k] is None and shapes[k] != "prose" for k in range(i + 1, j)))


def in_list(i: int, paras: Sequence[str], kinds: Sequence[str | None], shapes: Sequence[str]) -> bool:
    """True when prose-looking line ``i`` sits inside a headline list: a list marker above it (through
    non-prose lines, no byline or stamp), a headline-shaped line below it, and it is headline-length."""
    if len(paras[i].split()) > patterns.HEADLINE_MAX_WORDS or i + 1 >= len(paras) or kinds[i + 1] is not None or shapes[i + 1] == "prose":
        return False
    for j in range(i - 1, -1, -1):
        if is_marker(paras[j], kinds[j]):
            return True
        if (kinds[j] is None and shapes[j] == "prose") or kinds[j] in ANCHORS:
            return False
    return False


def clean_lines(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Remove furniture lines from an article body; return (text, [(reason, removed line), ...]).

    Only whole lines go; the others are returned unchanged, joined as they were. Nothing after
    the last prose paragraph is removed unless a rule names it (a body may end on a short line).
    """
    raw = text.split("\n")
    idx = [i for i, x in enumerate(raw) if x.strip()]
    if not idx:
        return text, []
    paras = [raw[i].strip() for i in idx]
    kinds = [None if k in ("date", "byline") else k for k in classify_all(paras)]
    shapes = shapes_of(paras)
    marks = furniture(paras, kinds, shapes, 0, tail=False, page=False)
    if not any(marks):
        return text, []
    drop = {idx[j]: m for j, m in enumerate(marks) if m is not None}
    removed = [(m, raw[i].strip()) for i, m in sorted(drop.items())]
    kept = [x for i, x in enumerate(raw) if i not in drop]
    out = "\n".join(kept)
    out = re.sub(r"\n{3,}", "\n\n", out).strip("\n")
    return out, removed


@dataclass
class PageStats:
    """What the line cleaner did in one run: lines removed per reason, fields filled from the page."""

    removed: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)          # "byline:page", "date:metadata", ...

    def as_report(self) -> dict[str, Any]:
        """The counts for the ingest report."""
        by_field: dict[str, dict[str, int]] = {}
        for key, n in sorted(self.fields.items()):
            name, origin = key.split(":")
            by_field.setdefault(name, {})[origin] = n
        return {"lines_removed": dict(self.removed.most_common()), "field_origin": by_field}


@dataclass
class PageContext:
    """What the text loader is given for one run: learned site templates and the stats to fill."""

    templates: dict[str, frozenset[str]] = field(default_factory=dict)     # source key -> template line keys
    stats: PageStats = field(default_factory=PageStats)

    def lines_for(self, path: Path, hints: dict[str, Any]) -> frozenset[str]:
        """The template lines of the site ``path`` belongs to (empty when none was learned)."""
        if not self.templates:
            return frozenset()
        return self.templates.get(source_key(path, hints), frozenset())


def source_key(path: Path, hints: dict[str, Any]) -> str:
    """Which site a text file comes from: its outlet (manifest/sidecar), else its URL host, else its folder.

    >>> source_key(Path("/d/a.txt"), {"source": "The Outlet"}), source_key(Path("/d/a.txt"), {"url": "https://www.x.com/a"})
    ('source:The Outlet', 'host:x.com')
    >>> source_key(Path("/d/a.txt"), {})
    'folder:/d'
    """
    src = hints.get("source")
    if isinstance(src, str) and src.strip():
        return "source:" + src.strip()
    url = hints.get("url")
    if isinstance(url, str) and "//" in url:
        host = urlsplit(url.strip()).hostname or ""
        if host:
            return "host:" + host.removeprefix("www.")
    return "folder:" + str(path.parent.absolute())


REMOVED_COLUMN: str = "removed_lines"     # what clean_frame took out of each text: "reason<TAB>line" per line


def clean_frame(df: pd.DataFrame) -> tuple[pd.DataFrame, Counter[str]]:
    """Apply :func:`clean_lines` to every ``text`` of an article table; return it and the removals per reason.

    Rows that lost lines get them in :data:`REMOVED_COLUMN` (one ``reason<TAB>line`` per line), so
    the original text can be rebuilt; ``n_words`` is recounted for them.
    """
    counts: Counter[str] = Counter()
    texts = df["text"].tolist()
    new_texts, removed_col, changed = [], [], []
    for i, t in enumerate(texts):
        if not isinstance(t, str) or not t:
            new_texts.append(t)
            removed_col.append(None)
            continue
        kept, removed = clean_lines(t)
        new_texts.append(kept)
        if removed:
            counts.update(r for r, _ in removed)
            removed_col.append("\n".join(f"{r}\t{x}" for r, x in removed))
            changed.append(i)
        else:
            removed_col.append(None)
    if not changed:
        return df, counts
    out = df.copy()
    out["text"] = pd.array(new_texts, dtype=df["text"].dtype)
    out[REMOVED_COLUMN] = pd.array(removed_col, dtype="string")
    if "n_words" in out.columns:
        rows = out.index[changed]
        out.loc[rows, "n_words"] = word_counts([new_texts[i] for i in changed])
    return out, counts
