"""Money, percentages and counts with the thing they count.

One compiled pattern finds money ("$50,000", "$2.5 billion", "€3 million", "5 million pesos"),
percentages ("25%", "25 percent", "3 percentage points") and counts ("10,000 troops", "more than
1 million people", "a half-dozen Mexican criminal cartels", "two dozen drug lords"). Number
words, dozens and multipliers come from ``analysis/data/numbers.csv``, currencies from
``analysis/data/currencies.csv``. Each row has the normalized ``value`` (multiplier applied),
``unit`` (ISO 4217 code in lower case such as ``usd``/``eur``, ``percent``,
``percentage_points`` or ``count``), the ``object`` noun phrase after the number ("tariff" for
"25% tariff", "exports" for "80% of its exports"; empty when none), the matched ``text`` (the
amount itself with a qualifier such as "more than", without the object), offsets, sentence id and the sentence's themes.
Counts need an object; years (1800-2099), dates ("March 15"), clock times and hyphenated
compounds ("three-nation", "18-karat") are not amounts.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"article_id": ["a"], "title": [""],
    ...                    "text": ["He plans a 25% tariff and sent 10,000 troops."]})
    >>> amounts(df, hits=pd.DataFrame())[["value", "unit", "object", "text"]].values.tolist()
    [[25.0, 'percent', 'tariff', '25%'], [10000.0, 'count', 'troops', '10,000']]
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

import pandas as pd

from analysis.evidence.documents import (
    SentenceLocator,
    data_table,
    extract_rows,
    themes_between,
)
from analysis.evidence.wordscan import number_starts
from analysis.schema import AMOUNT_COLUMNS
from analysis.text.theme_tags import SentenceThemeIndex

_QUALIFIER = re.compile(
    r"\b(?:more than|less than|fewer than|nearly|almost|about|around|roughly|approximately|over|under|"
    r"up to|at least|at most|some|an estimated|as many as|as much as|as few as|only|just)\s+$",
    re.IGNORECASE)
_DATE_BEFORE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.?\s+$|\b(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\s+$|\b(?:No|Nos|Vol|p|pp|Article|Section|Title|Chapter|"
    r"Rule|Proposition|Prop|Highway|Route|Interstate|Flight|Room|Apt|Suite|COVID|Covid|Air Force|Fox|"
    r"Channel|Amendment|District|Ward|Precinct)\.?\s+$")
_NP_WORD = re.compile(r"[ \xa0]+((?:[A-Z]\.){2,}|[A-Za-zÀ-ÿ][\w’'\-]*)")
_LEAD = re.compile(r"[ \xa0]+(?:(?:more|less)[ \xa0]+)?(?:(?:of|in|for|on|into|worth of|worth in|worth|to(?=[ \xa0]+(?:a|an|the|its|their)[ \xa0]))[ \xa0]+)?(?:(?:the|its|their|his|her|our|these|those|all|"
                   r"this|that|a|an)[ \xa0]+)?")
_PCT_LEAD = re.compile(r"[ \xa0]+of[ \xa0]+(?:(?:the|its|their|his|her|our|these|those|all|this|that)[ \xa0]+)?")
_NP_STOP = frozenset("""the a an of to in on for from at by with as and or but nor that which who whom whose
than then is are was were be been being has have had will would could should may might can must do does
did this these those its their his her our it they he she we you i per each since after before over under
into about more less last next ago said says say year years annually a.m. p.m. am pm percent
if when while because so not no also only just still even up down out off back away
there here what where how why all both either neither such own same other another some any many much
most few several between among against during without within through across toward towards upon onto
like unlike including among remain remained remains face faced took make made get got come came go went
too apiece alone total overall instead yet already again now today
became become voted died killed wounded left live lived work worked want wanted need needed hold held
include includes included spent received showed shows found think believe seem appear say tell told""".split())
_MAX_NP = 4
_CENTS = frozenset({"cents", "cent"})
_UNITS = frozenset("""miles mile kilometers kilometres acres acre tons tonnes barrels feet yards pounds gallons
hours days weeks months years square""".split())
_CHANGES = frozenset("increase decrease rise drop cut raise gain decline jump fall hike reduction".split())
_CHANGE_OF = re.compile(r"[ \xa0]+(in|of)[ \xa0](?:(?:the|its|their)[ \xa0])?")
_OF = re.compile(r"[ \xa0]+of[ \xa0]")
_PURPOSE = re.compile(r"[ \xa0]+(?:to[ \xa0]+(?:cover|fund|pay[ \xa0]+for|pay|build|buy|help|bolster|finance|support|"
                      r"settle)|for)[ \xa0]+(?:(?:the|its|their|his|her|a|an|new)[ \xa0]+)?")
_INDEX_NAME = re.compile(r"(?:\b[A-Z][A-Z&]+|\bNikkei|\bDow)[ \xa0]+$")
_INDEX_AFTER = re.compile(r"[ \xa0]+(?:index|Index|companies|stocks|futures|share|shares)\b")
_RANGE = re.compile(r"[ \xa0]*(?:to|-|–|and)[ \xa0]*(?=[0-9$€£¥₹])")
_FRACTION = re.compile(r"\b((?:[Aa]|[Oo]ne|[Tt]wo|[Tt]hree)[ \-](?:third|quarter|fifth|tenth)s?|[Hh]alf)[ \xa0]+(of)\b")
_FRACTION_WORDS = ("third", "quarter", "fifth", "tenth", "half of", "Half of")
# (fraction word, offsets before it where a _FRACTION match can start: "a-", "one ", "three-"; "half" itself)
_FRACTION_STARTS = tuple((w, (2, 4, 6)) for w in ("third", "quarter", "fifth", "tenth")) + (("half", (0,)), ("Half", (0,)))
_NUMERATORS = {"a": 1, "one": 1, "two": 2, "three": 3}
_DENOMINATORS = {"third": 3, "quarter": 4, "fifth": 5, "tenth": 10}
_NPW = r"[A-Za-z][\w’'\-]*"
_HEDGES = tuple(sorted((tuple(h.split()) for h in (
    "as much as", "as many as", "as few as", "as little as", "as high as", "as low as", "up to", "more than", "less than",
    "fewer than", "at least", "at most", "close to", "a little", "an estimated", "about", "around", "roughly",
    "nearly", "almost", "some", "just", "only", "over", "under", "approximately", "a", "an", "the")),
    key=len, reverse=True))
_HEDGE_ENDS = frozenset(h[-1] for h in _HEDGES)
_LINK_WORDS = frozenset("""of at to by from worth totaling totalling costing valued estimated set is was are were
be been rose fell jumped dropped climbed grew increased decreased reached hit totaled totalled stood cost costs
topped reach rise fall top""".split())
_AUX_WORDS = frozenset("will would could may might to has had have".split())
_OF_LINKS = frozenset({"of", "worth", "valued", "totaling", "totalling"})
_COPULA = re.compile(r"[ \xa0]+(?:were|was|are|is)[ \xa0]")
_RELATIVE = re.compile(r"[ \xa0]*(?:which|that)[ \xa0]+(?:was|is|were|are|has[ \xa0]+been|[a-z]+ed)\b")
_TAIL_NP = re.compile(r"(?:%s[ \xa0]+){0,3}%s$" % (_NPW, _NPW))
_POSS = re.compile(r"[’']s?$")
_YEAR = re.compile(r"1[89]\d\d|20\d\d")
_SPACES = re.compile(r"[ \xa0]+")


class Amount(NamedTuple):
    """One extracted amount: offsets of the matched text and its normalized reading."""

    start: int
    end: int
    value: float
    unit: str
    object: str


# ASCII digits only: an explicit class scans about 3x faster than \d (any Unicode digit) and news text
# writes amounts with ASCII digits; the amount pattern below reads the same digits.
_TRIGGER = re.compile(r"[0-9$€£¥₹][0-9,.]*")


def _candidates(doc: str) -> list[int]:
    """Return sorted start offsets where an amount may begin (digits, currency, number words)."""
    starts = []
    for m in _TRIGGER.finditer(doc):
        s = m.start()
        if doc[s] in "$€£¥₹":
            if doc[s - 2:s] == "US":
                s -= 2
            elif doc[s - 1:s] in ("C", "A") and (s < 2 or not doc[s - 2].isalnum()):
                s -= 1
        starts.append(s)
    starts.extend(number_starts(doc))  # number words ("two", "a dozen")
    starts.sort()
    return starts


@lru_cache(maxsize=1)
def _tables() -> tuple[re.Pattern[str], dict[str, float], dict[str, float], dict[str, str]]:
    """Compile the amount pattern; return (pattern, number words, multipliers, currency units)."""
    rows = data_table("numbers.csv")[1:]
    words = {w: float(v) for w, v, t in rows if t == "number"}
    mults = {w: float(v) for w, v, t in rows if t == "multiplier"}
    cur = {tok: (unit, pos) for tok, unit, pos in data_table("currencies.csv")[1:]}
    prefix = "|".join(re.escape(t) for t in sorted((t for t, (_, p) in cur.items() if p == "prefix"), key=len, reverse=True))
    suffix = "|".join(re.escape(t) for t in sorted((t for t, (_, p) in cur.items() if p == "suffix"), key=len, reverse=True))
    word_alt = "|".join(sorted((re.escape(w).replace(r"\ ", r"[ \xa0]") for w in words), key=len, reverse=True))
    long_mult = "|".join(m for m in mults if len(m) > 2)
    short_mult = "|".join(m for m in mults if len(m) <= 2)
    num = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
    mult = r"(?:[ \xa0](?P<{g}>{l})\b|(?P<{g}s>{s})\b)?".format
    pattern = (
        r"(?P<cur>{prefix})[ \xa0]?(?P<mnum>{num}){mm}"
        r"|(?<![\w$€£¥.,/\-])(?:(?P<num>{num})|\b(?P<word>(?i:{words})))\b{nm}"
        r"(?:[ \xa0]?(?P<pct>%|percent\b|per[ \xa0]cent\b|percentage[ \xa0]points?\b|basis[ \xa0]points?\b)"
        r"|[ \xa0](?P<curw>{suffix})\b)?"
    ).format(prefix=prefix, num=num, words=word_alt, suffix=suffix,
             mm=mult(g="mm", l=long_mult, s=short_mult),
             nm=r"(?:[ \xa0](?P<nm>%s)\b)?" % long_mult)
    units = {t: u for t, (u, _) in cur.items()}
    return re.compile(pattern), {w.lower(): v for w, v in words.items()}, mults, units


def _noun_phrase(doc: str, pos: int, lead: re.Pattern[str] | None) -> str:
    """Return the noun phrase starting after ``pos`` (after an optional preposition/determiner)."""
    m = lead.match(doc, pos) if lead is not None else None
    if m:
        pos = m.end() - 1
    words: list[str] = []
    for _ in range(_MAX_NP):
        w = _NP_WORD.match(doc, pos) if doc[pos:pos + 1] in " \xa0" else None
        if w is None:
            break
        word = w.group(1)
        if word.lower() in _NP_STOP:
            break
        bare = _POSS.sub("", word)
        words.append(bare)
        pos = w.end()
        if bare != word or doc[pos:pos + 1] not in " \xa0":
            break
    while len(words) > 1 and (words[-1].endswith("ed") or words[-1].endswith("ing") or words[-1].endswith("ly")):
        words.pop()
    return " ".join(words)


def doc_amounts(doc: str) -> list[Amount]:
    """Return the amounts found in one document, in order."""
    pattern, words, mults, units = _tables()
    out: list[Amount] = []
    done = 0
    for cand in _candidates(doc):
        if cand < done:
            continue
        m = pattern.match(doc, cand)
        if m is None:
            continue
        start, end = m.start(), m.end()
        done = end
        cur, pct, curw = m.group("cur", "pct", "curw")
        if cur:
            value = float(m.group("mnum").replace(",", ""))
            mul = m.group("mm") or m.group("mms")
            unit = units[cur]
        else:
            raw, word = m.group("num", "word")
            if raw is None and doc[start].isupper() and doc[max(0, start - 3):start].strip()[-1:].isalnum():
                continue  # "Group of Seven", "Ocean's Eleven": part of a name, not a count
            if raw is None:
                value = words[_SPACES.sub(" ", word.lower())]
            else:
                value = float(raw.replace(",", ""))
            mul = m.group("nm")
            if pct:
                unit = "basis_points" if pct.startswith("basis") else "percentage_points" if "point" in pct else "percent"
            elif curw:
                unit = units[curw]
                if curw in _CENTS:
                    value /= 100  # "50 cents" is half a dollar
            else:
                unit = "count"
                if raw is not None and mul is None and "," not in raw and (
                        "." in raw or _YEAR.fullmatch(raw)):
                    continue  # a year or a decimal without a unit
                if end < len(doc) and doc[end:end + 1] not in " \xa0":
                    continue  # "three-nation", "18-karat", "10:30"
                if doc[start - 1:start].isspace() and _DATE_BEFORE.search(doc, max(0, start - 16), start):
                    continue
        if mul:
            value *= mults[mul]
        if unit == "count" and _INDEX_AFTER.match(doc, end) and _INDEX_NAME.search(doc, max(0, start - 12), start):
            continue  # "CSI 300 index", "S&P 500": part of a name
        rng = _RANGE.match(doc, end)
        if rng:  # "$3 billion to $5 billion", "10% to 15%": one amount, the low value
            m2 = pattern.match(doc, rng.end())
            if m2 and m2.group("cur") == cur and m2.group("curw") == curw and (
                    _pct_kind(m2.group("pct")) == _pct_kind(pct)) and (
                    m2.group("cur") or m2.group("pct") or m2.group("curw")):
                end = done = m2.end()
        obj = _object(doc, start, end, unit)
        if unit == "count" and not obj:
            continue
        q = _QUALIFIER.search(doc, max(0, start - 24), start) if doc[start - 1:start].isspace() else None
        if q:  # (the qualifier and the date patterns end in whitespace: nothing to search without it)
            start = q.start()
        out.append(Amount(start, end, value, unit, obj))
    out.extend(_fractions(doc))
    return sorted(out)


def _pct_kind(pct: str | None) -> str:
    """The kind of a percent word: "" (none), basis points, percentage points or percent."""
    return "" if not pct else "bp" if pct.startswith("basis") else "pp" if "point" in pct else "pct"


def _fractions(doc: str) -> list[Amount]:
    """"a third of", "two-thirds of", "half of" -> percent amounts with their object."""
    out: list[Amount] = []
    if not any(w in doc for w in _FRACTION_WORDS):
        return out
    for m in _fraction_matches(doc):
        word = m.group(1).lower().replace(" ", "-")
        if word == "half":
            value = 50.0
        else:
            num, den = word.split("-", 1)
            value = 100.0 * _NUMERATORS[num] / _DENOMINATORS[den.rstrip("s")]
        obj = _noun_phrase(doc, m.end(1), _PCT_LEAD)
        out.append(Amount(m.start(), m.end(1), value, "percent", obj))
    return out


def _fraction_matches(doc: str) -> list[re.Match[str]]:
    """``_FRACTION.finditer(doc)``, tried only where a match can start (a few offsets before each fraction word)."""
    starts: set[int] = set()
    for word, back in _FRACTION_STARTS:
        i = doc.find(word)
        while i >= 0:
            starts.update(i - b for b in back if i - b >= 0)
            i = doc.find(word, i + 1)
    out: list[re.Match[str]] = []
    done = 0
    for s in sorted(starts):
        if s < done:
            continue
        m = _FRACTION.match(doc, s)
        if m is not None:
            out.append(m)
            done = max(m.end(), s + 1)
    return out


def _object(doc: str, start: int, end: int, unit: str) -> str:
    """What an amount measures: the noun phrase after it, else the one before it in its clause."""
    if unit == "count":
        word = _NP_WORD.match(doc, end)
        if word and word.group(1).lower() in _UNITS and _OF.match(doc, word.end()):
            return _noun_phrase(doc, word.end(), _PCT_LEAD) or word.group(1)  # "100 miles of new border wall"
        return _noun_phrase(doc, end, None) or _before_object(doc, start)[0]
    before, linked_by_of = _before_object(doc, start)
    if before and linked_by_of:
        return before  # "imports of roughly $33 billion", "a tariff of 25% on steel"
    lead = _PCT_LEAD if unit in ("percent", "percentage_points", "basis_points") else _LEAD
    obj = _noun_phrase(doc, end, lead)
    if obj in _CHANGES:  # "a 50 percent drop in illegal immigration": the change and what changes
        m = _CHANGE_OF.match(doc, doc.find(obj, end) + len(obj))
        if m:
            what = _noun_phrase(doc, m.end() - 1, None)
            if what:
                obj = f"{obj} {m.group(1)} {what}"
    if not obj:
        m = _PURPOSE.match(doc, end) or _COPULA.match(doc, end)
        if m:
            obj = _noun_phrase(doc, m.end() - 1, None)
    return obj or before


def _before_object(doc: str, start: int) -> tuple[str, bool]:
    """The noun phrase before an amount in its clause -> (phrase, linked by "of"/"worth"): "imports of
    roughly $33 billion", "the new tariff will be a little under 17%", "the home, which was appraised
    for $580,000"."""
    clause = doc[max(0, start - 160):start]
    cut = max(clause.rfind(","), clause.rfind(";"), clause.rfind(":"), clause.rfind("."), clause.rfind("("),
              clause.rfind("—"), clause.rfind("\n"))
    words = clause[cut + 1:].split()
    i = _strip_hedges([w.lower() for w in words])
    relative = cut > 0 and _RELATIVE.match(clause, cut + 1) is not None
    if i > 0 and words[i - 1].lower() in _LINK_WORDS and not relative:
        link = words[i - 1].lower()
        i -= 1
        while i > 0 and words[i - 1].lower() in _AUX_WORDS:
            i -= 1
        np_ = _clean_np(" ".join(words[max(0, i - _MAX_NP - 1):i]))
        if np_:
            return np_, link in _OF_LINKS
    if relative:  # ", which was appraised for $580,000", "deficit in goods, which peaked at $420 billion"
        words = _TAIL_NP.search(clause, 0, cut)
        if words:
            return _clean_np(words.group(0)), False
    return "", False


