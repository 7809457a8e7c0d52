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
    """Forget compiled patterns: call after changing :data:`LINE_RULES` or replacing a list entry in place."""
    _CACHE.clear()
    _CLASSIFIER.clear()
    GENERATION[0] += 1


GENERATION: list[int] = [0]     # bumped by reset(): compiled line rules elsewhere are rebuilt


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


# ---------------------------------------------------------------------------------------------------
# Line classifier rules (used by :mod:`analysis.corpus.lines`): reason -> regular expressions, each
# matched case-insensitively against one whole stripped line of at most ``LINE_RULE_MAX`` characters.
# They are compiled once: call :func:`reset` after changing them.
# Sources: the furniture of news CMSs (WordPress, Arc, Brightspot), wire pages (AP, Reuters), TV
# station and local-paper templates, newsletter platforms (Substack, Ghost, Beehiiv) and the residue
# found in the shared AllSides texts ("Advertisement", "Story Continued Below", "Sign up for Daily
# Newsletters", "More On This..."). Shape rules (menu runs, breadcrumbs, headline lists after a
# "Related" marker) are in :mod:`analysis.corpus.lines`; the thresholds they use are below.
LINE_RULE_MAX: int = 300
LINE_RULES: dict[str, list[str]] = {
    # a comment form or comment thread: the article is over
    "comment_form": [
        r"leave a (reply|comment)( cancel reply)?", r"cancel reply", r"\d* ?comments?( \(\d+\))?",
        r"comments are closed\.?", r"(join|start) the (conversation|discussion)",
        r"(show|view|load|hide|add a|post a|read) comments?( \(\d+\))?", r"(log|sign) in to (comment|reply).*",
        r"your email address will not be published\.?( required fields are marked \*)?",
        r"required fields are marked \*?", r"(name|email|website|comment) ?\*?", r"post comment",
        r"save my name, email, and website in this browser.*", r"conversation guidelines?.*",
    ],
    # "related / read more / trending" markers and single-line promos of other articles
    "related": [
        r"related( (articles?|stories|posts|coverage|content|links|reading|video|topics))?:?",
        r"(you|we think you) (may|might) (also )?(like|enjoy|be interested in)\.?:?",
        r"(more|read more|recommended|latest) (from|on|in) [^.]{1,40}", r"(more|recommended|top|latest|popular) (stories|articles|news|headlines|videos?)( for you)?\.?:?",
        r"most (read|popular|viewed|shared|emailed)( (stories|articles|now))?:?", r"what to read next",
        r"(trending|popular|happening)( now| today| stories| news)?:?", r"editor'?s'? (picks?|choice)",
        r"(read|see|watch) (more|also|next)\b:?.{0,160}", r"(also read|further reading|keep reading|up next)\b.{0,160}",
        r"related: .{1,160}", r"(more on this|more from this section)\.*:?",
        r"(story|article) continues? (below|after (the )?(advertisement|ad))\.?( advertisement)?",
        r"story continued below", r"continue reading( the main story| below)?\.?", r"advertisement:? continue reading the main story",
        r"special coverage: .{1,120}", r"click here (for|to read) .{1,120}", r"(watch|listen|video|audio): .{1,160}",
        r"(breaking( news)?|developing( story)?|just in|news alert|live updates?)( ?[:|–—-]) .{1,200}",
    ],
    "advertisement": [
        r"(advertisement:?( advertisement)*|ad|ads|sponsored( content| by .{1,40})?|paid (content|post|partner content)|promoted( stories)?)",
        r"\[?(pullquote|ad|advertisement)\]?", r"(skip|close|hide) (ad|advertisement)",
    ],
    # share / follow / subscribe / newsletter / cookie / consent / donation prompts
    "prompt": [
        r"(share|tweet|email|print|pin|save|copy link)( (this|on|via|to) .{0,40})?:?",
        r"share (this )?(article|story|page|post|video)( on .{0,30})?:?( share| tweet| post| email| whatsapp| facebook| twitter)*",
        r"(facebook|twitter|x|linkedin|whatsapp|reddit|email|copy link|flipboard|messenger|telegram)",
        r"(facebook|twitter|linkedin|whatsapp|reddit|email|print|share|tweet|post)( (facebook|twitter|linkedin|whatsapp|reddit|email|print|share|tweet|post))+",
        r"click (here )?to (share|print|email|tweet).*", r"follow (us|@\w+|[\w .]{1,40}) on (twitter|x|facebook|instagram|threads|bluesky|linkedin).*",
        r"(- )?follow (us|@\w+).{0,80}", r"(subscribe|sign up)( now| today| here| free)?( to| for)? (our|the|my|a)? ?(free )?(daily|weekly|morning|evening)? ?(newsletters?|briefing|updates|digest|alerts|emails?).*",
        r"(subscribe|sign up|log ?in|sign in|register|sign out|log out|my account|subscribe now|subscribe today)( now| today| here)?\.?",
        r"sign up for .{1,60}(newsletters?|briefing|digest|alerts|emails?)\b.*", r"manage newsletters",
        r"(get|receive|want) (our|the|more) .{0,60}(newsletter|briefing|digest|headlines|stories|news|updates)\b.{0,40}(in|to|delivered to) your inbox.*",
        r"(get|receive) (our|the) .{0,40}newsletter.*", r".{0,80}delivered (straight |directly |right )?to your inbox.*",
        r"(enter|type) your (email|e-mail)( address)?.{0,40}", r"e-?mail address\.?", r"(email|e-mail)( address)? ?\*?",
        r"manage (your )?(preferences|settings|subscriptions?|consent|choices|options|cookies)\.?",
        r"(no,? thanks|maybe later|not now|unsubscribe at any time\.?|you can unsubscribe at any time.*)",
        r"(by (signing up|subscribing|clicking|submitting|entering)).{0,200}(privacy|terms|agree|consent).*",
        r"thanks? (you )?for (reading|subscribing|signing up).{0,120}", r"thank you for (reading|subscribing|signing up).{0,120}",
        r"(already|not) a (subscriber|member)\?.{0,80}", r"(support|fund|power) (our|independent|local|quality) (journalism|reporting|newsroom).{0,120}",
        r"(donate|become a (member|subscriber|patron|supporter))( now| today)?[^.]{0,60}", r"(give|contribute) (now|today|here)",
        r"we use cookies.*", r"this (web)?site uses cookies.*", r"(accept|reject|allow|decline|manage) (all )?cookies.*",
        r"by (continuing|using) (to (use|browse) )?(this|our) (site|website).*", r"cookies? (settings|policy|preferences|notice|consent)",
        r"(accept|reject|agree|i agree|got it|ok|okay|allow all|reject all|accept all|continue|dismiss|close)( and close| & close)?",
        r"(we|this site) (value|respects?|care about) your privacy.*", r"do not sell (or share )?my (personal )?info(rmation)?\.?",
        r"(privacy policy|terms of (use|service)|cookie policy|terms (&|and) conditions|contact us|about us|advertise with us|careers|site map|sitemap)(( [|·•] | \| )?(privacy policy|terms of (use|service)|cookie policy|contact us|about us|advertise|careers|site map))*",
        r"(download|get) (our|the) (free )?app.{0,80}", r"(turn on|enable) (browser )?notifications.*", r"(watch live|listen live|live tv|live updates)",
        r"skip to (main )?(content|navigation|search)", r"(jump|go) to (main )?(content|navigation)", r"(toggle|open|close) (navigation|menu|search)",
        r"(menu|search|home|close|back to top|top|more|sections|navigation|account|profile)",
        r"(this article|this story) is more than \d+ (years?|months?|days?) old",
        r"(send|email) (us )?(a )?(tip|news tip|story idea).{0,80}", r"got a (news )?tip\??.{0,120}",
        r"(a )?free (newsletter|trial).{0,80}", r"start (your )?free trial.{0,80}",
        r"like this:?", r"like loading\.*", r"(be the first to like this|loading)\.*",
        r"you (are receiving|received|get) this (e-?mail|message|newsletter) because.{0,160}",
        r"view (this|the) (e-?mail|newsletter) (in|on) (your|a|the) (web )?browser\.?", r"forwarded this (e-?mail|newsletter)\?.{0,80}",
        r"(unsubscribe|update (your )?(preferences|profile)|manage (your )?subscription)( ?[|·•] ?(unsubscribe|update (your )?(preferences|profile)|manage (your )?subscription|view in browser))*",
    ],
    "copyright": [
        r"all rights reserved\.?.*", r"(©|\(c\)) ?.{0,160}", r"copyright:? (©|\(c\))? ?\d{4}.{0,140}", r".{0,120}\ball rights reserved\b.{0,80}",
        r"this material may not be published, broadcast, rewritten,? or redistributed.*",
        r"(our standards|standards): the thomson reuters trust principles.*",
        r"the associated press is an independent global news organization.*", r"ap is solely responsible for all content.*",
        r"the associated press receives (support|financial support).{0,200}",
        r"(the views|opinions) expressed (in this|here).{0,200}(do not|don'?t) (necessarily )?reflect.*",
    ],
    "credit": [
        r"(photo|image|video|graphic|illustration|file photo|photograph|picture|caption|credit)s?( credit)?( by|:) ?[^.!?]{0,100}\.?",
        r"(photo|image|video|graphic|illustration|photograph)s?( credit)?",
        r"\(?(ap|reuters|afp|getty images|epa|upi|bloomberg|shutterstock)( photo| images)?(/[^)]{1,80})?\)?\.?",
        r".{5,300}\((ap|reuters|afp|getty|epa|upi|bloomberg|associated press)[^)]{0,80}(photo|images|/)[^)]{0,80}\)\.?",
        r".{5,300}\((photo|image|file photo|credit)[^)]{0,100}\)\.?", r".{5,300}(photo|image|photograph|credit): [^.]{2,80}(/[^.]{2,60})?\.?",
        r"(hide|show|view|expand|enlarge) (caption|image|photo|gallery).{0,40}", r"(slideshow|gallery|photos?) \(\d+ (images?|photos?)\)",
        r"\d+ (photos?|images?)", r"(now playing|video)( \d+:\d+)?",
        r"[\w.'’ -]{2,40}/(ap|afp|reuters|getty images|bloomberg|pool|epa|upi|npr|ap photo|shutterstock|"
        r"the (washington post|new york times)|[\w ]{1,30} via getty images)( via [\w ]{1,30})?",
    ],
    "reading_time": [
        r"\d+ ?(-| )?(min|mins|minutes?)( read| listen| watch)?", r"(estimated )?read(ing)? time:? ?\d+ ?(min|mins|minutes?)",
        r"listen to (this |the )?(article|story|episode)( \d+ ?(min|mins|minutes?))?.{0,60}", r"(audio|listen)( version| now)?:? ?(\d+:\d+)?",
        r"\d+:\d+( min)?",
    ],
    # publication / update stamps (a date inside one fills ``date`` when the metadata has none)
    "stamp": [
        r"(published|posted|updated|last updated|first published|modified|originally published)( on| at)?:? ?"
        r"((mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?\.?,? )?"
        r"(\d{1,2}:\d{2}|\d{1,4}[/-]|\d{1,2},? |\d{4}\b|(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d).{0,70}",
        r".{1,60}\|\s*(updated|modified|published):? .{1,60}",
        r"(updated |posted |published )?(about |over )?(\d+|an?|one|two|three) (seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?) ago",
        r"(updated |posted |published )?(just now|yesterday|today)( at .{1,20})?",
        r"\d{1,2}:\d{2} ?([ap]\.?m\.?)?( [A-Z]{2,4})?,? .{0,40}\d{4}", r"\d{1,2}/\d{1,2}/\d{2,4}( \d{1,2}:\d{2}.{0,12})?",
    ],
    "navigation": [
        r"(home|news|local|weather|sports|politics|world|business|opinion|entertainment|video|podcasts?|lifestyle|"
        r"health|tech|science|obituaries|e-?edition|classifieds|jobs|real estate|shop|events|traffic|contests)"
        r"(\s*[|•·/]\s*(home|news|local|weather|sports|politics|world|business|opinion|entertainment|video|podcasts?|"
        r"lifestyle|health|tech|science|obituaries|e-?edition|classifieds|jobs|real estate|shop|events|traffic|contests))+",
        r"(tags?|topics?|categories|more about|in this article): .{0,160}", r"filed under:? .{0,160}",
        r"_{3,}|-{3,}|\*( \*)+|={3,}|•+|\*+", r"[·•|]? ?\d{1,6}",  # rules, bullets, bare counters (likes, comments)
    ],
}

