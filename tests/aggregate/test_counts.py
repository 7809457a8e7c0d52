"""Aggregations: additive per-partition counts equal whole-corpus counts; shares, Wilson, co-occurrence."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import frames, periods, schema
from analysis.aggregate import counts as aggregate
from analysis.aggregate import evidence_counts as evidence_stats
from analysis.aggregate import selection
from analysis.corpus import quality
from analysis.notebook import tables


@pytest.fixture()
def corpus() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """60 articles over 3 outlets and ~4 months with random theme scores and hits (seeded)."""
    rng = np.random.default_rng(7)
    n = 60
    ids = [f"{i:016x}" for i in range(n)]
    dates = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    dates = pd.Series(dates).where(rng.random(n) > 0.1)  # ~10% undated
    arts = pd.DataFrame({
        "article_id": pd.Series(ids, dtype="string"),
        "source": pd.Series(rng.choice(["Alpha", "Beta", "Gamma"], n), dtype="string"),
        "date": dates.astype("datetime64[ns]"),
        "title": [f"Title {i}" for i in range(n)],
        "text": ["Tariffs rose. Migrants crossed the border." if i % 2 else "Rain fell." for i in range(n)],
        "dup_of": pd.Series([ids[0] if i in (5, 9) else None for i in range(n)], dtype="string"),
        "source_bias": rng.choice(["left", "right"], n),
    })
    rows, hits = [], []
    for aid in ids:
        for theme in ("trade", "migration", "economy"):
            if rng.random() < 0.4:
                k = int(rng.integers(1, 5))
                rows.append((aid, theme, k, k * 10.0, 0.2, bool(rng.random() < 0.8), {}))
                for j in range(k):
                    hits.append((aid, theme, "tariffs" if theme == "trade" and j % 2 else None,
                                 f"term{j % 3}", j, j * 5, j * 5 + 4))
    scores = pd.DataFrame(rows, columns=schema.THEME_SCORE_COLUMNS)
    hit_df = pd.DataFrame(hits, columns=schema.THEME_HIT_COLUMNS)
    return arts, scores, hit_df


def _brute_share(arts, scores, theme, period_start, freq="MS"):
    """Direct computation: articles with theme present / all dated articles in the period."""
    dated = arts.dropna(subset=["date"])
    in_p = dated[periods.periods(dated["date"], freq) == period_start]
    present = set(scores.query("theme == @theme and present")["article_id"])
    return in_p["article_id"].isin(present).sum(), len(in_p)


def test_theme_share_matches_direct_count(corpus):
    arts, scores, _ = corpus
    shares = aggregate.theme_share(aggregate.count_theme_periods(arts, scores, freq="MS", by=()))
    assert set(shares["theme"]) == set(schema.ALL_THEMES) | {"other"}
    for _, r in shares[shares["theme"].isin(["trade", "migration"])].iterrows():
        k, n = _brute_share(arts, scores, r["theme"], r["period"])
        assert (r["n_articles_with_theme"], r["n_articles"]) == (k, n)
        assert r["share"] == pytest.approx(k / n)
    # every dated article is in exactly one period
    per_period = shares.groupby("period")["n_articles"].first().sum()
    assert per_period == arts["date"].notna().sum()


def test_counts_are_additive_over_partitions(corpus):
    arts, scores, hits = corpus
    parts = [arts.iloc[i::3] for i in range(3)]  # any split of articles
    def part_scores(p):
        return scores[scores["article_id"].isin(p["article_id"])]
    whole = aggregate.theme_share(aggregate.count_theme_periods(arts, scores, "W", by=("source",)))
    summed = aggregate.theme_share(pd.concat(
        [aggregate.count_theme_periods(p, part_scores(p), "W", by=("source",)) for p in parts]))
    pd.testing.assert_frame_equal(whole.reset_index(drop=True), summed.reset_index(drop=True))
    # the same for co-occurrence, terms, subthemes, article counts
    co_whole = aggregate.cooccurrence_matrix(aggregate.count_cooccurrence(scores))
    co_sum = aggregate.cooccurrence_matrix(pd.concat([aggregate.count_cooccurrence(part_scores(p)) for p in parts]))
    pd.testing.assert_frame_equal(co_whole, co_sum)
    ph = [hits[hits["article_id"].isin(p["article_id"])] for p in parts]
    pd.testing.assert_frame_equal(aggregate.top_matched_terms(aggregate.count_matched_terms(hits)),
                                  aggregate.top_matched_terms(pd.concat(map(aggregate.count_matched_terms, ph))))
    pd.testing.assert_frame_equal(aggregate.subtheme_share(aggregate.count_subthemes(hits)),
                                  aggregate.subtheme_share(pd.concat(map(aggregate.count_subthemes, ph))))
    a1 = aggregate.count_articles(arts, "W").sort_values(["period", "source"]).reset_index(drop=True)
    a2 = (pd.concat([aggregate.count_articles(p, "W") for p in parts])
          .groupby(["period", "source"])["n_articles"].sum().reset_index())
    pd.testing.assert_frame_equal(a1, a2)
    q1 = quality.count_quality(arts).sum()
    q2 = pd.concat([quality.count_quality(p) for p in parts]).sum()
    assert q1.equals(q2)


def test_collapse_outlets_equals_counting_without_outlets(corpus):
    arts, scores, _ = corpus
    by_src = aggregate.count_theme_periods(arts, scores, "MS", by=("source",))
    collapsed = aggregate.theme_share(by_src, by=())
    direct = aggregate.theme_share(aggregate.count_theme_periods(arts, scores, "MS", by=()))
    pd.testing.assert_frame_equal(collapsed, direct)


def test_article_themes_input_gives_same_counts_as_scores(corpus):
    arts, scores, _ = corpus
    pres = scores[scores["present"]]
    at = pres.groupby("article_id")["theme"].agg(sorted).rename("themes").reset_index()
    a = aggregate.count_themes(arts, scores, by=("source",))
    b = aggregate.count_themes(arts, at, by=("source",))
    pd.testing.assert_frame_equal(a, b)
    other = a[a["theme"] == "other"]["n_articles_with_theme"].sum()
    assert other == len(set(arts["article_id"]) - set(pres["article_id"]))


def test_wilson_interval_known_values():
    lo, hi = aggregate.wilson_interval(np.array([0, 5, 10]), np.array([10, 10, 10]))
    assert lo[0] == 0 and hi[0] == pytest.approx(0.2775, abs=1e-4)
    assert (lo[1], hi[1]) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert hi[2] == 1 and lo[2] == pytest.approx(0.7225, abs=1e-4)
    lo, hi = aggregate.wilson_interval(0, 0)
    assert np.isnan(lo) and np.isnan(hi)


def test_share_with_ci_by_group(corpus):
    arts, scores, _ = corpus
    grouped, label = selection.compare_groups(arts, "source_bias")
    assert label == "source bias"
    out = aggregate.share_with_ci(aggregate.count_themes(grouped, scores, by=("group",)))
    assert set(out["group"]) == {"left", "right"}
    assert (out["ci_low"] <= out["share"]).all() and (out["share"] <= out["ci_high"]).all()
    assert out.groupby("group")["n_articles"].first().sum() == len(arts)  # undated counted without freq
    per, _ = selection.compare_groups(arts, "period", "MS")
    assert per["group"].dropna().str.match(r"^\d{4}-\d{2}$|^\(unknown\)$").all()


def test_cooccurrence_matrix_and_normalizations():
    s = pd.DataFrame({"article_id": ["a", "a", "b", "c"], "theme": ["trade", "migration", "trade", "migration"],
                      "present": [True, True, True, False]})
    m = aggregate.cooccurrence_matrix(aggregate.count_cooccurrence(s))
    assert m.loc["trade", "trade"] == 2 and m.loc["trade", "migration"] == 1 and m.loc["migration", "migration"] == 1
    j = aggregate.cooccurrence_matrix(aggregate.count_cooccurrence(s), normalize="jaccard")
    assert j.loc["trade", "migration"] == pytest.approx(0.5)
    r = aggregate.cooccurrence_matrix(aggregate.count_cooccurrence(s), normalize="row")
    assert r.loc["migration", "trade"] == 1.0 and r.loc["trade", "migration"] == 0.5
    co = aggregate.cooccurring_themes(aggregate.count_cooccurrence(s), "trade")
    assert co.values.tolist() == [["migration", 1, 0.5]]


def test_select_articles_and_periods(corpus):
    arts, _, _ = corpus
    sel = selection.select_articles(arts, start="2025-02-01", end="2025-02-28", outlets="Alpha, Beta",
                                    exclude_duplicates=True)
    assert sel["date"].between("2025-02-01", "2025-02-28 23:59").all()
    assert set(sel["source"]) <= {"Alpha", "Beta"} and sel["dup_of"].isna().all()
    assert len(selection.select_articles(arts, exclude_duplicates=True)) == len(arts) - 2
    p = periods.periods(pd.Series(pd.to_datetime(["2025-03-05", "2025-03-09", None])), "W")
    assert p.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2025-03-03", "2025-03-03"] and pd.isna(p.iloc[2])
    with pytest.raises(ValueError):
        periods.period_freq("fortnight")


def test_lump_groups_keeps_totals():
    c = pd.DataFrame({"period": pd.to_datetime(["2025-01-06"] * 4), "source": list("ABCD"),
                      "n_articles": [5, 4, 2, 1]})
    out = aggregate.lump_groups(c, "source", n=2)
    assert out["source"].tolist() == ["A", "B", aggregate.OTHER_GROUP]
    assert out["n_articles"].tolist() == [5, 4, 3]


def test_quality_table_with_ingest_report(corpus):
    arts, _, _ = corpus
    report = {"skipped": [{"origin": "x.txt", "reason": "empty file"},
                          {"origin": "y.bin", "reason": "binary file"}, {"origin": "z", "reason": "empty file"}]}
    q = quality.quality_table(quality.count_quality(arts), report)
    d = dict(zip(q["check"], q["n"]))
    assert d["articles in store"] == 60
    assert d["articles without a date"] == arts["date"].isna().sum()
    assert d["duplicates flagged (dup_of set)"] == 2
    assert d["ingest skipped: empty file"] == 2 and d["ingest skipped: binary file"] == 1


def test_tone_and_mentions_counts(corpus):
    arts, _, _ = corpus
    tone = pd.DataFrame({"article_id": arts["article_id"], "compound": np.linspace(-1, 1, len(arts))})
    t = evidence_stats.tone_mean(evidence_stats.count_tone(arts, tone, "MS"))
    dated = arts.assign(p=periods.periods(arts["date"], "MS"), c=tone["compound"]).dropna(subset=["p"])
    expect = dated.groupby("p")["c"].mean()
    assert np.allclose(t.set_index("period")["mean_compound"].sort_index().values, expect.sort_index().values)
    m = pd.DataFrame({"article_id": ["a", "a", "b"], "kind": ["place"] * 3, "name": ["Mexico", "Mexican", "Mexico"],
                      "canonical": ["Mexico", "Mexico", "Mexico"], "iso_country": ["MX"] * 3, "count": [2, 1, 1],
                      "themes": [["trade"], [], ["trade"]]})
    top = evidence_stats.top_mentions(evidence_stats.count_mentions(m))
    assert top[["name", "n_mentions", "n_articles"]].values.tolist() == [["Mexico", 4, 2]]
    assert evidence_stats.count_mentions(m, theme="trade")["n_mentions"].tolist() == [3]


def test_article_tables(corpus):
    arts, scores, hits = corpus
    top = tables.top_articles(arts, scores, "trade", n=5)
    assert len(top) <= 5 and top["hits_per_1k_words"].is_monotonic_decreasing
    on, off = tables.theme_articles(arts, scores, "trade")
    assert len(on) + len(off) == len(arts) and set(top["article_id"]) <= set(on["article_id"])
    q = pd.DataFrame({"article_id": [arts.article_id[0], arts.article_id[1]], "sentence_id": [1, 2],
                      "speaker": ["Noem", "Lee"], "verb": ["said", "said"], "quote": ["<b>x</b>", "y"],
                      "start": [0, 0], "end": [1, 1], "themes": [["trade"], ["migration"]]})
    qt = tables.quote_table(q, arts, theme="trade")
    assert qt["speaker"].tolist() == ["Noem"] and qt["outlet"].iloc[0] == arts.source[0]


def test_empty_inputs_give_empty_tables_not_errors(corpus):
    arts, scores, hits = corpus
    none = hits.iloc[0:0]
    subs = aggregate.subtheme_share(aggregate.count_subthemes(none, "trade"),
                                    aggregate.theme_share(aggregate.count_themes(arts, scores)))
    assert subs.empty and "share_of_theme_articles" in subs
    assert aggregate.top_matched_terms(aggregate.count_matched_terms(none, "trade")).empty
    assert evidence_stats.top_mentions(evidence_stats.count_mentions(pd.DataFrame())).empty
    shares = aggregate.theme_share(aggregate.count_theme_periods(arts.iloc[0:0], scores, "W", by=()))
    assert shares.empty
    co = aggregate.cooccurring_themes(aggregate.count_cooccurrence(scores.iloc[0:0]), "trade")
    assert co.empty


@pytest.mark.parametrize("module", ["aggregate.counts", "aggregate.evidence_counts", "aggregate.selection",
                                    "corpus.quality", "notebook.tables", "notebook.charts",
                                    "notebook.plotting", "notebook.helpers"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"analysis.{module}"))
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("values,other", [
    (pd.Series(["a", "b", None, "c"], dtype="string"), {"b", None}),
    (pd.Series(["a", "b", None, "c"], dtype="string"), pd.Series(["c", "a"], dtype="string")),
    (pd.Series(["a", "b", None], dtype="str"), pd.Series(["b", None], dtype="string")),
    (pd.Series(["a", "b"], dtype="string"), []),
    (pd.Series(["a", "1"], dtype="string"), [1, "a"]),  # non-strings: pandas' own isin
    (pd.Series(["a", None], dtype=object), ["a"]),
])
def test_fast_isin_equals_pandas_isin(values, other):
    got = frames.isin(values, other)
    assert got.dtype == bool and got.tolist() == values.isin(other).tolist()


def test_keyness_per_group_equals_one_keyness_per_group(corpus):
    from analysis.text.keyness import keyness

    arts = corpus[0].copy()
    arts["text"] = [f"{t} Word{i % 4} tariffs border{i % 3}." for i, t in enumerate(arts["text"])]
    arts.loc[arts.index[:3], "source"] = pd.NA  # rows without a group sit on neither side
    got = tables.keyness_per_group(arts, "source", top=5)
    frames = []
    for g in sorted(arts["source"].dropna().unique().tolist()):
        mine = arts["source"] == g
        k = keyness(arts[mine], arts[~mine], top=5, labels=(g, "others"))
        frames.append(k[k["group"] == g])
    expected = pd.concat(frames, ignore_index=True)
    assert set(got["group"]) == {"Alpha", "Beta", "Gamma"}
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_mentions_count_every_hit_carries_only_the_present_rows():
    """'carry the theme' counts present rows; aggregate.mentions turns any hit into a mention."""
    from analysis.aggregate.report_counts import report_counts, selection_params
    from analysis.themes.scoring import score_themes

    arts = pd.DataFrame({"article_id": ["a", "b"], "source": ["X", "X"], "date": pd.to_datetime(["2025-01-06"] * 2),
                         "title": ["Tariffs on steel imports", "Hospital costs rise"],
                         "text": ["The tariff fight goes on; tariffs and imports. " * 6 + "A hospital was mentioned.",
                                  "Hospitals and doctors said health care costs rose. " * 6]})
    scores = score_themes(arts)
    carried = aggregate.theme_share(aggregate.count_themes(arts, scores, by=()))
    mentioned = aggregate.theme_share(aggregate.count_themes(arts, aggregate.mentions(scores), by=()))
    share = lambda t, th: float(t.loc[t.theme == th, "share"].iloc[0])  # noqa: E731
    assert share(carried, "health") == 0.5 and share(mentioned, "health") == 1.0
    assert share(carried, "trade") == share(mentioned, "trade") == 0.5
    part = arts.assign(dup_of=pd.array([None, None], dtype="string"))
    out = report_counts(part, selection_params())
    mp = out["mention_periods"]
    assert int(mp.loc[mp.theme == "health", "n_articles_with_theme"].sum()) == 2
    tp = out["theme_periods"]
    assert int(tp.loc[tp.theme == "health", "n_articles_with_theme"].sum()) == 1


def test_rebucket_is_exact_and_auto_freq_picks_the_first_period_with_enough_articles():
    """Monthly counts re-bucketed to quarters equal counting by quarter; the automatic period is the
    finest where the median group-period has enough articles, years when none has."""
    rng = np.random.default_rng(11)
    days = pd.to_datetime("2019-01-01") + pd.to_timedelta(rng.integers(0, 730, 400), unit="D")
    arts = pd.DataFrame({"article_id": [f"a{i}" for i in range(400)], "date": days,
                         "source": rng.choice(["X", "Y", "Z"], 400, p=[0.7, 0.2, 0.1])})
    pres = pd.DataFrame({"article_id": arts["article_id"][::3], "theme": "trade", "present": True})
    monthly = aggregate.count_theme_periods(arts, pres, "MS", by="source", theme_list=["trade"])
    quarterly = aggregate.count_theme_periods(arts, pres, "QS", by="source", theme_list=["trade"])
    again = aggregate.rebucket(monthly, "QS", ["source", "theme"])
    pd.testing.assert_frame_equal(again, quarterly.sort_values(["period", "source"]).reset_index(drop=True),
                                  check_dtype=False)
    assert aggregate.coarser_freqs("W") == ["W", "MS", "QS", "YS"]
    # ~17 articles a month over all outlets; Z has ~1.7 a month
    assert aggregate.auto_freq(monthly, "MS", min_median=10) == "MS"
    per_source = aggregate.auto_freq(monthly, "MS", keys=("source",), min_median=7)
    assert per_source == "QS"  # the median outlet-month (Y, ~3) is too thin; the median outlet-quarter is not
    assert aggregate.median_count(monthly, "QS", keys=("source",)) >= 7 > aggregate.median_count(
        monthly, "MS", keys=("source",))
    assert aggregate.auto_freq(monthly, "MS", keys=("source",), min_median=10_000) == "YS"
    assert aggregate.auto_freq(monthly, "MS", max_periods=8, min_median=0) == "QS"  # 24 months, 8 quarters
    assert aggregate.auto_freq(monthly.head(0), "MS") == "MS"
