"""Lexicon loading, the matcher rules, theme scores and the seed article (analysis.themes.scoring, .lexicon).

The ``themes`` command that lists the lexicons is tested in tests/commands/test_themes.py.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import config, schema
from analysis.errors import LexiconError
from analysis.themes.lexicon import load_lexicons, normalize
from analysis.themes.scoring import analyze, article_themes, score_themes, sentence_themes, theme_hits

TINY = """\
id: {id}
label: Test
description: A test theme.
cap_major: [18]
source: written for the tests
terms:
{terms}
exclusions:
{excl}
"""


def _lex(tmp_path: Path, **themes: tuple[list[str], list[str]]) -> Path:
    """Write tiny lexicon files (theme -> (terms, exclusions)) and return the folder."""
    folder = tmp_path / "lex"
    folder.mkdir(exist_ok=True)
    for tid, (terms, excl) in themes.items():
        body = TINY.format(id=tid, terms="\n".join(f"  - {t}" for t in terms),
                           excl="\n".join(f"  - {t}" for t in excl) or "  []")
        (folder / f"{tid}.yml").write_text(body.replace("exclusions:\n  []", "exclusions: []"), encoding="utf-8")
    return folder


def _terms(text: str, lex) -> list[tuple[str, str, str]]:
    """Return (theme, term, matched text) for a one-article table."""
    arts = pd.DataFrame({"article_id": ["a"], "title": [""], "text": [text]})
    h = theme_hits(arts, lex)
    return [(r.theme, r.term, text[r.start:r.end]) for r in h.itertuples()]


@pytest.fixture()
def lex(tmp_path):
    """A small lexicon exercising every rule."""
    return _lex(tmp_path,
                trade=(["tariff", "trade", "free-trade pact", "policy", "cross-border", "Mexico", "import*"],
                       ["trade secret", "important"]),
                security=(["war", "ice", "{term: ICE, case: true}", "border"],
                          ["war of words", "{term: Warren, case: true}"]),
                migration=(["{term: ICE, case: true}", "deport*"], []))


def test_single_words_and_plurals(lex):
    got = _terms("One tariff, two tariffs and new policies; a policy.", lex)
    assert [g[2] for g in got] == ["tariff", "tariffs", "policies", "policy"]
    assert {g[1] for g in got} == {"tariff", "policy"}


def test_whole_words_only(lex):
    assert _terms("The police gave an award to the office.", lex) == []


def test_prefix_glob_extends_to_word_end(lex):
    got = _terms("Deportations and deported migrants; imports rose.", lex)
    assert [(g[1], g[2]) for g in got] == [("deport*", "Deportations"), ("deport*", "deported"), ("import*", "imports")]


def test_phrase_longest_match_counted_once(lex):
    got = _terms("The free-trade pact and the free trade pacts.", lex)
    assert [(g[1], g[2]) for g in got] == [("free-trade pact", "free-trade pact"), ("free-trade pact", "free trade pacts")]


def test_hyphen_variants(lex):
    got = _terms("cross-border flows, cross border flows, crossborder flows", lex)
    assert [g[2] for g in got] == ["cross-border", "cross border", "crossborder"]


def test_possessive_and_curly_apostrophe(lex):
    got = _terms("Mexico’s economy and Mexico's border.", lex)
    assert [g[2] for g in got if g[0] == "trade"] == ["Mexico", "Mexico"]


def test_case_sensitive_entries(lex):
    got = _terms("ICE agents slipped on the ice.", lex)
    assert ("migration", "ICE", "ICE") in got
    assert ("security", "ICE", "ICE") in got  # one hit per theme for the same word
    assert ("security", "ice", "ice") in got
    assert not any(g[0] == "migration" and g[2] == "ice" for g in got)
    assert sum(g[0] == "security" and g[2] == "ICE" for g in got) == 1


def test_exclusions(lex):
    assert _terms("They stole trade secrets in a war of words.", lex) == []
    assert _terms("Senator Warren spoke about war.", lex) == [("security", "war", "war")]
    assert _terms("An important point.", lex) == []


def test_weights_pick_the_primary_theme(tmp_path):
    folder = _lex(tmp_path, trade=(["tariff"], []), security=(["{term: war, weight: 0.25}"], []))
    arts = pd.DataFrame({"article_id": ["a"], "title": [""], "text": ["War, war and a tariff."]})
    scores = score_themes(arts, folder)
    assert dict(zip(scores.theme, scores.hits)) == {"security": 2, "trade": 1}  # hits stay counts
    assert article_themes(scores, arts)["primary_theme"].tolist() == ["trade"]  # 1.0 > 2 x 0.25


def test_normalize_keeps_length():
    text = "İstanbul’s “cross-border” trade — U.S.-Mexico"
    assert len(normalize(text)) == len(text)


def test_shipped_lexicons_are_the_schema_themes():
    lex = load_lexicons()
    assert sorted(lex) == sorted(schema.ALL_THEMES)
    for lx in lex.values():
        assert lx.cap_major and lx.source and lx.description and len(lx.terms) >= 20
    assert {"drugs_fentanyl", "cartels_organized_crime", "border_security", "terrorism"} <= set(lex["security_crime"].subthemes)
    assert {"tariffs", "trade_agreements"} <= set(lex["trade"].subthemes)


@pytest.mark.parametrize("body, entry", [
    ("id: x\nlabel: X\ndescription: d\ncap_major: [1]\nsource: s\nterms: [ok, 'a*b']\n", "terms[1]"),
    ("id: x\nlabel: X\ndescription: d\ncap_major: [1]\nsource: s\nterms: [ok, {term: ICE, case: maybe}]\n", "terms[1]"),
    ("id: x\nlabel: X\ndescription: d\ncap_major: one\nsource: s\nterms: [ok]\n", "cap_major"),
    ("id: x\nlabel: X\ndescription: d\ncap_major: [1]\nterms: [ok]\n", "source"),
    ("id: x\nlabel: X\ndescription: d\ncap_major: [1]\nsource: s\nterms: [ok]\nsubthemes: {s1: {terms: [ok, 7]}}\n", "subthemes.s1.terms[1]"),
    ("id: x\nlabel: X\ndescription: d\ncap_major: [1]\nsource: s\nterms: [ok]\ncolour: red\n", "colour"),
    ("id: x\nlabel: X\ndescription: d\ncap_major: [1]\nsource: s\nterms: [ok, {term: y, weight: -1}]\n", "terms[1]"),
])
def test_malformed_lexicon_names_file_and_entry(tmp_path, body, entry):
    (tmp_path / "bad.yml").write_text(body, encoding="utf-8")
    with pytest.raises(LexiconError) as exc:
        load_lexicons(tmp_path)
    assert "bad.yml" in str(exc.value) and entry in str(exc.value)


def test_safe_loader_refuses_python_tags(tmp_path):
    (tmp_path / "evil.yml").write_text(
        "id: !!python/object/apply:os.system ['echo pwned']\nlabel: X\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="evil.yml"):
        load_lexicons(tmp_path)


def test_duplicate_theme_id(tmp_path):
    folder = _lex(tmp_path, trade=(["tariff"], []))
    shutil.copy(folder / "trade.yml", folder / "trade2.yml")
    with pytest.raises(LexiconError, match="already defined"):
        load_lexicons(folder)


def test_user_can_add_a_theme_with_one_file(tmp_path):
    folder = tmp_path / "mylex"
    shutil.copytree(config.LEXICON_DIR, folder)
    (folder / "sports.yml").write_text(TINY.format(id="sports", terms="  - touchdown", excl="  - x"), encoding="utf-8")
    arts = pd.DataFrame({"article_id": ["a"], "title": ["Late touchdown"], "text": ["A touchdown won it."]})
    at = article_themes(score_themes(arts, folder), arts)
    assert at["primary_theme"].tolist() == ["sports"]


def test_score_table_and_article_themes():
    arts = pd.DataFrame({"article_id": ["a", "b", "c"],
                         "title": ["Tariffs on steel imports", "Cup final tonight", "Trade and tariffs"],
                         "text": ["The trade war escalated as tariffs rose. " * 5, "The team won.", ""]})
    scores, hits = analyze(arts)
    assert list(scores.columns[:7]) == schema.THEME_SCORE_COLUMNS
    assert list(hits.columns) == schema.THEME_HIT_COLUMNS
    row = scores[(scores.article_id == "a") & (scores.theme == "trade")].iloc[0]
    assert row.hits == 13 and row.present and row.share_of_sentences == 1.0
    assert "tariff*:6" in row.terms
    assert row.hits_per_1k_words == pytest.approx(1000 * 13 / 39)  # 4 headline + 35 body words
    at = article_themes(scores, arts)
    assert at["primary_theme"].tolist() == ["trade", "other", "trade"]
    assert at["themes"].iloc[1] == []
    st = sentence_themes(hits)
    assert set(st.columns) == {"article_id", "sentence_id", "themes"}
    assert st[st.article_id == "a"]["sentence_id"].tolist() == list(range(6))


def test_offsets_point_into_the_document():
    from analysis.text.sentences import document_text, sentence_spans

    arts = pd.DataFrame({"article_id": ["a"], "title": ["Deportation flights resume"],
                         "text": ["Officials said fentanyl seizures rose.\n\nTariffs loom."]})
    doc = document_text(arts.title[0], arts.text[0])
    spans = sentence_spans(doc)
    for r in theme_hits(arts).itertuples():
        s, e = spans[r.sentence_id]
        assert s <= r.start < r.end <= e
    assert {doc[r.start:r.end] for r in theme_hits(arts).itertuples()} >= {"Deportation", "fentanyl", "Tariffs"}


def test_workers_give_identical_results():
    arts = pd.DataFrame({"article_id": [str(i) for i in range(40)],
                         "title": ["Tariffs and migrants"] * 40,
                         "text": [f"Story {i}: the border, fentanyl and trade talks." for i in range(40)]})
    s1, h1 = analyze(arts, workers=1)
    s2, h2 = analyze(arts, workers=2)
    pd.testing.assert_frame_equal(s1, s2)
    pd.testing.assert_frame_equal(h1, h2)


def _seed_article(seed_path: Path) -> pd.DataFrame:
    """Read the seed text file: first line = headline, the rest = body."""
    title, _, body = seed_path.read_text(encoding="utf-8").partition("\n")
    return pd.DataFrame({"article_id": ["seed"], "title": [title.strip()], "text": [body.strip()]})


def test_seed_article_acceptance(seed_path):
    arts = _seed_article(seed_path)
    scores, hits = analyze(arts)
    present = set(scores.loc[scores.present, "theme"])
    assert {"trade", "migration", "security_crime", "foreign_affairs"} <= present
    from analysis.text.sentences import document_text, sentence_spans

    doc = document_text(arts.title[0], arts.text[0])
    spans = sentence_spans(doc)

    def evidence(theme: str) -> str:
        rows = hits[hits.theme == theme]
        return " ".join(doc[slice(*spans[i])] for i in sorted(set(rows.sentence_id))).lower()

    words = {"trade": ["tariffs", "free-trade pact"], "migration": ["immigration", "migrants", "deport"],
             "security_crime": ["fentanyl", "cartels", "drug smugglers"]}
    for theme, expected in words.items():
        ev = evidence(theme)
        for w in expected:
            assert w in ev, (theme, w)
    matched = set(hits.loc[hits.theme == "trade", "term"])
    assert {"tariff*", "free-trade pact"} <= matched
    assert "fentanyl" in set(hits.loc[hits.theme == "security_crime", "term"])


def test_score_themes_equals_the_scores_of_analyze(seed_path):
    """score_themes skips the evidence table but must give exactly the scores of analyze."""
    seed = seed_path.read_text(encoding="utf-8")
    arts = pd.DataFrame({"article_id": ["seed", "short", "none", "empty"],
                         "title": ["Tariffs and the border", "Fentanyl seized", "Cup final", None],
                         "text": [seed, "Agents of ICE and the U.S. Border Patrol. Deportations rise.", "A game.", ""]})
    scores, hits = analyze(arts)
    pd.testing.assert_frame_equal(score_themes(arts), scores)
    pd.testing.assert_frame_equal(theme_hits(arts), hits)
    by_theme = hits.groupby("theme")["term"].size()
    seed_scores = scores[scores["article_id"] == "seed"].set_index("theme")["hits"]
    short_scores = scores[scores["article_id"] == "short"].set_index("theme")["hits"]
    assert (seed_scores.add(short_scores, fill_value=0) == by_theme).all()
