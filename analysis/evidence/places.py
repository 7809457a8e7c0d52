"""Countries and nationalities named in articles, mapped to ISO 3166-1 countries.

Country names come from ``pycountry`` (ISO name and common name); aliases ("U.S.", "Britain"),
demonyms ("Mexican" -> Mexico, "Salvadoran"/"Salvadorian" -> El Salvador) and look-alikes that
must not count ("New Mexico", "Latin American", "Georgia") come from the data table
``analysis/data/demonyms.csv``. Matching is case-sensitive, longest-first and on word boundaries
(Aho-Corasick over the whole document). ``iso_country`` is the ISO alpha-3 code.

    >>> [(m[2], m[3]) for m in doc_places("Mexican troops left New Mexico for the U.S.")]
    [('Mexico', 'MEX'), ('United States', 'USA')]
"""
from __future__ import annotations

from functools import lru_cache

import ahocorasick
import pandas as pd
import pycountry

from analysis.evidence.documents import (
    SentenceLocator,
    aggregate_mentions,
    article_theme_index,
    data_table,
    frame,
    iter_documents,
    themes_between,
)

PLACE_LONG_COLUMNS: list[str] = [
    "article_id", "sentence_id", "kind", "name", "canonical", "iso_country", "start", "end", "themes",
]


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
def _automaton() -> ahocorasick.Automaton:
    """Build the Aho-Corasick automaton over every surface form of the gazetteer."""
    auto = ahocorasick.Automaton()
    for form, target in gazetteer().items():
        auto.add_word(form, (form, target))
    auto.make_automaton()
    return auto


def doc_places(doc: str) -> list[tuple[int, int, str, str, str]]:
    """Return (start, end, canonical, iso3, surface) for each country mention in ``doc``."""
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
        out.append((start, end, target[0], target[1], form))
    return out


def place_mentions(articles: pd.DataFrame, hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per country mention (PLACE_LONG_COLUMNS) with its sentence id and themes."""
    index = article_theme_index(articles, hits)
    rows = []
    for aid, doc in iter_documents(articles):
        loc = SentenceLocator(doc)
        for start, end, canon, iso3, form in doc_places(doc):
            sid = loc.sid(start)
            rows.append({"article_id": aid, "sentence_id": sid, "kind": "place", "name": form,
                         "canonical": canon, "iso_country": iso3, "start": start, "end": end,
                         "themes": themes_between(index, aid, sid, sid)})
    return frame(rows, PLACE_LONG_COLUMNS,
                 {"article_id": "string", "sentence_id": "int64", "kind": "string", "name": "string",
                  "canonical": "string", "iso_country": "string", "start": "int64", "end": "int64"})


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
        for start, _end, canon, iso3, form in doc_places(doc):
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


__all__ = ["doc_places", "gazetteer", "mention_counts", "place_mentions", "places"]