def _strip_hedges(words: list[str]) -> int:
    """How many of ``words`` are left once hedges ("as much as", "up to", "about") are taken off the end."""
    i = len(words)
    while i > 0 and words[i - 1] in _HEDGE_ENDS:
        n = next((len(h) for h in _HEDGES if len(h) <= i and tuple(words[i - len(h):i]) == h), 0)
        if not n:
            return i
        i -= n
    return i


def _clean_np(text: str) -> str:
    """Keep the content words after the last function word of a phrase ("the tariff" -> "tariff")."""
    words = [_POSS.sub("", w) for w in text.split()]
    k = len(words)
    while k > 0 and (words[k - 1].lower() not in _NP_STOP or (
            words[k - 1] in ("in", "of") and k < len(words) and k > 1 and words[k - 2].lower() not in _NP_STOP)):
        k -= 1  # "deficit in goods", "rate of inflation": a prepositional phrase inside the noun phrase
    kept = words[k:][-_MAX_NP:]
    while kept and kept[0] in ("in", "of"):
        kept = kept[1:]
    return " ".join(w for w in kept if not w[:1].isdigit())


def _amount_row(aid: str, doc: str, a: Amount, loc: SentenceLocator, index: SentenceThemeIndex) -> dict[str, Any]:
    """The table row of one amount."""
    sid = loc.sid(a.start)
    return {"article_id": aid, "sentence_id": sid, "value": a.value, "unit": a.unit, "object": a.object,
            "text": doc[a.start:a.end], "start": a.start, "end": a.end, "themes": themes_between(index, aid, sid, sid)}


def amounts(articles: pd.DataFrame, hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Money, percentages and counts per article (AMOUNT_COLUMNS) with object and themes.

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a1"], "title": [""],
    ...                      "text": ["Trump announced a 25% tariff and sent 10,000 troops."]})
    >>> amounts(arts)[["value", "unit", "object"]].values.tolist()
    [[25.0, 'percent', 'tariff'], [10000.0, 'count', 'troops']]
    """
    return extract_rows(articles, hits, doc_amounts, _amount_row, AMOUNT_COLUMNS,
                        {"article_id": "string", "sentence_id": "int64", "value": "float64", "unit": "string",
                         "object": "string", "text": "string", "start": "int64", "end": "int64"})
