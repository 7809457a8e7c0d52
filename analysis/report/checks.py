"""Check every planned parameter value against its declaration and the pinned corpus, before any kernel.

:mod:`analysis.report.declarations` says which values a parameter accepts; :func:`check_values`
applies it to the resolved jobs: choices (``freq``), themes, dates, outlets (matched like
:func:`analysis.aggregate.selection.match_outlets` and passed on in the corpus's spelling),
``04-compare``'s ``group_by`` and ``groups`` (computed the way the notebook computes them, on the
job's selection), the article brief's ``article_id`` (in the pinned store version) and ``path``
(an article the loaders read). A mistake is one line with a did-you-mean; all of them are raised
together as one :class:`~analysis.errors.UsageError` (exit 2).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.aggregate import selection
from analysis.aggregate.selection import did_you_mean
from analysis.corpus.loaders.articles import read_articles
from analysis.corpus.store import load_corpus, read_manifest, reader_lease
from analysis.errors import UsageError
from analysis.report.declarations import DECLARED, GROUP_BY_NAMED, Decl
from analysis.report.plan import Job, as_list
from analysis.search.parser import parse_query

log = logging.getLogger(__name__)

MAX_ID_HINTS = 50_000  # above this many articles an unknown id gets a prefix hint only


@dataclass
class Corpus:
    """What the checks read from the run's pinned store version (loaded on first use)."""

    store: Path
    version: str | None
    themes: list[str]
    index: pd.DataFrame
    _cache: dict[str, Any] = field(default_factory=dict)

    def sources(self) -> list[str]:
        """Outlet names of the corpus."""
        return sorted(str(s) for s in self.index["source"].dropna().unique())

    def columns(self) -> list[str]:
        """Every column of the pinned version's article table (from its manifest)."""
        if "columns" not in self._cache:
            with reader_lease(self.store, self.version) as vdir:
                self._cache["columns"] = sorted(read_manifest(vdir).get("columns") or {})
        return self._cache["columns"]

    def article_ids(self) -> set[str]:
        """Ids of every article of the pinned version."""
        if "ids" not in self._cache:
            ids = load_corpus(self.store, columns=["article_id"], version=self.version)["article_id"]
            self._cache["ids"] = set(ids.astype(str))
        return self._cache["ids"]

    def table(self, extra: str | None) -> pd.DataFrame:
        """``date``, ``source``, ``dup_of`` (and the column ``extra``) of every article."""
        cols = list(dict.fromkeys(["article_id", "date", "source", "dup_of", *([extra] if extra else [])]))
        key = "table:" + ",".join(cols)
        if key not in self._cache:
            self._cache[key] = load_corpus(self.store, columns=cols, version=self.version)
        return self._cache[key]


def _choice(value: str, decl: Decl) -> str:
    """The declared spelling of a choice (any letter case), else UsageError."""
    for choice in decl.choices:
        if str(value).strip().upper() == choice.upper():
            return choice
    raise UsageError(f"{value!r} is not {decl.describe()}{did_you_mean(str(value).upper(), list(decl.choices))}")


def _date(value: str) -> str:
    """An ISO date (YYYY-MM-DD) or UsageError; empty stays empty."""
    if not value:
        return value
    try:
        return pd.Timestamp(value).date().isoformat()
    except (ValueError, TypeError):
        raise UsageError(f"{value!r} is not a date (use YYYY-MM-DD)") from None


def _outlets(value: Any, corpus: Corpus) -> Any:
    """The outlets in the corpus's spelling, in the value's own form (comma string or list)."""
    names = selection.match_outlets(as_list(value), corpus.sources())
    return ",".join(names) if isinstance(value, str) else names


def _article_id(value: str, corpus: Corpus) -> str:
    """An id of the pinned version, else UsageError with the closest id."""
    ids = corpus.article_ids()
    if not value or value in ids:
        return value
    starts = sorted(i for i in ids if i.startswith(value))[:1]
    hint = f" (did you mean {starts[0]!r}?)" if starts else (
        did_you_mean(value, ids) if len(ids) <= MAX_ID_HINTS else "")
    raise UsageError(f"no article {value!r} in the store {corpus.store} "
                     f"(version {corpus.version or 'current'}){hint}")


