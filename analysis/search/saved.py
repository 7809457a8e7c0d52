"""Saved queries: YAML files (``name``, ``query``, ``description``) usable wherever a theme is.

A file holds one mapping; it is read with ``yaml.safe_load`` (as the lexicons are: a file can
never run code), its query is parsed when it is loaded, and a mistake is a one-line
:class:`analysis.errors.UsageError` naming the file. The shipped queries are in
``analysis/search/queries/``; ``--queries DIR`` (or ``folder``) points elsewhere.

    >>> sorted(load_queries())
    ['deportation_without_courts', 'tariffs_north_america']
    >>> resolve_query("tariffs_north_america").query
    'tariff* AND (Mexico OR Canada)'
    >>> resolve_query("mx=Mexico NOT tariff*")
    SavedQuery(name='mx', query='Mexico NOT tariff*', description='', path='')
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.errors import UsageError
from analysis.search.parser import QuerySyntaxError, parse_query

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_KEYS = {"name", "query", "description"}
DEFAULT_NAME = "query"


@dataclass(frozen=True)
class SavedQuery:
    """A named query (``path`` is the file it came from; empty for one typed on the command line)."""

    name: str
    query: str
    description: str = ""
    path: str = ""


def load_query_file(path: str | os.PathLike[str]) -> SavedQuery:
    """Read and check one saved-query YAML file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: YAML: {' '.join(str(exc).split())}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or not {"name", "query"} <= set(data) or set(data) - _KEYS:
        raise UsageError(f"{path}: a saved query is a mapping with name, query and optional description")
    name, q, desc = data["name"], data["query"], data.get("description") or ""
    if not isinstance(name, str) or not _NAME.match(name):
        raise UsageError(f"{path}: name must be a lower-case identifier, got {name!r}")
    if not isinstance(q, str) or not isinstance(desc, str):
        raise UsageError(f"{path}: query and description must be strings")
    try:
        parse_query(q)
    except QuerySyntaxError as exc:
        raise UsageError(f"{path}: {str(exc).splitlines()[0]}") from None
    return SavedQuery(name, q, " ".join(desc.split()), str(path))


def load_queries(folder: str | os.PathLike[str] | None = None) -> dict[str, SavedQuery]:
    """Every ``*.yml``/``*.yaml`` saved query of a folder (default: the shipped ones), by name."""
    folder = Path(folder) if folder is not None else QUERIES_DIR
    if not folder.is_dir():
        raise UsageError(f"{folder}: saved-query folder not found")
    out: dict[str, SavedQuery] = {}
    for f in sorted(list(folder.glob("*.yml")) + list(folder.glob("*.yaml"))):
        sq = load_query_file(f)
        if sq.name in out:
            raise UsageError(f"{f}: query {sq.name!r} is already defined in {out[sq.name].path}")
        out[sq.name] = sq
    return out


def resolve_query(spec: str, folder: str | os.PathLike[str] | None = None) -> SavedQuery:
    """A saved query's name, ``NAME=QUERY``, or a query (named ``query``) -> :class:`SavedQuery`.

    A bare identifier that names a saved query runs it; quote a word to search for it instead.
    """
    spec = spec.strip()
    head, eq, rest = spec.partition("=")
    if eq and _NAME.match(head.strip()):
        parse_query(rest)
        return SavedQuery(head.strip(), rest.strip())
    if _NAME.match(spec):
        saved = load_queries(folder)
        if spec in saved:
            return saved[spec]
    parse_query(spec)
    return SavedQuery(DEFAULT_NAME, spec)
