"""VADER sentence scores, re-implemented for speed with results identical to ``vaderSentiment``.

The reference is ``vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer.polarity_scores``
(Hutto & Gilbert 2014; lexicon shipped inside the PyPI package, so nothing is downloaded). The
rules below are a line-by-line transcription of version 3.3.2 -- same lexicon, same constants
(imported from the package), same quirks (e.g. the "but" rule's ``list.index`` behaviour) --
restructured so that the per-token work happens only for lexicon words: the reference lower-cases
the whole sentence again for every lexicon word and walks every character to replace emojis.
``tests/evidence/test_tone.py`` checks identity against the reference on thousands of news sentences.

    >>> polarity_scores("The plan is good, but the rollout was a disaster.")
    (-0.6908, 0.125, 0.362, 0.513)
"""
from __future__ import annotations

import math
import string
from functools import lru_cache

from vaderSentiment import vaderSentiment as _ref

_PUNCT = string.punctuation
_NEGATE = frozenset(_ref.NEGATE)
_BOOSTER = _ref.BOOSTER_DICT
_SPECIAL = _ref.SPECIAL_CASES
N_SCALAR = _ref.N_SCALAR
C_INCR = _ref.C_INCR


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, float], dict[str, str], frozenset[str]]:
    """Load (lexicon, emoji descriptions, single-character emoji keys) from the package files."""
    analyzer = _reference()
    emoji_chars = frozenset(k for k in analyzer.emojis if len(k) == 1)
    return analyzer.lexicon, analyzer.emojis, emoji_chars


@lru_cache(maxsize=1)
def _reference() -> _ref.SentimentIntensityAnalyzer:
    """The reference analyzer, for the rare sentences the fast path does not handle."""
    return _ref.SentimentIntensityAnalyzer()


def _demoji(text: str, emojis: dict[str, str]) -> str:
    """Replace emojis by their descriptions exactly as the reference does."""
    out = []
    prev_space = True
    for ch in text:
        if ch in emojis:
            if not prev_space:
                out.append(" ")
            out.append(emojis[ch])
            prev_space = False
        else:
            out.append(ch)
            prev_space = ch == " "
    return "".join(out)


def _negated(word: str) -> bool:
    """The reference ``negated([word])`` for one lower-cased word."""
    return word in _NEGATE or "n't" in word


def _scalar(word: str, low: str, valence: float, cap_diff: bool) -> float:
    """The reference ``scalar_inc_dec``: booster/dampener contribution of a preceding word."""
    scalar = 0.0
    if low in _BOOSTER:
        scalar = _BOOSTER[low]
        if valence < 0:
            scalar *= -1
        if word.isupper() and cap_diff:
            scalar = scalar + C_INCR if valence > 0 else scalar - C_INCR
    return scalar


