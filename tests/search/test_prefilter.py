"""The needle prefilter (analysis.search.prefilter): its candidates always include every match.

The engine scans only the candidate rows, so a candidate set missing a matching article would
silently drop it; these tests check the superset property against the slow reference evaluator
(tests/search/reference_query.py) on random queries and on capitalization/separator/Unicode cases.
"""
from __future__ import annotations

import random

import pandas as pd
import pyarrow as pa
import pytest

from analysis.search.engine import Evaluator, match, text_column
from analysis.search.parser import QuerySyntaxError, parse_query
from analysis.search.prefilter import Needle, candidate_rows, needle, needles, pattern
from analysis.themes.scoring import score_themes
from tests.search.test_engine import (  # noqa: F401  (allsides_sample is a fixture)
    allsides_sample,
    random_query,
    reference_articles,
    reference_ids,
    vocabulary,
)


def candidates(q: str, arts: pd.DataFrame) -> list[int] | None:
    """Candidate rows of ``q`` over ``arts`` (None: every row)."""
    rows = candidate_rows(parse_query(q), text_column(arts, "title"), text_column(arts, "text"))
    return None if rows is None else rows.tolist()


@pytest.mark.parametrize("term,case,want", [
    ("tariff*", False, Needle("tariff", False)),
    ("policy", False, Needle("polic", False)),  # policy / policies share "polic"
    ("cross-border", False, Needle("border", False)),  # cross border / crossborder
    ("free trade", False, Needle("free trade", False)),  # words joined by any separators
    ("health care", False, Needle("health care", False)),
    ("U.S. policy", False, Needle("u s polic", False)),
    ("ICE", True, Needle("ice", True)),  # short: must start a word
    ("EU", True, Needle("eu", True)),
    ("Mexico's", False, Needle("mexico s", False)),
    ("México", False, None),  # "xico" is short and starts no word
    ("a", False, None),
])
def test_needle_is_a_run_every_variant_shares(term: str, case: bool, want: Needle | None) -> None:
    """The needle is the longest ASCII run common to all variants; short ones are anchored."""
    assert needle(term, case) == want


def test_needles_follow_the_boolean_structure() -> None:
    """AND keeps its most selective child, OR needs every child, NOT/fields/themes/dates give none."""
    assert needles(parse_query("tariff* AND (Mexico OR Canada)")) == [Needle("tariff", False)]
    assert needles(parse_query("deport* NOT court*")) == [Needle("deport", False)]
    assert needles(parse_query("ICE OR (police AND shoot*)")) == [Needle("ice", True), Needle("police", False)]
    for q in ("NOT tariff", "tariff OR NOT Mexico", 'source:"Fox News"', "theme:trade", "date:[2024-01-01 TO *]",
              "tariff OR a"):
        assert needles(parse_query(q)) is None, q
    assert pattern([Needle("ice", True)]) == "(?:^|[^0-9A-Za-z])(?i:ice)"


TRICKY = pd.DataFrame({
    "article_id": [f"p{i}" for i in range(11)],
    "title": ["DePoRtAtIoNs resume", None, "Police shootings", "ICE-led raid", "", "\u212aansas votes",
              "Free\u2014Trade pact", "nothing here", "Mexico’s tariffs", "Health - care costs", "health of the care"],
    "text": ["", "deportation flights", "The price of justice.", "", "_ICE agents", "kansas", "",
             "Tar-iff and Mex ico", None, "", ""],
})


@pytest.mark.parametrize("q,want", [
    ("deport*", [0, 1]),
    ("ICE", [3, 4]),  # "police", "price", "justice" are not candidates; "_ICE" is
    ("Kansas", [5]),  # the Kelvin sign folds to k
    ('"free trade"', [6]),
    ("Mexico's AND tariff", [8]),
    ('"health care" OR Medicaid', [9]),  # "Health - care", not "health of the care"
    ("deport* OR Kansas", [0, 1, 5]),
    ("NOT deport*", None),
])
def test_candidates_cover_case_and_separator_variants(q: str, want: list[int] | None) -> None:
    """Capitalization, the Kelvin sign, dashes, curly apostrophes, nulls: candidates as expected, and
    the engine's matches equal the reference's."""
    assert candidates(q, TRICKY) == want
    got = TRICKY["article_id"][match(TRICKY, q).matched].tolist()
    assert got == reference_ids(q, TRICKY)
    assert set(got) <= {TRICKY["article_id"][i] for i in (want if want is not None else range(len(TRICKY)))}


def test_engine_scans_only_the_candidates() -> None:
    """A selective query scans a few rows; a query led by NOT scans all of them."""
    node = parse_query("deport* AND flights")
    ev = Evaluator(TRICKY, node, "deport* AND flights")
    assert ev.candidates.tolist() == [1]
    assert ev.run().matched.tolist() == [False, True] + [False] * 9
    assert Evaluator(TRICKY, parse_query("NOT ICE"), "NOT ICE").candidates is None


def test_candidates_include_every_reference_match(allsides_sample: pd.DataFrame) -> None:  # noqa: F811
    """Over 300 random queries the candidate rows include every article the reference matches, and most
    queries are narrowed."""
    vocab = vocabulary(allsides_sample)
    scores = score_themes(allsides_sample)
    themes: dict = {}
    for aid, th in zip(scores.loc[scores["present"], "article_id"], scores.loc[scores["present"], "theme"]):
        themes.setdefault(aid, set()).add(th)
    ref = reference_articles(allsides_sample, themes)
    titles, texts = text_column(allsides_sample, "title"), text_column(allsides_sample, "text")
    position = {aid: i for i, aid in enumerate(allsides_sample["article_id"])}
    rng = random.Random(1617)
    checked, narrowed, matched = 0, 0, 0
    while checked < 300:
        q = random_query(rng, vocab)
        try:
            node = parse_query(q)
        except QuerySyntaxError:
            continue
        rows = candidate_rows(node, titles, texts)
        want = {position[a] for a in reference_ids(q, ref)}
        if rows is not None:
            assert want <= set(rows.tolist()), q
            narrowed += len(rows) < len(allsides_sample)
        checked += 1
        matched += bool(want)
    assert narrowed > 100 and matched > 100


def test_candidate_rows_of_arrow_slices() -> None:
    """Sliced Arrow arrays (offsets not at zero) give the rows of the slice."""
    t = pa.array(["x", "Tariffs", None, "tariff"])[1:]
    x = pa.array(["y", "", "tariff", "none"])[1:]
    assert candidate_rows(parse_query("tariff"), t, x).tolist() == [0, 1, 2]
