"""Text utilities: words, sentences, KWIC, collocations, top terms, keyness -- offline."""
from __future__ import annotations

import json
import math
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from nltk.collocations import (
    BigramAssocMeasures,
    BigramCollocationFinder,
    TrigramAssocMeasures,
    TrigramCollocationFinder,
)
from nltk.probability import FreqDist

from analysis import schema
from analysis.errors import UsageError
from analysis.evidence.documents import article_theme_index
from analysis.evidence.tone import tone
from analysis.periods import PeriodError, period_labels
from analysis.text.concordance import (
    collocation_thresholds,
    collocations,
    kwic,
    kwic_sample,
    score_collocations,
    sentence_ngram_counts,
    top_terms,
)
from analysis.text.keyness import keyness, log_odds_table
from analysis.text.sentences import document_text, documents, sentence_spans, sentence_table, sentences
from analysis.text.theme_tags import require_hits, sentence_theme_index
from analysis.text.words import HAS_LETTER, STOPWORDS, ngrams, term_counts, term_counts_table, terms, words
from analysis.themes.scoring import theme_hits


def _seed(seed_path: Path) -> pd.DataFrame:
    """The seed text file as an article: first line = headline, the rest = body."""
    title, _, body = seed_path.read_text(encoding="utf-8").partition("\n")
    return pd.DataFrame({"article_id": ["seed"], "source": ["AP"], "date": [pd.Timestamp("2025-03-28")],
                         "title": [title.strip()], "text": [body.strip()]})


@pytest.fixture(scope="module")
def allsides(allsides_path: Path) -> pd.DataFrame:
    """The AllSides dev sample as an article table (with its topic labels)."""
    rows = [json.loads(line) for line in allsides_path.read_text(encoding="utf-8").splitlines()]
    df = pd.DataFrame(rows).rename(columns={"id": "article_id"})
    df["date"] = pd.to_datetime(df["date"], errors="coerce")
    return df


def test_words_keep_initialisms_hyphens_contractions_numbers() -> None:
    toks = words("U.S.-bound fentanyl: Noem’s plan won’t cost $50,000 or 25% — e.g. a U.S. cut.")
    assert toks == ["U.S.-bound", "fentanyl", "Noem's", "plan", "won't", "cost", "$50,000", "or",
                    "25%", "e.g.", "a", "U.S.", "cut"]
    assert words("state-of-the-art 10th 3.5 percent") == ["state-of-the-art", "10th", "3.5", "percent"]
    assert words("“Quoted,” she said.") == ["Quoted", "she", "said"]


def test_terms_drop_stopwords_and_possessives() -> None:
    assert terms("The bill's interest rate and the new government system.") == [
        "bill", "interest", "rate", "new", "government", "system"]
    assert {"the", "said", "don't", "it's"} <= STOPWORDS
    assert not {"bill", "new", "state", "million", "government", "system", "fire", "interest",
                "part", "found", "un"} & STOPWORDS


def test_ngrams() -> None:
    assert ngrams(["a", "b", "c"], 3) == [("a", "b", "c")]
    assert ngrams(["a"], 2) == []
    with pytest.raises(UsageError):
        ngrams(["a"], 0)


def test_seed_sentences(seed_path: Path) -> None:
    art = _seed(seed_path)
    sents = sentences(document_text(art.title[0], art.text[0]))
    assert any(s.endswith("a delicate moment in U.S.-Mexico relations.") for s in sents)
    assert any(s.startswith("Relatives of and attorneys for the expelled Venezuelans say U.S. authorities "
                            "set aside due process") for s in sents)
    assert not any(s.startswith("authorities set aside") for s in sents)


def test_sentence_table_offsets_refer_to_the_document(seed_path: Path) -> None:
    art = _seed(seed_path)
    table = sentence_table(art)
    assert list(table.columns) == schema.SENTENCE_COLUMNS
    doc = document_text(art.title[0], art.text[0])
    assert table.sentence_id.tolist() == list(range(len(table)))
    assert table.text[0] == art.title[0]  # the headline is sentence 0
    assert all(doc[s:e] == t for s, e, t in zip(table.start, table.end, table.text))
    assert len(table) == 40
    assert str(table.dtypes["start"]) == "int64"