def _negation(valence: float, low: list[str], start_i: int, i: int) -> float:
    """The reference ``_negation_check`` on the lower-cased tokens."""
    if start_i == 0:
        if _negated(low[i - 1]):
            valence = valence * N_SCALAR
    elif start_i == 1:
        if low[i - 2] == "never" and (low[i - 1] == "so" or low[i - 1] == "this"):
            valence = valence * 1.25
        elif low[i - 2] == "without" and low[i - 1] == "doubt":
            pass
        elif _negated(low[i - 2]):
            valence = valence * N_SCALAR
    else:
        if low[i - 3] == "never" and (low[i - 2] == "so" or low[i - 2] == "this") or \
                (low[i - 1] == "so" or low[i - 1] == "this"):
            valence = valence * 1.25
        elif low[i - 3] == "without" and (low[i - 2] == "doubt" or low[i - 1] == "doubt"):
            pass
        elif _negated(low[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _idioms(valence: float, low: list[str], i: int) -> float:
    """The reference ``_special_idioms_check`` (called for i > 2 only)."""
    onezero = f"{low[i - 1]} {low[i]}"
    twoonezero = f"{low[i - 2]} {low[i - 1]} {low[i]}"
    twoone = f"{low[i - 2]} {low[i - 1]}"
    threetwoone = f"{low[i - 3]} {low[i - 2]} {low[i - 1]}"
    threetwo = f"{low[i - 3]} {low[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in _SPECIAL:
            valence = _SPECIAL[seq]
            break
    n = len(low)
    if n - 1 > i:
        zeroone = f"{low[i]} {low[i + 1]}"
        if zeroone in _SPECIAL:
            valence = _SPECIAL[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{low[i]} {low[i + 1]} {low[i + 2]}"
        if zeroonetwo in _SPECIAL:
            valence = _SPECIAL[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in _BOOSTER:
            valence = valence + _BOOSTER[n_gram]
    return valence


def _valence(words: list[str], low: list[str], i: int, lex: dict[str, float], cap_diff: bool) -> float:
    """The reference ``sentiment_valence`` for a lexicon word at position ``i``."""
    item_low = low[i]
    valence = lex[item_low]
    if item_low == "no" and i != len(low) - 1 and low[i + 1] in lex:
        valence = 0.0
    if (i > 0 and low[i - 1] == "no") or (i > 1 and low[i - 2] == "no") or \
            (i > 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor")):
        valence = lex[item_low] * N_SCALAR
    if cap_diff and words[i].isupper():
        valence = valence + C_INCR if valence > 0 else valence - C_INCR
    for start_i in range(3):
        j = i - (start_i + 1)
        if i > start_i and low[j] not in lex:
            s = _scalar(words[j], low[j], valence, cap_diff)
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            valence = _negation(valence, low, start_i, i)
            if start_i == 2:
                valence = _idioms(valence, low, i)
    # the reference "least" rule
    if i > 1 and low[i - 1] not in lex and low[i - 1] == "least":
        if low[i - 2] != "at" and low[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and low[i - 1] not in lex and low[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


def _but(low: list[str], sentiments: list[float]) -> list[float]:
    """The reference ``_but_check``, quirks included."""
    if "but" in low:
        bi = low.index("but")
        for sentiment in sentiments:
            si = sentiments.index(sentiment)
            if si < bi:
                sentiments.pop(si)
                sentiments.insert(si, sentiment * 0.5)
            elif si > bi:
                sentiments.pop(si)
                sentiments.insert(si, sentiment * 1.5)
    return sentiments


def _summarize(sentiments: list[float], text: str) -> tuple[float, float, float, float]:
    """The reference ``score_valence``: (compound, pos, neg, neu), rounded like the reference."""
    if not sentiments:
        return 0.0, 0.0, 0.0, 0.0
    nonzero = [s for s in sentiments if s != 0]  # zeros add nothing to the reference's sums
    sum_s = float(sum(nonzero))
    ep = min(text.count("!"), 4) * 0.292
    qm_count = text.count("?")
    qm = 0
    if qm_count > 1:
        qm = qm_count * 0.18 if qm_count <= 3 else 0.96
    amp = ep + qm
    if sum_s > 0:
        sum_s += amp
    elif sum_s < 0:
        sum_s -= amp
    compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
    compound = -1.0 if compound < -1.0 else (1.0 if compound > 1.0 else compound)
    pos_sum = 0.0
    neg_sum = 0.0
    for s in nonzero:
        if s > 0:
            pos_sum += (float(s) + 1)
        if s < 0:
            neg_sum += (float(s) - 1)
    neu_count = len(sentiments) - len(nonzero)
    if pos_sum > math.fabs(neg_sum):
        pos_sum += amp
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= amp
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return (round(compound, 4), round(math.fabs(pos_sum / total), 3),
            round(math.fabs(neg_sum / total), 3), round(math.fabs(neu_count / total), 3))


def _score(text: str, low_text: str) -> tuple[float, float, float, float]:
    """Score one sentence given it and its lower-cased form (same length, emoji-free)."""
    lex = _tables()[0]
    # the reference strips punctuation unless that leaves <= 2 characters; punctuation is not
    # cased, so the unstripped tokens give the same isupper() as the reference's words
    low = [s if len(s := t.strip(_PUNCT)) > 2 else t for t in low_text.split()]
    if not low:
        return 0.0, 0.0, 0.0, 0.0
    hits = [i for i, w in enumerate(low) if w in lex and w not in _BOOSTER]
    n = len(low)
    if not hits:
        return 0.0, 0.0, 0.0, 1.0  # the reference's result for all-zero sentiments
    raw = text.split()
    cap_diff = 0 < n - sum(map(str.isupper, raw)) < n
    sentiments: list[float] = [0] * n
    for i in hits:
        if low[i] == "kind" and i < n - 1 and low[i + 1] == "of":
            continue
        sentiments[i] = _valence(raw, low, i, lex, cap_diff)
    return _summarize(_but(low, sentiments), text)


_MEMO: dict[tuple[str, str], tuple[float, float, float, float]] = {}
_MEMO_SIZE = 100_000  # sentences repeat across articles (wire copy, boilerplate): score each once


def clear_tone_cache() -> None:
    """Forget the memoized sentence scores (a Dask worker does after each partition, so its memory stays flat)."""
    _MEMO.clear()


def document_scores(doc: str, spans: list[tuple[int, int]]) -> list[tuple[float, float, float, float]]:
    """Return :func:`polarity_scores` of ``doc[s:e]`` for each span, lower-casing the document once.

    >>> document_scores("Great. Awful.", [(0, 6), (7, 13)])
    [(0.6249, 1.0, 0.0, 0.0), (-0.4588, 0.0, 1.0, 0.0)]
    """
    emoji_chars = _tables()[2]
    low_doc = doc.lower()
    fast = len(low_doc) == len(doc) and emoji_chars.isdisjoint(doc)
    out = []
    memo = _MEMO
    for s, e in spans:
        if fast:
            text = doc[s:e].strip()
            if len(text) != e - s:
                out.append(polarity_scores(doc[s:e]))
                continue
            key = (text, low_doc[s:e].strip())
            got = memo.get(key)
            if got is None:
                if len(memo) >= _MEMO_SIZE:
                    memo.clear()
                got = memo[key] = _score(*key)
            out.append(got)
        else:
            out.append(polarity_scores(doc[s:e]))
    return out


def polarity_scores(text: str) -> tuple[float, float, float, float]:
    """Return VADER (compound, pos, neg, neu) for one sentence, identical to ``vaderSentiment``.

    >>> polarity_scores("Not bad at all")
    (0.431, 0.487, 0.0, 0.513)
    """
    _, emojis, emoji_chars = _tables()
    clean = _demoji(text, emojis) if not emoji_chars.isdisjoint(text) else text
    clean = clean.strip()
    low_text = clean.lower()
    if len(low_text) != len(clean):  # rare (e.g. "İ"): lower-casing changed the length
        r = _reference().polarity_scores(text)
        return r["compound"], r["pos"], r["neg"], r["neu"]
    return _score(clean, low_text)