# Markers that introduce a list of other articles' headlines (the lines after one go with it).
LIST_MARKERS: list[str] = [
    r"related( (articles?|stories|posts|coverage|content|links|reading|video|topics))?:?",
    r"(you|we think you) (may|might) (also )?(like|enjoy|be interested in)\.?:?",
    r"(more|recommended|top|latest|popular) (stories|articles|news|headlines|videos?)( for you)?\.?:?",
    r"(more|latest) (from|on|in) [^.]{1,40}", r"most (read|popular|viewed|shared|emailed)( (stories|articles|now))?:?",
    r"what to read next", r"read next:?", r"up next:?", r"(trending|popular|happening)( now| today| stories| news)?:?",
    r"editor'?s'? (picks?|choice)", r"more on this\.*:?", r"further reading:?", r"(see|read) also:?",
]

# Rules that start with "." or "[" (a caption ending in a credit, "... All rights reserved.") are
# tried only on lines containing one of these substrings (lower case): a fast pre-check.
FLOATING_HINTS: list[str] = [
    "photo", "image", "credit", "rights reserved", "contributed", "inbox", "|", "/", "(ap", "(reuters", "(afp",
    "(getty", "(epa", "(upi", "(bloomberg", "(associated press",
]

# Shapes: a "label" is a short line without sentence punctuation (menu item, section, widget title).
LABEL_MAX_WORDS: int = 4
LABEL_MAX_CHARS: int = 40
NAV_RUN: int = 3                    # this many label lines in a row (or separated by other furniture) are a menu
HEADLINE_MAX_WORDS: int = 30        # longer lines are body text, whatever their punctuation
HEADLINE_MIN_WORDS: int = 3
PROSE_MIN_WORDS: int = 20           # a line this long is prose even without final punctuation
QUESTION_PROSE_WORDS: int = 16      # a line ending in "?" or "!" is prose from this many words (else headline-shaped)
TITLE_CASE_SHARE: float = 0.85      # a short line with this share of capitalized words is a headline, even with a period
TITLE_CASE_MAX_WORDS: int = 20
SMALL_WORDS: frozenset[str] = frozenset(
    "a an the of to in on and for at by with from or as but is are was be its it vs via up out off over into nor so yet".split())
