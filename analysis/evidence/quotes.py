"""Direct quotations with their speakers.

Quotation marks are paired per paragraph (curly “…” and straight "…"; a paragraph that ends inside
an open quotation continues into the next paragraph's opening mark, the news convention for long
quotes). A quotation counts as direct speech when it has at least three words and either ends in
punctuation inside the marks (“…,” / “….”), has an attribution, or runs to eight words or more;
short scare quotes ("coordination and collaboration") are not quotations.

The speaker comes from the attribution right after the closing mark (“…,” Sheinbaum said /
“…,” said Sheinbaum / “…,” Noem told reporters / “…,” according to …) or right before the opening
mark (Sheinbaum said: “…”, or a bare "…, but said “…”" whose speaker is the last person named
earlier in the paragraph); a quotation with no attribution of its own inherits the speaker of the
previous quotation in the same paragraph. Pronouns ("she wrote") resolve to the most recent
person named before the quotation (outside quotations); names resolve to the article's full name
("Sheinbaum" -> "Claudia Sheinbaum") with ``analysis.evidence.actors``. Speech verbs are data
(``analysis/data/speech_verbs.txt``).

``start``/``end`` span the quotation including its marks; ``quote`` is the text inside the marks
(a trailing comma dropped); ``sentence_id`` is the sentence where it opens; ``themes`` the union of
the themes of every sentence it covers.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"article_id": ["a"], "title": [""],
    ...     "text": ["President Claudia Sheinbaum spoke. “This integration has existed for decades,” Sheinbaum said."]})
    >>> quotes(df, hits=pd.DataFrame())[["speaker", "verb", "quote"]].values.tolist()
    [['Claudia Sheinbaum', 'said', 'This integration has existed for decades']]
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from analysis.evidence.actors import lexicon
from analysis.evidence.documents import (
    SentenceLocator,
    article_theme_index,
    data_lines,
    frame,
    iter_documents,
    themes_between,
)
from analysis.evidence.speakers import last_person, resolve_speaker
from analysis.schema import QUOTE_COLUMNS
from analysis.text.sentences import paragraph_spans

_MARKS = re.compile(r"[“”\"]")
_PRONOUNS = frozenset({"he", "she", "they", "He", "She", "They"})
_ARTICLES = frozenset({"The", "A", "An", "One", "Another"})
MIN_WORDS = 3
LONG_WORDS = 8


class Quote(NamedTuple):
    """A paired quotation: offsets with marks, inner text, and whether it was continued."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compile the attribution patterns: after-quote name-verb and verb-name, before-quote
    name-verb, and a bare verb right before the quote ("…, but said “…”")."""
    verbs = "|".join(re.escape(v).replace(r"\ ", r"\s+")
                     for v in sorted(data_lines("speech_verbs.txt"), key=len, reverse=True))
    abbrs = sorted({w for t in lexicon().titles for w in t if w.endswith(".")}, key=len, reverse=True)
    tok = r"(?:(?:%s)(?=[ \xa0][A-Z])|" % "|".join(map(re.escape, abbrs)) + r"[A-ZÀ-Þ][\w’'\-]*\w|[A-Z]\.(?=[ \xa0][A-Z]))"
    name = r"%s(?:[ \xa0](?:(?:de|del|la|van|von|bin|al|da)[ \xa0])?%s){0,5}" % (tok, tok)
    pron = r"(?:he|she|they|He|She|They|I|we|We)"
    np_ = r"(?:(?:the|a|an|one|another|The|A|An|One|Another)\s+[^\s,.;:“”\"!?]+(?:\s+[^\s,.;:“”\"!?]+){0,5}?)"
    np_full = r"(?:(?:the|a|an|one|another)\s+[^,.;:“”\"!?()]{1,80}[^\s,.;:“”\"!?()])"
    spk = r"(?P<spk>%s|%s|%s)" % (pron, name, np_)
    after_a = re.compile(r"[\s,—–-]*(?:%s\s+(?:\w+ly\s+)?(?P<verb>%s)\b|according\s+to\s+(?P<acc>%s|%s))"
                         % (spk, verbs, name, np_full))
    after_b = re.compile(r"[\s,—–-]*(?P<verb>%s)\s+(?P<spk>%s|%s)" % (verbs, name, np_))
    before = re.compile(r"(?:^|[\s(])%s\s+(?:\w+ly\s+)?(?P<verb>%s)\b[^.“”\"!?:]{0,80}?[:,]\s*$" % (spk, verbs))
    bare = re.compile(r"\b(?P<verb>%s)[:,]?\s*$" % verbs)
    return after_a, after_b, before, bare


def _pair_quotes(doc: str, paras: list[tuple[int, int]]) -> list[Quote]:
    """Pair quotation marks paragraph by paragraph, merging quotations continued across paragraphs."""
    out: list[Quote] = []
    pending: tuple[int, list[str]] | None = None  # open quotation carried from the previous paragraph
    for ps, pe in paras:
        opened: int | None = None
        curly = False
        carried = pending
        pending = None
        if carried is not None and doc[ps] not in "“\"":
            carried = None  # the next paragraph does not continue the quotation
        for m in _MARKS.finditer(doc, ps, pe):
            ch, pos = m.group(0), m.start()
            if ch == "“" or (ch == '"' and opened is None):
                opened, curly = pos, ch == "“"
            elif opened is not None and (ch == "”" or not curly):
                inner = doc[opened + 1:pos]
                if carried is not None and opened == ps:
                    out.append(Quote(carried[0], pos + 1, " ".join(carried[1] + [inner.strip()])))
                    carried = None
                else:
                    out.append(Quote(opened, pos + 1, inner.strip()))
                opened = None
        if opened is not None:
            part = doc[opened + 1:pe].strip()
            if carried is not None and opened == ps:
                pending = (carried[0], carried[1] + [part])
            else:
                pending = (opened, [part])
    return out


def _is_speech(q: Quote, attributed: bool) -> bool:
    """True when a paired quotation is direct speech rather than a scare quote or title."""
    n = len(q.text.split())
    if n < MIN_WORDS:
        return False
    return attributed or n >= LONG_WORDS or q.text[-1:] in ".,!?…—–-:;"


def _attribution(doc: str, q: Quote, para: tuple[int, int]) -> tuple[str, str, int] | None:
    """Return (speaker text, verb, offset of the speaker) attributing quotation ``q``, if any."""
    after_a, after_b, before, bare = _patterns()
    window_end = min(para[1], q.end + 160)
    if not q.text.endswith("."):  # “….” ends the sentence: what follows is a new one
        m = after_a.match(doc, q.end, window_end)
        if m:
            if m.group("acc"):
                return m.group("acc"), "according to", m.start("acc")
            return m.group("spk"), m.group("verb"), m.start("spk")
        m = after_b.match(doc, q.end, window_end)
        if m:
            return m.group("spk"), m.group("verb"), m.start("spk")
    lead = doc[max(para[0], q.start - 3):q.start].rstrip()
    m = before.search(doc, max(para[0], q.start - 200), q.start) if lead[-1:] in (":", ",") else None
    if m:
        return m.group("spk"), m.group("verb"), m.start("spk")
    m = bare.search(doc, max(para[0], q.start - 24), q.start)
    if m:
        return "", m.group("verb"), para[0]  # subject elsewhere in the sentence: last person named
    return None


def doc_quotes(doc: str) -> list[tuple[Quote, str | None, str | None]]:
    """Return (quotation, speaker, verb) for each direct quotation of one document."""
    if "“" not in doc and '"' not in doc:
        return []
    paras = paragraph_spans(doc)
    paired = _pair_quotes(doc, paras)
    if not paired:
        return []
    para_starts = [s for s, _ in paras]
    spans = [(q.start, q.end) for q in paired]
    memo: dict[str, list[tuple[int, str]]] = {}
    out: list[tuple[Quote, str | None, str | None]] = []
    prev: tuple[int, str | None, str | None] | None = None  # (paragraph index, speaker, verb)
    for q in paired:
        if len(q.text.split(None, MIN_WORDS)) < MIN_WORDS:
            continue  # a scare quote: never a quotation, no attribution needed
        first = bisect_right(para_starts, q.start) - 1
        last = bisect_right(para_starts, q.end - 1) - 1
        found = _attribution(doc, q, (paras[first][0], paras[last][1]))
        if not _is_speech(q, found is not None):
            continue
        speaker = verb = None
        if found is not None:
            spk, verb, at = found
            if spk in _PRONOUNS:
                speaker = last_person(doc, q.start, spans, memo)
            elif spk == "":
                speaker = last_person(doc, q.start, spans, memo, floor=at)
            elif spk in ("I", "we", "We"):
                speaker = None
            elif spk[:1].islower() or spk.split(" ")[0] in _ARTICLES:
                speaker = spk
            else:
                speaker = resolve_speaker(spk, at, doc, memo)
        elif prev is not None and prev[0] == first:
            speaker, verb = prev[1], prev[2]
        out.append((q, speaker, verb))
        prev = (last, speaker, verb)
    return out


def quotes(articles: pd.DataFrame, hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Direct quotations of each article (QUOTE_COLUMNS) with speaker, verb, offsets and themes.

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a1"], "title": ["Tariff talks"],
    ...                      "text": ["“Any tariff will hurt us,” Sheinbaum said."]})
    >>> quotes(arts)[["speaker", "verb", "quote"]].values.tolist()
    [['Claudia Sheinbaum', 'said', 'Any tariff will hurt us']]
    """
    index = article_theme_index(articles, hits)
    rows = []
    for aid, doc in iter_documents(articles):
        found = doc_quotes(doc)
        if not found:
            continue
        loc = SentenceLocator(doc)
        for q, speaker, verb in found:
            first, last = loc.sid(q.start), loc.sid(max(q.start, q.end - 1))
            text = q.text[:-1].rstrip() if q.text.endswith(",") else q.text
            rows.append({"article_id": aid, "sentence_id": first, "speaker": speaker, "verb": verb,
                         "quote": text, "start": q.start, "end": q.end,
                         "themes": themes_between(index, aid, first, last)})
    return frame(rows, QUOTE_COLUMNS, {"article_id": "string", "sentence_id": "int64", "speaker": "string",
                                       "verb": "string", "quote": "string", "start": "int64", "end": "int64"})