def test_kwic_glob_on_seed(seed_path: Path) -> None:
    art = _seed(seed_path)
    rows = kwic(art, "tariff*", window=5)
    assert list(rows.columns[:6]) == schema.KWIC_COLUMNS
    assert rows["match"].str.lower().tolist() == ["tariffs", "tariffs", "tariff", "tariff", "tariffs"]
    assert (rows.source == "AP").all() and (rows.date == pd.Timestamp("2025-03-28")).all()
    third = rows.iloc[2]
    assert (third.left, third.right) == ("week to institute a 25%", "on vehicles and auto parts")
    assert rows.left.str.split().str.len().le(5).all() and rows.right.str.split().str.len().le(5).all()
    doc = document_text(art.title[0], art.text[0])
    assert all(doc[s:e] == m for s, e, m in zip(rows.start, rows.end, rows["match"]))


def test_kwic_phrase_word_and_case(seed_path: Path) -> None:
    art = _seed(seed_path)
    assert len(kwic(art, "el salvador")) == 5  # "El Salvadorian" is another word
    assert kwic(art, "El Salvador", window=2).right.iloc[0] == ". It"  # punctuation stays in context
    assert kwic(art, "tariff").match.tolist() == ["tariff", "tariff"]  # whole words only
    assert kwic(art, "Noem?s", window=0).match.tolist().count("Noem’s") == 3  # ? = one character
    assert kwic(art, "nothing-like-this").empty
    with pytest.raises(UsageError):
        kwic(art, "  ")


def test_kwic_theme_id_uses_theme_hits(seed_path: Path) -> None:
    art = _seed(seed_path)
    doc = document_text(art.title[0], art.text[0])
    start = doc.index("immigration, drug trafficking")
    hits = pd.DataFrame({"article_id": ["seed"], "theme": ["migration"], "subtheme": ["x"],
                         "term": ["immigration"], "sentence_id": [4], "start": [start],
                         "end": [start + len("immigration")]})
    rows = kwic(art, "migration", window=3, hits=hits)
    assert rows[["left", "match", "right"]].values.tolist() == [
        ["pivotal issues —", "immigration", ", drug trafficking"]]
    # the theme engine's hits are passed in as data: text never runs the engine itself
    engine = kwic(art, "migration", hits=theme_hits(art))
    assert len(engine) >= 3 and engine["match"].str.contains("migra", case=False).any()
    with pytest.raises(UsageError, match=r"pass hits=analysis\.theme_hits\(articles\)"):
        kwic(art, "migration")
    # kind="text" searches the literal word instead
    assert kwic(art, "migration", kind="text").match.tolist() == ["migration"]


def test_collocations_on_allsides(allsides: pd.DataFrame) -> None:
    part = allsides.head(1000)
    bi = collocations(part, n=2, measure="likelihood", min_freq=5, top=10)
    assert list(bi.columns) == ["ngram", "freq", "score"]
    assert {"white house", "united states"} <= set(bi.ngram)
    assert bi.score.is_monotonic_decreasing and (bi.freq >= 5).all()
    tri = collocations(part, n=3, measure="pmi", min_freq=5, top=30)
    assert len(tri) == 30 and (tri.ngram.str.split().str.len() == 3).all()
    for gram in pd.concat([bi.ngram, tri.ngram]):
        assert not set(gram.split()) & STOPWORDS
    with pytest.raises(UsageError):
        collocations(part, n=4)
    with pytest.raises(UsageError):
        collocations(part, measure="chi")


def test_top_terms_groups(allsides: pd.DataFrame, seed_path: Path) -> None:
    small = pd.DataFrame({"article_id": ["a", "b"], "source": ["X", "Y"],
                          "date": pd.to_datetime(["2020-01-05", "2020-02-07"]),
                          "title": ["Tariffs", ""], "text": ["Tariffs on cars.", "Border wall funding. Wall."]})
    one = top_terms(small, top=1)
    assert one.values.tolist() == [["all", "tariffs", 2, 1000 * 2 / 8]]
    by_source = top_terms(small, by="source", top=1)
    assert by_source[["group", "term", "count"]].values.tolist() == [["X", "tariffs", 2], ["Y", "wall", 2]]
    by_month = top_terms(small, by="period", top=1)
    assert by_month.group.tolist() == ["2020-01-01", "2020-02-01"]
    with pytest.raises(UsageError):
        top_terms(small, by="weekday")
    seed = _seed(seed_path)
    themed = top_terms(seed, by="theme", top=5, hits=theme_hits(seed))
    assert {"trade", "migration"} <= set(themed.group)
    trade = themed[themed.group == "trade"].term.tolist()
    assert "mexico" in trade
    big = top_terms(allsides, by="source", top=5)
    assert big.groupby("group").size().max() == 5


