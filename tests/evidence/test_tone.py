"""Tone: the fast VADER is identical to vaderSentiment; sentence/article/theme levels on the seed."""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis import schema
from analysis.errors import UsageError
from analysis.evidence.tone import ARTICLE_TONE_COLUMNS, THEME_TONE_COLUMNS, sentence_tone, theme_tone, tone
from analysis.evidence.vader import document_scores, polarity_scores
from analysis.text.sentences import document_text, sentence_spans, sentence_table

EDGE_CASES = [
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", "Not bad at all", "Today SUX!",
    "Today only kinda sux! But I'll get by, lol", "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁", "At least it isn't a horrible book.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Without a doubt, excellent idea.", "Sentiment analysis has never been this good!",
    "The book was only kind of good.", "It was kind of good but not great, no good at all",
    "no no no bad", "He is never so happy???? ok?", "the shit", "yeah right, great", "kiss of death",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "İstanbul's mayor praised the deal", "ALL CAPS GOOD NEWS", "good GOOD good", "", "   ", "!!", "?",
    "“We’re going to let the courts play out,” Noem told reporters.", "a\u00a0nice\tday\n",
    "Not such a badass after all.", "no, or nor hate", "very least good", "at least bad",
]


def _as_tuple(d: dict[str, float]) -> tuple[float, float, float, float]:
    """The reference's dict as (compound, pos, neg, neu)."""
    return d["compound"], d["pos"], d["neg"], d["neu"]


def _seed(seed_path: Path) -> pd.DataFrame:
    """The seed text file as an article: first line = headline, the rest = body."""
    title, _, body = seed_path.read_text(encoding="utf-8").partition("\n")
    return pd.DataFrame({"article_id": ["seed"], "title": [title.strip()], "text": [body.strip()]})


def test_identical_to_vadersentiment_on_edge_cases() -> None:
    ref = SentimentIntensityAnalyzer()
    for s in EDGE_CASES:
        assert polarity_scores(s) == _as_tuple(ref.polarity_scores(s)), s


def test_identical_to_vadersentiment_on_news_sentences(allsides_path: Path) -> None:
    ref = SentimentIntensityAnalyzer()
    lines = allsides_path.read_text(encoding="utf-8").splitlines()
    random.Random(4).shuffle(lines)
    n = 0
    for line in lines[:150]:
        rec = json.loads(line)
        doc = document_text(rec["title"], rec["text"])
        spans = sentence_spans(doc)
        fast = document_scores(doc, spans)
        for (s, e), got in zip(spans, fast):
            want = _as_tuple(ref.polarity_scores(doc[s:e]))
            assert got == want, doc[s:e]
            assert polarity_scores(doc[s:e]) == want
            n += 1
    assert n > 5000


def test_sentence_tone_on_seed(seed_path: Path) -> None:
    art = _seed(seed_path)
    s = tone(art)
    assert list(s.columns) == schema.TONE_SENTENCE_COLUMNS
    assert len(s) == len(sentence_table(art)) == 40
    assert s[["compound", "pos", "neg", "neu"]].apply(lambda c: c.between(-1, 1)).all().all()
    text = sentence_table(art).set_index("sentence_id").text
    by_id = s.set_index("sentence_id").compound
    # hand-checked sentences
    assert text[30].startswith("“President Trump and I have a clear message to criminal illegal aliens")
    assert by_id[30] == -0.7456
    assert "punishing tariffs" in text[15] and by_id[15] < -0.5
    assert "foreign terrorist organizations" in text[26] and by_id[26] == by_id.min()
    assert "We’re going to let the courts play out" in text[35] and by_id[35] > 0


def test_article_and_theme_levels_on_seed(seed_path: Path) -> None:
    art = _seed(seed_path)
    sent = tone(art)
    a = tone(art, by="article")
    assert list(a.columns) == ARTICLE_TONE_COLUMNS
    assert a.n_sentences.tolist() == [40]
    assert a.compound[0] == pytest.approx(sent.compound.mean(), abs=1e-6)
    assert a.neu[0] == pytest.approx(sent.neu.mean(), abs=1e-6)
    hits = pd.DataFrame({"article_id": ["seed"] * 3, "theme": ["trade", "trade", "migration"],
                         "sentence_id": [15, 15, 30]})
    t = tone(art, by="theme", hits=hits)
    assert list(t.columns) == THEME_TONE_COLUMNS
    assert t.values.tolist() == [["seed", "migration", -0.7456, 1], ["seed", "trade", -0.6808, 1]]
    tagged = tone(art, hits=hits)
    assert tagged.themes[30] == ["migration"] and tagged.themes[0] == []
    engine = tone(art, by="theme")  # hits from the theme engine
    assert {"trade", "migration"} <= set(engine.theme)
    assert (engine.n_sentences >= 1).all()
    assert engine.set_index("theme").loc["migration", "compound"] < 0


def test_empty_documents_and_bad_level() -> None:
    arts = pd.DataFrame({"article_id": ["e", "g"], "title": ["", "Good"], "text": [None, ""]})
    assert tone(arts)[["article_id", "sentence_id"]].values.tolist() == [["g", 0]]
    a = tone(arts, by="article")
    assert a.article_id.tolist() == ["e", "g"] and a.n_sentences.tolist() == [0, 1]
    assert pd.isna(a.compound[0]) and a.compound[1] == 0.4404
    with pytest.raises(UsageError):
        tone(arts, by="paragraph")


def test_theme_level_scores_only_tagged_sentences_with_same_result(allsides_path: Path) -> None:
    rows = [json.loads(line) for line in allsides_path.read_text(encoding="utf-8").splitlines()[:150]]
    arts = pd.DataFrame(rows).rename(columns={"id": "article_id"})[["article_id", "title", "text"]]
    sents = sentence_table(arts)
    rng = np.random.default_rng(3)
    pick = sents[rng.random(len(sents)) < 0.4]
    hits = pd.DataFrame({"article_id": pick["article_id"], "theme": rng.choice(["trade", "migration"], len(pick)),
                         "sentence_id": pick["sentence_id"]})
    hits = pd.concat([hits, hits.head(20)], ignore_index=True)  # repeated hits in a sentence
    got = tone(arts, by="theme", hits=hits)
    assert len(got) > 100
    pd.testing.assert_frame_equal(got, theme_tone(sentence_tone(arts), hits), check_exact=True)


def test_repeated_sentences_score_like_the_reference() -> None:
    doc = "Great news today. Awful losses mounted. Great news today."
    spans = [(0, 17), (18, 39), (40, 57)]
    first, again = document_scores(doc, spans), document_scores(doc, spans)
    assert first == again == [polarity_scores(doc[s:e]) for s, e in spans]
    assert first[0] == first[2] and first[0][0] > 0 > first[1][0]
