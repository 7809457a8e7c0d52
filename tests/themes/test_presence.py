"""The calibrated "carries the theme" rule (analysis.themes.scoring.carried_flags), pinned on fixed samples.

The figures of the rule on the shared dev sets and the hand-annotated gold set are in docs/methods.md
("Carries the theme"); the multi-label metrics themselves are tested in tests/model/test_presence.py.
A lexicon edit that inflates presence must fail :func:`test_allsides_dev_pins_the_calibrated_rule`
(shown by :func:`test_an_inflating_lexicon_edit_breaks_the_pin`).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import config, schema
from analysis.model.evaluation import read_labelled
from analysis.model.presence import gold_presence, gold_theme_estimate, presence_metrics, read_gold
from analysis.themes import scoring
from analysis.themes.scoring import article_themes, carried_flags, score_themes

GOLD = Path(__file__).resolve().parents[1] / "data" / "themes_gold" / "articles.jsonl"
# the calibrated rule on the whole AllSides dev set (2,724 articles; docs/methods.md) with a margin of about 6 %:
# label recall 0.9033, 1.85 themes per article, flagged trade 170, migration 333, security_crime 876,
# economy 604, health 453, environment 244, energy 137, foreign_affairs 449 (issue 12: the per-theme secondary
# shares of analysis/themes/presence.yml lowered economy from 787 and health from 471; recall was 0.9095 and
# 1.93 themes per article with one share for all themes)
PIN_LABEL_RECALL = 0.90
PIN_THEMES_PER_ARTICLE = 1.96
PIN_FLAGGED = {"trade": 180, "migration": 355, "security_crime": 930, "economy": 640, "health": 480,
               "environment": 260, "energy": 146, "foreign_affairs": 476}


def _flags(score, candidate=None, share=None, words=500, title=None, prio=None, secondary=None):
    """carried_flags of one article's rows."""
    n = len(score)
    return carried_flags(np.zeros(n, dtype=np.int64), np.array(score, dtype=float),
                         np.array(title if title is not None else [0] * n), np.array(prio if prio is not None else range(n)),
                         np.array(candidate if candidate is not None else [True] * n), np.full(n, words),
                         np.array(share if share is not None else [0.5] * n, dtype=float),
                         None if secondary is None else np.array(secondary, dtype=float)).tolist()


def test_primary_is_carried_and_secondaries_need_a_share_of_its_score():
    # primary 10; 3.0 reaches 30 % of it, 2.9 does not
    assert _flags([10.0, 3.0, 2.9]) == [True, True, False]
    # a theme below the length-aware floor is never carried, not even as the best score
    assert _flags([10.0, 4.0], candidate=[False, True]) == [False, True]


def test_secondary_share_is_calibrated_per_theme():
    shares = scoring.load_secondary_shares()
    assert shares["default"] == scoring.SECONDARY_SHARE == 0.3
    # the calibrated themes (presence.yml) need more of the primary's score; every other theme the default
    assert shares["economy"] == 0.5 and shares["health"] == 0.35 and scoring.secondary_share("trade") == 0.3
    assert scoring.secondary_share("a user theme") == 0.3
    assert "economy=0.5" in scoring.PRESENCE_RULE
    # a secondary at 45 % of the primary: carried under the default share, not under a share of 0.6
    assert _flags([10.0, 4.5, 4.5], secondary=[0.3, 0.3, 0.6]) == [True, True, False]
    # short documents keep "ties only", whatever the theme's share
    assert _flags([2.0, 2.0], words=20, secondary=[0.3, 0.1]) == [True, True]
    assert _flags([2.0, 1.9], words=20, secondary=[0.3, 0.1]) == [True, False]