def test_top_terms_without_hits_is_a_usage_error(seed_path: Path) -> None:
    seed = _seed(seed_path)
    for call in (lambda: top_terms(seed, by="theme"), lambda: term_counts_table(seed, by="theme"),
                 lambda: kwic(seed, "trade", kind="theme")):
        with pytest.raises(UsageError, match=r"needs theme hits: pass hits=analysis\.theme_hits\(articles\)"):
            call()
    with pytest.raises(UsageError):
        require_hits(None, "x")
    empty = pd.DataFrame(columns=schema.THEME_HIT_COLUMNS)
    assert require_hits(empty, "x") is empty
    assert top_terms(seed, by="theme", hits=empty).empty  # no tagged sentence: no group


def test_top_terms_periods_use_the_shared_period_table() -> None:
    dates = pd.to_datetime(["2020-01-05", "2020-02-07", "2020-05-20", None])
    small = pd.DataFrame({"article_id": list("abcd"), "date": dates, "title": [""] * 4,
                          "text": ["Tariffs rose.", "Tariffs fell.", "Border wall.", "Walls stood."]})
    for freq in ("MS", "M", "ME", "W", "w", "W-MON", "QS", "QE", "YS", "YE", "A", "AS", "D"):
        got = top_terms(small, by="period", freq=freq, top=1)
        assert got.group.tolist() == sorted(set(period_labels(small["date"], freq))), freq
    assert top_terms(small, by="period", freq="QS", top=1).group.tolist() == ["2020-01-01", "2020-04-01", "unknown"]
    assert top_terms(small, by="period", freq="W", top=1).group.tolist()[:2] == ["2019-12-30", "2020-02-03"]
    with pytest.raises(PeriodError):  # a UsageError: the same message as the charts
        top_terms(small, by="period", freq="fortnight")
    with pytest.raises(UsageError):
        top_terms(small, by="period", freq="H")


def test_one_sentence_theme_index_for_text_tone_and_evidence(seed_path: Path) -> None:
    seed = _seed(seed_path)
    hits = theme_hits(seed)
    index = sentence_theme_index(hits)
    assert index and all(isinstance(k[0], str) and isinstance(k[1], int) for k in index)
    assert all(v == tuple(sorted(set(v))) for v in index.values())
    pairs = set(zip(hits["article_id"].astype(str), hits["sentence_id"].astype(int), hits["theme"]))
    assert {(a, s, t) for (a, s), ths in index.items() for t in ths} == pairs
    assert article_theme_index(seed, hits) == index == sentence_theme_index(hits, seed)
    assert sentence_theme_index(hits, seed.assign(article_id="other")) == {}
    assert sentence_theme_index(None) == {} == sentence_theme_index(hits.iloc[:0])
    # tone's themes column and the theme groups of top_terms come from the same index
    sent = tone(seed, hits=hits)
    assert [tuple(t) for t in sent["themes"]] == [index.get(("seed", s), ()) for s in sent["sentence_id"]]
    counts = term_counts_table(seed, by="theme", hits=hits)
    totals = counts[counts.term == ""].set_index("group")["count"].to_dict()
    doc = documents(seed)[0]
    spans = sentence_spans(doc)
    want: dict[str, int] = {}
    for (_, sid), ths in index.items():
        for th in ths:
            want[th] = want.get(th, 0) + len(words(doc[spans[sid][0]:spans[sid][1]]))
    assert totals == want
    # more than 62 themes: the plain (no bit mask) path gives the same kind of index
    many = pd.DataFrame({"article_id": ["a"] * 70, "sentence_id": [1] * 69 + [2],
                         "theme": [f"t{i:02d}" for i in range(70)]})
    assert sentence_theme_index(many) == {("a", 1): tuple(f"t{i:02d}" for i in range(69)), ("a", 2): ("t69",)}


