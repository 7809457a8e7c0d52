"""The compiled theme scan (analysis.themes.kernel.scan) gives exactly the results of the pure-Python reference.

The reference is tests/themes/kernel/reference_matcher.py; the span helpers of the scan
(analysis.themes.kernel.spans) also have their own tests in test_spans.py.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import schema
from analysis.themes.lexicon import load_lexicons
from analysis.themes.matcher import compile_matcher
from analysis.themes.scoring import SCORE_COLUMNS, analyze, score_themes
from tests.themes.kernel.reference_matcher import ReferenceMatcher, reference_rows

TRICKY = [
    ("Free-trade pact", "The free trade pacts and free-trade pact; a trade secret; trade secrets. Trade war of words."),
    ("ICE and ice", "ICE agents, not ice. The ICE’s raids. WHO said who? The U.N. and the UN; U.S.-Mexico tariffs."),
    ("", "Deportations, deported, deportee; clinical trials and clinical trial; white supremacists’ rally."),
    ("Emoji 🚀 and İstanbul", "Tariffs 🚀 rose. KELVIN \u212a; Ÿ and ÿ; non\u00a0breaking\u2009thin."),
    ("  padded title  ", "\n\n  body after blank lines.\n \t\nSecond para. Sen. Smith and Gov. Lee met J. Doe in the U.S. Today."),
    ("Title only", None),
    (None, "Text only: immigration, migrants, cartels and fentanyl smuggling across the border."),
    ("", ""),
    ("Dr. No… “Quoted.” (Aside.) [Bracket.] 'Single.'", "Wait... What?! Yes. 3 p.m. 4 a.m. No. U.S. officials said. U.S. Then."),
]


def _reference(frame: pd.DataFrame, lexicons=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores and hits of the reference implementation, typed like analyze's."""
    matcher = ReferenceMatcher(load_lexicons(lexicons))
    rows = [(str(a), t if isinstance(t, str) else "", x if isinstance(x, str) else "")
            for a, t, x in zip(frame["article_id"], frame["title"], frame["text"])]
    hit_rows, score_rows = reference_rows(matcher, rows)
    scores = pd.DataFrame(score_rows, columns=SCORE_COLUMNS)
    hits = pd.DataFrame(hit_rows, columns=schema.THEME_HIT_COLUMNS)
    s, h = analyze(frame.iloc[:0], lexicons)
    return scores.astype(s.dtypes.to_dict()), hits.astype(h.dtypes.to_dict())


def _assert_same(frame: pd.DataFrame, lexicons=None) -> None:
    """The compiled engine and the reference agree exactly (scores, hits, score_themes)."""
    want_s, want_h = _reference(frame, lexicons)
    got_s, got_h = analyze(frame, lexicons)
    pd.testing.assert_frame_equal(got_s, want_s, check_exact=True)
    pd.testing.assert_frame_equal(got_h, want_h, check_exact=True)
    pd.testing.assert_frame_equal(score_themes(frame, lexicons), want_s, check_exact=True)


def _frame(pairs: list[tuple]) -> pd.DataFrame:
    """An article table from (title, text) pairs."""
    return pd.DataFrame({"article_id": [f"t{i}" for i in range(len(pairs))],
                         "title": [p[0] for p in pairs], "text": [p[1] for p in pairs]})


def test_tricky_documents_match_the_reference():
    _assert_same(_frame(TRICKY))


def test_object_columns_and_arrow_columns_agree():
    obj = _frame(TRICKY).astype({"title": object, "text": object})
    arrow = _frame(TRICKY).astype({"title": "string[pyarrow]", "text": "string[pyarrow]"})
    a, b = analyze(obj), analyze(arrow)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])


def test_sliced_arrow_input_and_batches(monkeypatch):
    from analysis.themes import scoring as themes

    frame = _frame(TRICKY * 5)
    want = analyze(frame)
    monkeypatch.setattr(themes, "BATCH_ARTICLES", 4)  # chunks are zero-copy slices of the Arrow columns
    got = analyze(frame.astype({"title": "string[pyarrow]", "text": "string[pyarrow]"}))
    pd.testing.assert_frame_equal(got[0], want[0])
    pd.testing.assert_frame_equal(got[1], want[1])


def test_every_rule_with_a_user_lexicon(tmp_path):
    folder = tmp_path / "lex"
    folder.mkdir()
    (folder / "a.yml").write_text(
        "id: a\nlabel: A\ndescription: d\ncap_major: [1]\nsource: s\n"
        "terms: [trade, free trade, free trade pact, trade war, 'tariff*', 'tariffs', {term: ICE, case: true}, 'war*']\n"
        "exclusions: [trade secret, {term: Warren, case: true}]\n", encoding="utf-8")
    (folder / "b.yml").write_text(
        "id: b\nlabel: B\ndescription: d\ncap_major: [2]\nsource: s\n"
        "terms: [ice, war, pact, {term: tariffs, weight: 2}, 'trade war*', border, cross-border]\nexclusions: [war of words]\n",
        encoding="utf-8")
    docs = _frame([("Trade war", "The free trade pact ended the trade war; warring tariffs, tariff wars and ICE ice. "
                                 "Warren spoke of a war of words and trade secrets across the cross-border border.")] + TRICKY)
    _assert_same(docs, folder)


def _dev_set(path) -> pd.DataFrame:
    """A shared dev set as an article table."""
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return pd.DataFrame({"article_id": [r["id"] for r in rows], "title": [r.get("title") for r in rows],
                         "text": [r.get("text") for r in rows]})


@pytest.mark.parametrize("which", ["allsides_path", "nyt_path"])
def test_shared_dev_sets_match_the_reference(which, request):
    frame = _dev_set(request.getfixturevalue(which))
    _assert_same(frame)


def test_find_matches_the_reference_on_raw_documents():
    ref = ReferenceMatcher(load_lexicons())
    m = compile_matcher()
    for title, text in TRICKY + [("Lone \ud800 surrogate", "tariffs \udfff trade")]:
        for doc in (title or "", text or "", f" {title}\n\n{text} "):
            assert m.find(doc) == ref.find(doc)


def test_object_columns_may_hold_lone_surrogates():
    frame = pd.DataFrame({"article_id": ["s"], "title": ["Tariffs \ud800"], "text": ["trade \udfff war"]}, dtype=object)
    want_s, want_h = _reference(frame)
    got_s, got_h = analyze(frame)
    pd.testing.assert_frame_equal(got_s, want_s, check_exact=True)
    pd.testing.assert_frame_equal(got_h, want_h, check_exact=True)
