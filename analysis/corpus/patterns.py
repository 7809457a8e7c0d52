"""Boilerplate, byline, section and date patterns for scraped article text, kept as data.

Each list below holds plain regular-expression strings (matched case-insensitively against one
stripped line). Extend a list to teach the loaders a new site's furniture; nothing else changes::

    >>> from analysis.corpus import patterns
    >>> patterns.is_tail_marker("Leave a Reply")
    True
    >>> patterns.is_byline("Special correspondent Ana Ruiz contributed to this report.")
    True

Sources: the comment-form, share and cookie prompts are the standard WordPress / social-plugin
strings seen in the user's seed article and common news templates; the byline forms follow
AP/Reuters house style ("By …", "… contributed to this report.", "Reporting by …").
"""
from __future__ import annotations

import re

# A line matching one of these ends the article: everything after it is dropped (comment forms,
# "Related" link lists, newsletter footers).
TAIL_MARKERS: list[str] = [
    r"leave a (reply|comment)( cancel reply)?",
    r"cancel reply",
    r"\d* ?comments?( \(\d+\))?",
    r"comments are closed\.?",
    r"(join|start) the (conversation|discussion)",
    r"related( (articles?|stories|posts|coverage|content|links|reading))?:?",
    r"(you|we think you) (may|might) (also )?(like|enjoy|be interested in)\.?:?",
    r"(more|read more|recommended) (from|on) .{1,40}",
    r"(more|recommended) (stories|articles|for you)\.?:?",
    r"most (read|popular|viewed)",
    r"what to read next",
]

# A line matching one of these is dropped wherever it occurs.
BOILERPLATE_LINES: list[str] = [
    r"your email address will not be published\.?( required fields are marked \*)?",
    r"required fields are marked \*?",
    r"(name|email|website|comment) ?\*?",
    r"save my name, email, and website in this browser.*",
    r"post comment",
    r"(share|tweet|email|print|pin)( (this|on|via) .{0,40})?:?",
    r"share (this )?(article|story|page|post)( on .{0,30})?:?",
    r"(facebook|twitter|x|linkedin|whatsapp|reddit|email|copy link)",
    r"click (here )?to (share|print|email|tweet).*",
    r"(subscribe|sign up)( now| today)?( to| for)? (our|the)? ?(newsletter|daily|weekly|briefing|updates).*",
    r"(subscribe|sign up|log in|sign in|register)( now| today)?\.?",
    r"(get|receive) (our|the) .{0,40}newsletter.*",
    r"(get|receive) (our|the) .{0,40}(briefing|digest|headlines) (in|to) your inbox.*",
    r"enter your email( address)?\.?",
    r"manage (your )?(preferences|settings|subscriptions?)\.?",
    r"(no thanks|maybe later|unsubscribe at any time\.?)",
    r"we use cookies.*",
    r"this (web)?site uses cookies.*",
    r"(accept|reject|manage) (all )?cookies.*",
    r"by (continuing|using) (to use )?(this|our) (site|website).*cookies.*",
    r"advertisement",
    r"(skip|jump) to (main )?content",
    r"follow us on .{1,40}",
    r"read more:?",
    r"(image|photo|video) (credit|source):? .{0,80}",
    r"all rights reserved\.?.*",
    r"(©|copyright) ?\d{4}.{0,80}",
]

# Contributor / byline lines: moved to ``byline``, never left in ``text``.
BYLINE_LINES: list[str] = [
    r".{1,160}\bcontributed (reporting|research|to this (report|story|article))\.?",
    r"(additional )?(reporting|writing|editing|research) by .{1,160}",
    r"by [A-ZÀ-Ý][\w.’'-]+( [A-ZÀ-Ý][\w.’'-]+){0,3}((, | and | & )[A-ZÀ-Ý][\w.’'-]+( [A-ZÀ-Ý][\w.’'-]+){0,3})*"
    r"(,? (staff writer|correspondent|reporter|associated press|reuters|ap|afp))?",
    r"(associated press|ap|reuters|afp) (writer|correspondent)s? .{1,120}",
]

# A short label line near the top (e.g. "World", "U.S. Politics"): recognised as ``section``.
SECTION_MAX_WORDS: int = 4
SECTION_MAX_CHARS: int = 40
SECTION_LINE: str = r"[A-Z][\w&’'./ -]{0,39}"   # no closing punctuation, starts upper-case

# Section labels recognised even before the headline (after it, any short label line counts).
KNOWN_SECTIONS: list[str] = [
    "World", "U.S.", "US", "US News", "U.S. News", "Nation", "National", "International", "Politics",
    "Business", "Economy", "Markets", "Money", "Finance", "Opinion", "Editorial", "Analysis", "Health",
    "Science", "Climate", "Environment", "Energy", "Technology", "Tech", "Education", "Immigration",
    "Crime", "Justice", "Security", "Defense", "Local", "Metro", "Region", "Sports", "Culture", "Arts",
    "Entertainment", "Lifestyle", "Travel", "Agriculture", "Trade", "Transportation", "Housing",
    "Europe", "Asia", "Africa", "Americas", "Latin America", "Middle East", "News", "Breaking News",
]