BREADCRUMB_SEPARATORS: str = "›»>/|"
# Templates: a line is part of a site's template when seen in this many files and this share of
# the site's files (and it is boilerplate-shaped or sits in the head/tail block of the page).
TEMPLATE_MIN_FILES: int = 3
TEMPLATE_MIN_SHARE: float = 0.30

# UTF-8 read as Windows-1252 ("mojibake"): a UTF-8 lead byte shown as Â..ô followed by
# continuation bytes shown as the cp1252 characters of 0x80-0xBF ("Ã¢â‚¬â„¢" for "’", read twice).
# Text scraped through a wrong charset carries runs of these; clean.repair_mojibake reverses them.
MOJIBAKE_CONTINUATION: str = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc" \
                             "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a" \
                             "\u20ac\u2122"
MOJIBAKE_RUN: re.Pattern[str] = re.compile(f"(?:[\u00c2-\u00f4][{MOJIBAKE_CONTINUATION}]+)+")
# Cheap substring test before MOJIBAKE_RUN: the lead bytes of Latin-1, Latin Extended, Cyrillic and
# punctuation (U+2000-U+20FF) as cp1252 shows them; text without any of these cannot hold a run.
MOJIBAKE_HINTS: tuple[str, ...] = ("Ã", "Â", "â€", "â„", "Ä", "Å", "Ð", "Ñ")