def test_log_odds_formula_by_hand() -> None:
    table = log_odds_table({"x": 3, "y": 1}, {"x": 1, "y": 5}, prior={"x": 1, "y": 1}, alpha0=2.0)
    x = table.set_index("term").loc["x"]
    delta = math.log(4 / (4 + 2 - 4)) - math.log(2 / (6 + 2 - 2))
    assert x.log_odds == pytest.approx(delta)
    assert x.z == pytest.approx(delta / math.sqrt(1 / 4 + 1 / 2))


def test_keyness_immigration_vs_other_topics(allsides: pd.DataFrame) -> None:
    imm = allsides[allsides.topic == "immigration"]
    other = allsides[allsides.topic != "immigration"]
    out = keyness(imm, other, top=15, labels=("immigration", "other"))
    assert list(out.columns) == ["term", "count_a", "count_b", "log_odds", "z", "group"]
    top_a = out[out.group == "immigration"].term.tolist()
    # hand-checked: the top of the list is the vocabulary of immigration coverage
    assert top_a[:3] == ["immigration", "border", "immigrants"]
    vocab = {"immigration", "border", "immigrants", "illegal", "citizenship", "ice", "asylum", "daca",
             "immigrant", "illegally", "amnesty", "deportation", "undocumented", "migrants", "reform",
             "legal", "children", "rubio", "dreamers", "deported", "visas", "aliens"}
    assert len(set(top_a[:10]) & vocab) >= 8
    top_b = out[out.group == "other"].term.tolist()
    assert not set(top_b) & vocab and {"health", "tax", "trade"} <= set(top_b[:5])
    assert out[out.group == "immigration"].z.is_monotonic_decreasing
    assert (out[out.group == "other"].z < 0).all()