# A line that is only a publication date ("March 28, 2025", "Published: 2025-03-28 10:04").
DATE_LINE: str = (
    r"(published|posted|updated|first published)?( on)?:? ?"
    r"((mon|tues|wednes|thurs|fri|satur|sun)day,? )?"
    r"(\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2})?)?"
    r"|\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{4}"
    r"|(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})"
    r"(,? (at )?\d{1,2}(:\d{2})? ?([ap]\.?m\.?)?( [A-Z]{2,4})?)?"
)
# The date part inside a DATE_LINE, for parsing.
DATE_VALUE: str = (
    r"\d{4}-\d{2}-\d{2}"
    r"|\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{4}"
    r"|(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}"
)

# Plausible publication dates; anything outside is "impossible" (kept empty, reported).
MIN_YEAR: int = 1800
MAX_DAYS_AHEAD: int = 2


_CACHE: dict[tuple[int, int], re.Pattern[str]] = {}


def _compiled(patterns: list[str]) -> re.Pattern[str]:
    """One case-insensitive alternation of ``patterns`` (recompiled when the list grows or shrinks)."""
    key = (id(patterns), len(patterns))
    rx = _CACHE.get(key)
    if rx is None:
        rx = _CACHE[key] = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    return rx


def reset() -> None:
    """Forget compiled patterns (call after replacing an entry of a list in place)."""
    _CACHE.clear()
    _CLASSIFIER.clear()


def _full(patterns: list[str], line: str, max_len: int = 250) -> bool:
    """Return True when ``line`` (stripped, at most ``max_len`` chars) fully matches one of ``patterns``."""
    line = line.strip()
    return len(line) <= max_len and _compiled(patterns).fullmatch(line) is not None


def classify(line: str) -> str | None:
    """Kind of furniture a line is: "tail", "boilerplate", "byline", "date" or None (body text).

    One regex pass instead of one per kind (the loaders call this for every short paragraph).

    >>> classify("Leave a Reply"), classify("By Ana Ruiz"), classify("Noem arrived on Friday.")
    ('tail', 'byline', None)
    """
    line = line.strip()
    if len(line) > 250:
        return None
    key = (id(TAIL_MARKERS), len(TAIL_MARKERS), id(BOILERPLATE_LINES), len(BOILERPLATE_LINES),
           id(BYLINE_LINES), len(BYLINE_LINES))
    rx = _CLASSIFIER.get(key)
    if rx is None:
        parts = [f"(?P<tail>{'|'.join(f'(?:{p})' for p in TAIL_MARKERS)})",
                 f"(?P<boilerplate>{'|'.join(f'(?:{p})' for p in BOILERPLATE_LINES)})",
                 f"(?P<byline>{'|'.join(f'(?:{p})' for i, p in enumerate(BYLINE_LINES) if i != 2)})",
                 f"(?P<date>{DATE_LINE})"]
        rx = _CLASSIFIER[key] = re.compile("|".join(parts), re.IGNORECASE)
    m = rx.fullmatch(line)
    if m is not None:
        return m.lastgroup
    if line[:3] in ("By ", "BY ") and is_byline(line):
        return "byline"
    return None


_CLASSIFIER: dict[tuple[int, ...], re.Pattern[str]] = {}


def is_tail_marker(line: str) -> bool:
    """True when ``line`` starts the end-of-article furniture (comments, related links).

    >>> is_tail_marker("Related Articles")
    True
    """
    return _full(TAIL_MARKERS, line)


def is_boilerplate(line: str) -> bool:
    """True when ``line`` is a share/subscribe/cookie/comment-form prompt.

    >>> is_boilerplate("Your email address will not be published. Required fields are marked *")
    True
    """
    return _full(BOILERPLATE_LINES, line)


def is_byline(line: str) -> bool:
    """True when ``line`` names the author or a contributor.

    >>> is_byline("By Maria Lopez and John Smith")
    True
    """
    line = line.strip()
    if len(line) > 220:
        return False
    # "By" lines are case-sensitive on the names, so test them without IGNORECASE first.
    if line.startswith("By ") or line.startswith("BY "):
        return re.fullmatch(BYLINE_LINES[2], "by " + line[3:]) is not None
    return _full([p for i, p in enumerate(BYLINE_LINES) if i != 2], line)


def is_section(line: str) -> bool:
    """True when ``line`` looks like a short section label such as "World".

    >>> is_section("World"), is_section("Noem arrived in Mexico on Friday.")
    (True, False)
    """
    line = line.strip()
    return (
        0 < len(line) <= SECTION_MAX_CHARS
        and len(line.split()) <= SECTION_MAX_WORDS
        and re.fullmatch(SECTION_LINE, line) is not None
        and not line.endswith(".")
        and not is_date_line(line)
    )


def is_known_section(line: str) -> bool:
    """True when ``line`` is one of :data:`KNOWN_SECTIONS` (case-insensitive).

    >>> is_known_section("us news"), is_known_section("Headline B")
    (True, False)
    """
    return line.strip().casefold() in _KNOWN


_KNOWN = frozenset(s.casefold() for s in KNOWN_SECTIONS)


def is_date_line(line: str) -> bool:
    """True when ``line`` only states a date.

    >>> is_date_line("Published: March 28, 2025")
    True
    """
    return _full([DATE_LINE], line)


def date_value(line: str) -> str | None:
    """Return the date text inside a date line, or None.

    >>> date_value("Updated March 28, 2025 at 10:04 a.m. EDT")
    'March 28, 2025'
    """
    m = re.search(DATE_VALUE, line, re.IGNORECASE)
    return m.group(0) if m else None