def test_a_calibration_file_needs_a_default_and_shares_in_range(tmp_path):
    bad = tmp_path / "presence.yml"
    bad.write_text("secondary_share: {trade: 0.5}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="default"):
        scoring.load_secondary_shares(bad)
    bad.write_text("secondary_share: {default: 0.3, trade: 1.5}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="trade"):
        scoring.load_secondary_shares(bad)


def test_calibrated_themes_keep_background_paragraphs_out():
    """A migration story with an economy paragraph: carried at 30 %, not at economy's calibrated 50 %."""
    arts = pd.DataFrame({"article_id": ["a"], "title": ["Asylum seekers wait at the border"],
                         "text": ["Asylum seekers and migrants waited as deportations rose. " * 6
                                  + "The economy slowed and inflation rose. " * 7]})
    s = score_themes(arts).set_index("theme")
    ratio = s.loc["economy", "score"] / s.loc["migration", "score"]
    assert scoring.SECONDARY_SHARE <= ratio < scoring.secondary_share("economy")
    assert s.loc["migration", "present"] and not s.loc["economy", "present"]


def test_secondaries_need_a_share_of_the_sentences():
    assert _flags([10.0, 8.0], share=[0.5, scoring.MIN_SENTENCE_SHARE - 0.01]) == [True, False]


def test_at_most_max_themes_are_carried():
    got = _flags([10.0, 9.0, 8.0, 7.0, 6.0, 5.0])
    assert sum(got) == scoring.MAX_THEMES == 4 and got[:4] == [True] * 4


def test_short_documents_carry_the_primary_and_ties_only():
    assert _flags([2.0, 2.0, 1.0], words=scoring.SHORT_DOC_WORDS - 1) == [True, True, False]
    assert _flags([2.0, 2.0, 1.0], words=scoring.SHORT_DOC_WORDS) == [True, True, True]


def test_ties_for_primary_follow_article_themes():
    # equal scores: more headline hits wins, then the earlier theme of schema.ALL_THEMES
    assert _flags([5.0, 5.0], title=[0, 1], words=20) == [True, True]
    # five tied themes, four places: the one with no headline hit and the latest schema order drops out
    assert _flags([5.0] * 5, title=[0, 0, 1, 0, 0], prio=[4, 3, 2, 1, 0]) == [False, True, True, True, True]
    assert _flags([5.0] * 5, title=[1, 0, 0, 0, 0], prio=[4, 3, 2, 1, 0]) == [True, False, True, True, True]


def test_mentions_are_not_carried_in_a_real_article():
    arts = pd.DataFrame({"article_id": ["a"], "title": ["Tariffs on steel imports"],
                         "text": ["The tariff fight goes on. Tariffs rose again and imports fell; steel makers "
                                  "complained about tariffs. " * 8 + "A hospital in Ohio was mentioned once."]})
    s = score_themes(arts).set_index("theme")
    assert s.loc["trade", "present"] and s.loc["health", "hits"] > 0 and not s.loc["health", "present"]
    assert article_themes(score_themes(arts), arts)["themes"].tolist() == [["trade"]]


def test_primary_theme_is_the_best_candidate(allsides_path, allsides_map):
    """The rule changes which secondary themes count, never the primary theme (single-label metrics stay)."""
    items = read_labelled(allsides_path, "topic", allsides_map).iloc[:600]
    scores = score_themes(items)
    prio = scoring.theme_priority(scores["theme"])
    cand = [scoring.is_present(h, t, int(round(1000 * h / p)) if p else 0, p) for h, t, p in
            zip(scores["hits"], scores["title_hits"], scores["hits_per_1k_words"])]
    best = (scores.assign(cand=cand, prio=prio)[cand]
            .sort_values(["article_id", "score", "title_hits", "prio"], ascending=[True, False, False, True])
            .drop_duplicates("article_id").set_index("article_id")["theme"])
    at = article_themes(scores, items).set_index("article_id")["primary_theme"]
    assert (at[best.index] == best).all() and len(best) > 590


def _allsides_presence(path: Path, label_map: Path, lexicons=None) -> dict:
    """presence_metrics of the whole AllSides dev set under ``lexicons``."""
    items = read_labelled(path, "topic", label_map)
    return presence_metrics(items, article_themes(score_themes(items, lexicons), items))


def _pin_failures(m: dict) -> list[str]:
    """What of the calibrated pin a presence result breaks."""
    out = []
    if m["label_recall"] < PIN_LABEL_RECALL:
        out.append(f"label recall {m['label_recall']}")
    if m["themes_per_article"] > PIN_THEMES_PER_ARTICLE:
        out.append(f"themes per article {m['themes_per_article']}")
    out += [f"{t} flagged {m['per_theme'][t]['flagged']} > {n}" for t, n in PIN_FLAGGED.items()
            if m["per_theme"][t]["flagged"] > n]
    return out


def test_allsides_dev_pins_the_calibrated_rule(allsides_path, allsides_map):
    m = _allsides_presence(allsides_path, allsides_map)
    assert _pin_failures(m) == []
    assert m["themes_per_article"] <= 2.5  # the target
    assert 1.5 < m["themes_per_article"] and m["label_recall"] < 0.95  # the rule is not a top-1 or a mention count
    # the core themes flagged at most 2x as often as labelled (targets), except the ones docs/methods.md names
    over = {t for t in schema.CORE_THEMES if m["per_theme"][t]["ratio"] > 2.0}
    assert over <= {"foreign_affairs", "energy"} and m["per_theme"]["economy"]["ratio"] <= 1.6


def test_an_inflating_lexicon_edit_breaks_the_pin(allsides_path, allsides_map, tmp_path):
    folder = tmp_path / "lex"
    shutil.copytree(config.LEXICON_DIR, folder)
    trade = folder / "trade.yml"
    body = trade.read_text(encoding="utf-8")
    trade.write_text(body.replace("terms:\n", "terms:\n  - said\n  - market\n", 1), encoding="utf-8")
    failures = _pin_failures(_allsides_presence(allsides_path, allsides_map, folder))
    assert any(f.startswith("trade flagged") for f in failures), failures


def test_gold_set_presence_f1_on_the_report_split(allsides_path, nyt_path, allsides_map, nyt_map):
    """Hand-annotated multi-label gold set (tests/data/themes_gold/): report split, both corpora pooled."""
    if not GOLD.exists():
        pytest.skip("gold set not there")
    gold = read_gold(GOLD, "report")
    carried = []
    for path, field, label_map in ((allsides_path, "topic", allsides_map), (nyt_path, "cap_major", nyt_map)):
        items = read_labelled(path, field, label_map)
        items = items[items["article_id"].isin(set(gold["article_id"]))].reset_index(drop=True)
        carried.append(article_themes(score_themes(items), items))
    got = gold_presence(gold, pd.concat(carried, ignore_index=True))
    assert got["n"] >= 150
    assert got["macro_f1_core"] >= 0.75  # the target
    assert got["themes_per_article"] <= 2.0


def test_the_gold_set_explains_the_flagged_over_labelled_ratios(allsides_path, allsides_map):
    """AllSides gives one topic per article: scaled up from the hand-annotated gold set (380 AllSides articles,
    both splits), foreign_affairs and energy are substantial topics of far more articles than are labelled with
    them, so their flagged/labelled ratio above 2 is not over-flagging; against that estimate the calibrated rule
    flags every core theme at most 1.5x (docs/methods.md: estimated 3.31x labelled for foreign_affairs, flagged 1.20x
    the estimate)."""
    if not GOLD.exists():
        pytest.skip("gold set not there")
    items = read_labelled(allsides_path, "topic", allsides_map)
    est = gold_theme_estimate(items, read_gold(GOLD, "all", "allsides"), n_boot=200)
    assert est["foreign_affairs"]["interval"][0] > 2.0 and est["energy"]["ratio"] > 2.0
    flagged = presence_metrics(items, article_themes(score_themes(items), items))["per_theme"]
    over = {t: round(flagged[t]["flagged"] / est[t]["estimated"], 2) for t in schema.CORE_THEMES}
    assert max(over.values()) <= 1.5, over
