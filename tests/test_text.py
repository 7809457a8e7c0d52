"""Text utilities: words, sentences, KWIC, collocations, top terms, keyness -- offline."""
from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis import schema
from analysis.errors import UsageError
from analysis.text.keyness import keyness, log_odds_table
from analysis.text.sentences import document_text
from analysis.text.words import (STOPWORDS, collocations, kwic, ngrams, sentence_table, sentences, terms,
                           top_terms, words)


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
    # without hits, the theme engine tags the seed itself
    engine = kwic(art, "migration")
    assert len(engine) >= 3 and engine["match"].str.contains("migra", case=False).any()
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
    themed = top_terms(_seed(seed_path), by="theme", top=5)
    assert {"trade", "migration"} <= set(themed.group)
    trade = themed[themed.group == "trade"].term.tolist()
    assert "mexico" in trade
    big = top_terms(allsides, by="source", top=5)
    assert big.groupby("group").size().max() == 5


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
T, K, O, V = (importlib.import_module('analysis.' + n) for n in ('text.words', 'text.keyness', 'evidence.tone', 'evidence.vader'))
for m in (T, K, O, V):
    r = doctest.testmod(m)
    assert r.failed == 0 and r.attempted > 0, (m.__name__, r)
title, _, body = open({str(seed_path)!r}, encoding="utf-8").read().partition("\\n")
df = pd.DataFrame({{"article_id": ["s"], "title": [title], "text": [body]}})
assert len(T.sentence_table(df)) == 40
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
    from collections import Counter

    from nltk.collocations import (BigramAssocMeasures, BigramCollocationFinder, TrigramAssocMeasures,
                                   TrigramCollocationFinder)
    from nltk.probability import FreqDist

    from analysis.text.sentences import documents, sentence_spans
    from analysis.text.words import _HAS_LETTER

    word_fd, bi_fd, wild_fd, tri_fd = Counter(), Counter(), Counter(), Counter()
    for doc in documents(articles).tolist():
        for s, e in sentence_spans(doc):
            toks = [w[:-2] if w.endswith("'s") else w for w in words(doc[s:e].lower())]
            word_fd.update(toks)
            bi_fd.update(zip(toks, toks[1:]))
            wild_fd.update(zip(toks, toks[2:]))
            tri_fd.update(zip(toks, toks[1:], toks[2:]))
    keep = {w for w in word_fd if w not in STOPWORDS and _HAS_LETTER.search(w)}
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
    from analysis.text.term_counts import sentence_ngram_counts

    vocab, n_words, [(bi, bn), (tri, tn)] = sentence_ngram_counts(
        ["Border wall. Wall funding stalled.", "Funding border wall."], ((0, 1), (0, 1, 2)), chunk=1)
    pairs = {(vocab[a], vocab[b]): int(c) for (a, b), c in zip(bi.tolist(), bn.tolist())}
    assert pairs == {("border", "wall"): 2, ("wall", "funding"): 1, ("funding", "stalled"): 1,
                     ("funding", "border"): 1}
    assert sorted(" ".join(vocab[i] for i in t) for t in tri.tolist()) == ["funding border wall",
                                                                          "wall funding stalled"]
    assert dict(zip(vocab, n_words.tolist()))["wall"] == 3 and int(n_words.sum()) == 8


def test_term_counts_equal_summed_terms(allsides: pd.DataFrame) -> None:
    from collections import Counter

    from analysis.text.sentences import documents
    from analysis.text.words import term_counts

    arts = allsides.head(300)
    expected: Counter[str] = Counter()
    for doc in documents(arts).tolist():
        expected.update(terms(doc))
    got = term_counts(arts)
    assert got == expected and sum(got.values()) > 10_000