def _path(value: str) -> str:
    """An article file the loaders read (the folder rules are :func:`plan.check_file_parameters`)."""
    if not value or not Path(value).is_file():
        return value
    try:
        arts, skipped = read_articles([value])
    except Exception as exc:  # noqa: BLE001 - any loader failure is the user's file, named in one line
        raise UsageError(f"{value}: cannot be read as an article ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    if arts.empty:
        why = "; ".join(str(getattr(s, "reason", s)) for s in skipped[:1]) or "no article in it"
        raise UsageError(f"{value}: cannot be read as an article ({why})")
    return value


def _group_by(value: str, corpus: Corpus) -> str:
    """``outlet``, ``period`` or a store column (``source`` is the outlet column)."""
    if value in (*GROUP_BY_NAMED, "source"):
        return value
    cols = [c for c in corpus.columns() if c not in ("article_id", "text", "date")]
    if value in cols:
        return value
    choices = [*GROUP_BY_NAMED, *cols]
    raise UsageError(f"cannot group by {value!r}{did_you_mean(value, choices)}; use outlet, period or a "
                     f"column of the store: {', '.join(cols)}")


def _groups(value: str, params: dict[str, Any], corpus: Corpus) -> str:
    """The groups of the job's selection, computed as 04-compare computes them; UsageError if absent."""
    if not as_list(value):
        return value
    group_by = params.get("group_by", "outlet")
    column = group_by if group_by not in (*GROUP_BY_NAMED, "source") else None
    arts = selection.select_articles(corpus.table(column), params.get("start") or None,
                                     params.get("end") or None, params.get("outlets") or None,
                                     bool(params.get("exclude_duplicates", True)))
    grouped, _ = selection.compare_groups(arts, group_by, params.get("freq") or "YS")
    known = sorted(map(str, set(grouped["group"])))
    names, unknown = selection.match_groups(as_list(value), known)
    if unknown:
        shown = ", ".join(known[:20]) + (" ..." if len(known) > 20 else "")
        raise UsageError(f"group(s) not in the selection (grouped by {group_by}): {unknown}; "
                         f"its groups: {shown or 'none'}")
    return ",".join(names)


def _theme(value: str, decl: Decl, params: dict[str, Any], corpus: Corpus) -> str:
    """A theme id of the loaded lexicons (a query report names its theme freely)."""
    if params.get("query") or (not value and decl.empty_ok) or value in corpus.themes:
        return value
    raise UsageError(f"unknown theme {value!r}{did_you_mean(value, corpus.themes)}; "
                     f"valid themes: {', '.join(corpus.themes)}")


def _query(value: str) -> str:
    """A query the engine parses (its syntax error is one line with a caret position)."""
    if value:
        parse_query(value)
    return value


def _exists(value: str, want: Callable[[Path], bool], what: str) -> str:
    """An existing folder/file (empty allowed)."""
    if value and not want(Path(value)):
        raise UsageError(f"{what} not found: {value}")
    return value


def check_value(name: str, value: Any, decl: Decl, params: dict[str, Any], corpus: Corpus) -> Any:
    """Check one value against its declaration; return it in canonical form (UsageError if bad)."""
    kind = decl.kind
    if value is None or kind in ("text", "flag", "store", "runner"):
        return value
    if kind == "count":
        if decl.minimum is not None and int(value) < decl.minimum:
            raise UsageError(f"{value!r} is not {decl.describe()}")
        return value
    checks: dict[str, Callable[[], Any]] = {
        "choice": lambda: _choice(value, decl),
        "theme": lambda: _theme(value, decl, params, corpus),
        "query": lambda: _query(value),
        "date": lambda: _date(value),
        "outlets": lambda: _outlets(value, corpus),
        "group_by": lambda: _group_by(value, corpus),
        "groups": lambda: _groups(value, params, corpus),
        "article_id": lambda: _article_id(value, corpus),
        "path": lambda: _path(value),
        "folder": lambda: _exists(value, Path.is_dir, "folder"),
        "file": lambda: _exists(value, Path.is_file, "file"),
    }
    return checks[kind]()


# checked first: later checks read the canonical form of these (groups reads group_by, outlets, freq)
ORDER = ("freq", "start", "end", "outlets", "group_by")


def check_job(job: Job, corpus: Corpus) -> tuple[Job, list[str]]:
    """One job with every declared value checked and canonical; the problems as one line each."""
    decls = DECLARED.get(job.notebook.stem, {})
    params = dict(job.parameters)
    problems: list[str] = []
    names = sorted(params, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    for name in names:
        decl = decls.get(name)
        if decl is None:
            continue
        try:
            params[name] = check_value(name, params[name], decl, params, corpus)
        except (UsageError, ValueError) as exc:
            line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problems.append(f"{job.label}: {name}: {line}")
            if name == "group_by":
                params.pop("groups", None)  # its groups cannot be checked against a bad group_by
    return Job(job.key, job.notebook, params, job.required), problems


def check_values(jobs: list[Job], corpus: Corpus) -> list[Job]:
    """Every job with checked, canonical values; UsageError listing every bad value (one line each)."""
    out, problems = [], []
    for job in jobs:
        checked, found = check_job(job, corpus)
        out.append(checked)
        problems += found
    if problems:
        raise UsageError("invalid report parameters:\n  " + "\n  ".join(dict.fromkeys(problems)))
    return out