def test_whole_module_runs_offline(tmp_path: Path, cli_env: dict[str, str], python: str,
                                   seed_path: Path) -> None:
    """Doctests + every public function with NLTK_DATA empty and sockets disabled."""
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    script = f"""
import socket, doctest
def _no_net(*a, **k):
    raise OSError("network disabled in this test")
socket.socket.connect = _no_net
socket.create_connection = _no_net
import nltk
nltk.data.path[:] = [{str(empty)!r}]
import pandas as pd
import importlib
names = ('text.sentences', 'text.words', 'text.concordance', 'text.keyness', 'text.theme_tags', 'evidence.tone', 'evidence.vader')
S, W, T, K, H, O, V = (importlib.import_module('analysis.' + n) for n in names)
for m in (S, W, T, K, H, O, V):
    r = doctest.testmod(m)
    assert r.failed == 0 and r.attempted > 0, (m.__name__, r)
title, _, body = open({str(seed_path)!r}, encoding="utf-8").read().partition("\\n")
df = pd.DataFrame({{"article_id": ["s"], "title": [title], "text": [body]}})
assert len(S.sentence_table(df)) == 40
assert len(T.kwic(df, "tariff*")) == 5
assert len(T.collocations(df, min_freq=2)) > 0
assert len(T.top_terms(df)) == 20
assert len(K.keyness(df, pd.DataFrame({{"title": ["Trade"], "text": ["Trade and jobs."]}}))) > 0
assert len(O.tone(df, by="article")) == 1
assert sorted(nltk.data.path) == [{str(empty)!r}] and not list(__import__("pathlib").Path({str(empty)!r}).iterdir())
print("offline-ok")
"""
    env = dict(cli_env, NLTK_DATA=str(empty), HOME=str(tmp_path))
    res = subprocess.run([python, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "offline-ok" in res.stdout


def _reference_collocations(articles: pd.DataFrame, n: int, measure: str, min_freq: int, top: int) -> pd.DataFrame:
    """The per-sentence Counter implementation collocations() had before it was vectorized."""
    word_fd, bi_fd, wild_fd, tri_fd = Counter(), Counter(), Counter(), Counter()
    for doc in documents(articles).tolist():
        for s, e in sentence_spans(doc):
            toks = [w[:-2] if w.endswith("'s") else w for w in words(doc[s:e].lower())]
            word_fd.update(toks)
            bi_fd.update(zip(toks, toks[1:]))
            wild_fd.update(zip(toks, toks[2:]))
            tri_fd.update(zip(toks, toks[1:], toks[2:]))
    keep = {w for w in word_fd if w not in STOPWORDS and HAS_LETTER.search(w)}
    grams = bi_fd if n == 2 else tri_fd
    kept = FreqDist({g: c for g, c in grams.items() if c >= min_freq and all(w in keep for w in g)})
    if n == 2:
        finder, measures = BigramCollocationFinder(FreqDist(word_fd), kept), BigramAssocMeasures
    else:
        finder = TrigramCollocationFinder(FreqDist(word_fd), FreqDist(bi_fd), FreqDist(wild_fd), kept)
        measures = TrigramAssocMeasures
    fn = measures.pmi if measure == "pmi" else measures.likelihood_ratio
    rows = [(" ".join(g), int(finder.ngram_fd[g]), float(sc)) for g, sc in finder.score_ngrams(fn)]
    rows.sort(key=lambda r: (-round(r[2], 9), -r[1], r[0]))
    return pd.DataFrame(rows[:top], columns=["ngram", "freq", "score"])


@pytest.mark.parametrize("n,measure,min_freq", [(2, "pmi", 2), (2, "likelihood", 1), (3, "pmi", 2),
                                                (3, "likelihood", 1)])
def test_vectorized_collocations_equal_the_per_sentence_counts(allsides: pd.DataFrame, n: int, measure: str,
                                                               min_freq: int) -> None:
    arts = allsides.head(300)
    got = collocations(arts, n=n, measure=measure, min_freq=min_freq, top=150)
    assert len(got) == 150
    pd.testing.assert_frame_equal(got, _reference_collocations(arts, n, measure, min_freq, 150), check_exact=True)


def test_sentence_ngram_counts_never_cross_sentences() -> None:
    vocab, n_words, [(bi, bn), (tri, tn)] = sentence_ngram_counts(
        ["Border wall. Wall funding stalled.", "Funding border wall."], ((0, 1), (0, 1, 2)), chunk=1)
    pairs = {(vocab[a], vocab[b]): int(c) for (a, b), c in zip(bi.tolist(), bn.tolist())}
    assert pairs == {("border", "wall"): 2, ("wall", "funding"): 1, ("funding", "stalled"): 1,
                     ("funding", "border"): 1}
    assert sorted(" ".join(vocab[i] for i in t) for t in tri.tolist()) == ["funding border wall",
                                                                          "wall funding stalled"]
    assert dict(zip(vocab, n_words.tolist()))["wall"] == 3 and int(n_words.sum()) == 8


def test_term_counts_equal_summed_terms(allsides: pd.DataFrame) -> None:
    arts = allsides.head(300)
    expected: Counter[str] = Counter()
    for doc in documents(arts).tolist():
        expected.update(terms(doc))
    got = term_counts(arts)
    assert got == expected and sum(got.values()) > 10_000


def _doc_pairs(doc: str) -> set[str]:
    """The within-sentence word pairs of one document (collocations' tokens)."""
    vocab, _, [(ids, _)] = sentence_ngram_counts([doc])
    return {f"{vocab[a]} {vocab[b]}" for a, b in ids.tolist()}


def test_collocations_count_articles_and_require_several(allsides: pd.DataFrame) -> None:
    """A pair repeated inside one article (a name in a long story) is not a collocation of the
    coverage: ``min_articles`` asks for several articles, and ``n_articles`` says how many."""
    arts = allsides.head(300)
    got = collocations(arts, n=2, measure="likelihood", min_freq=3, top=200, min_articles=4)
    assert list(got.columns) == ["ngram", "freq", "n_articles", "score"] and len(got) == 200
    per_doc = Counter(g for doc in documents(arts).tolist() for g in _doc_pairs(doc))
    assert got["n_articles"].tolist() == [per_doc[g] for g in got["ngram"]]
    assert (got["n_articles"] >= 4).all() and (got["freq"] >= got["n_articles"]).all()
    loose = collocations(arts, n=2, measure="likelihood", min_freq=3, top=-1)
    kept = loose[[per_doc[g] >= 4 for g in loose["ngram"]]].head(200)  # same scores, only the rare ones go
    assert kept["ngram"].tolist() == got["ngram"].tolist()
    tri = collocations(arts, n=3, measure="likelihood", min_freq=3, top=20, min_articles=3)
    assert (tri["n_articles"] >= 3).all() and (tri.ngram.str.split().str.len() == 3).all()


def _sum_partitions(parts: list[tuple]) -> tuple[list[str], np.ndarray, list[tuple]]:
    """Sum sentence_ngram_counts(by_article=True) of several partitions by word (what a cluster does)."""
    words_: Counter[str] = Counter()
    shapes: list[dict] = [{} for _ in parts[0][2]]
    for vocab, wc, grams in parts:
        words_.update({w: int(c) for w, c in zip(vocab, wc.tolist()) if c})
        for j, (ids, cnt, docs) in enumerate(grams):
            for g, c, d in zip(ids.tolist(), cnt.tolist(), docs.tolist()):
                key = tuple(vocab[i] for i in g)
                old = shapes[j].get(key, (0, 0))
                shapes[j][key] = (old[0] + c, old[1] + d)
    vocab = sorted(words_)
    index = {w: i for i, w in enumerate(vocab)}
    out = []
    for table in shapes:
        keys = list(table)
        ids = np.array([[index[w] for w in k] for k in keys], dtype=np.int64).reshape(len(keys), -1)
        out.append((ids, np.array([table[k][0] for k in keys]), np.array([table[k][1] for k in keys])))
    return vocab, np.array([words_[w] for w in vocab]), out


@pytest.mark.parametrize("n", [2, 3])
def test_collocations_from_summed_partition_counts(allsides: pd.DataFrame, n: int) -> None:
    """Counts (with articles per n-gram) are additive: summed over partitions they score the same table."""
    arts = allsides.head(240)
    shapes = ((0, 1),) if n == 2 else ((0, 1), (0, 2), (0, 1, 2))
    parts = [sentence_ngram_counts(documents(arts.iloc[i::3]).tolist(), shapes, by_article=True) for i in range(3)]
    vocab, wc, grams = _sum_partitions(parts)
    got = score_collocations(vocab, wc, grams, n=n, measure="likelihood", min_freq=3, top=40, min_articles=3)
    ref = collocations(arts, n=n, measure="likelihood", min_freq=3, top=40, min_articles=3)
    assert got["ngram"].tolist() == ref["ngram"].tolist()
    assert got["n_articles"].tolist() == ref["n_articles"].tolist() and got["freq"].tolist() == ref["freq"].tolist()
    assert np.allclose(got["score"], ref["score"])


def test_collocation_thresholds_grow_with_the_articles() -> None:
    assert collocation_thresholds(20) == (3, 2)
    small, large = collocation_thresholds(300), collocation_thresholds(30_000)
    assert small == (6, 3) and large == (600, 300)
    assert collocation_thresholds(300, min_freq=10) == (10, 3)


def test_kwic_sample_spreads_over_articles_outlets_and_dates(allsides: pd.DataFrame) -> None:
    arts = allsides[allsides["date"].notna()].head(600)
    lines = kwic(arts, "trade*", window=4)
    assert lines["article_id"].value_counts().max() > 2  # some articles have many matches
    sample = kwic_sample(lines, n=15)
    assert len(sample) == 15 and sample["article_id"].is_unique  # more articles than lines: one each
    assert sample["source"].nunique() == 15  # and many outlets: one each
    span = lines["date"].max() - lines["date"].min()
    assert sample["date"].max() - sample["date"].min() > 0.7 * span  # spread over the dates
    assert sample["date"].is_monotonic_increasing
    assert list(sample.columns) == list(lines.columns)  # offsets stay (for the CSV)
    # deterministic, whatever the order of the lines
    again = kwic_sample(lines.sample(frac=1, random_state=3), n=15)
    pd.testing.assert_frame_equal(sample, again)
    # few articles: at most two lines from each, the second a different match where there is one
    few = lines[lines["article_id"].isin(lines["article_id"].drop_duplicates().head(4))]
    small = kwic_sample(few, n=15)
    assert small["article_id"].value_counts().max() <= 2 and len(small) <= 8
    for _, rows in small.groupby("article_id"):
        words_ = rows["match"].str.lower().tolist()
        options = few.loc[few["article_id"] == rows["article_id"].iloc[0], "match"].str.lower()
        if options.nunique() > 1:
            assert len(set(words_)) == len(words_)
    assert kwic_sample(lines.head(0), n=5).empty and kwic_sample(lines, n=0).empty
