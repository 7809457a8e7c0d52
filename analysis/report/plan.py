"""Plan and validate a report run: which notebooks run with which parameters.

Nothing here starts a kernel: every check (parameter names, types, themes, dates, outlets)
happens before :mod:`analysis.report.run` executes anything, so a mistake costs milliseconds::

    >>> coerce_value("12", "int", "n_top", "02-theme-report")
    12
"""
from __future__ import annotations

import ast
import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config
from analysis.aggregate.selection import did_you_mean, match_outlets
from analysis.errors import UsageError
from analysis.report.declarations import declared_type
from analysis.themes.lexicon import load_lexicons, with_user_lexicons

log = logging.getLogger(__name__)

OVERVIEW = "01-corpus-overview.ipynb"
THEME_REPORT = "02-theme-report.ipynb"
ARTICLE_BRIEF = "03-article-brief.ipynb"
COMPARE = "04-compare.ipynb"
DEFAULT_THEMES: tuple[str, ...] = ("trade", "migration", "security_crime")

# runner option -> parameter names a notebook may use for it (first one preferred)
ALIASES: dict[str, tuple[str, ...]] = {
    "store": ("store", "corpus", "store_dir"),
    "start": ("start",),
    "end": ("end",),
    "outlets": ("outlets", "sources"),
    "out_dir": ("out_dir", "output_dir", "figures_dir", "fig_dir"),
    "store_version": ("store_version",),
    "lexicons": ("lexicons",),
    "model": ("model",),
}
# parameters only the runner sets: every notebook writes into its own folder of the run ("."), and
# reads the one store version the run pins; ``-p`` cannot redirect them
RUNNER_OWNED: tuple[str, ...] = (*ALIASES["out_dir"], "store_version")
# parameters naming a file a notebook reads (checked against :func:`input_roots`)
INPUT_FILE_PARAMS: tuple[str, ...] = ("path",)


@dataclass
class Job:
    """One notebook execution: a template notebook, its parameters and a unique key."""

    key: str
    notebook: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Human label, e.g. ``02-theme-report[trade]``."""
        stem = self.notebook.stem
        return stem if self.key == stem else f"{stem}[{self.key[len(stem) + 1:]}]"


@dataclass
class Param:
    """A declared notebook parameter (from papermill's inspection, ast as fallback)."""

    name: str
    type_name: str
    default: str
    help: str = ""


def _parameters_cell(nb: dict) -> str:
    """Return the source of the cell tagged ``parameters`` ("" if none)."""
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            src = cell.get("source", "")
            return "".join(src) if isinstance(src, list) else src
    return ""


def _ast_parameters(source: str) -> dict[str, Param]:
    """Parse ``name: type = value`` / ``name = value`` lines of a parameters cell with ast."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    out: dict[str, Param] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            ann = ast.unparse(node.annotation)
            default = ast.unparse(node.value) if node.value is not None else ""
            out[node.target.id] = Param(node.target.id, ann, default)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = Param(target.id, "None", ast.unparse(node.value))
    return out


_INSPECT_CACHE: dict[tuple[str, int], dict[str, Param]] = {}


def inspect_parameters(notebook: Path) -> dict[str, Param]:
    """Return the notebook's declared parameters (papermill.inspect_notebook + an ast pass)."""
    # deferred on purpose: papermill takes ~1 s to import and every CLI command imports this module
    import papermill as pm

    notebook = Path(notebook)
    if not notebook.is_file():
        raise UsageError(f"notebook not found: {notebook}")
    key = (str(notebook.resolve()), notebook.stat().st_mtime_ns)
    if key in _INSPECT_CACHE:
        return _INSPECT_CACHE[key]
    try:
        inspected = pm.inspect_notebook(str(notebook))
    except ValueError as exc:  # e.g. no kernelspec in the notebook's metadata
        log.warning("%s: papermill cannot inspect it (%s); reading the cell with ast",
                    notebook.name, exc)
        inspected = {}
    found = {
        name: Param(name, p.get("inferred_type_name") or "None", p.get("default") or "",
                    p.get("help") or "")
        for name, p in inspected.items()
    }
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for name, p in _ast_parameters(_parameters_cell(nb)).items():
        if name not in found:
            log.warning("%s: parameter %r (%s) is invisible to papermill's inspection; "
                        "use a plain annotation", notebook.name, name, p.type_name)
            found[name] = p
        elif found[name].type_name == "None" and p.type_name != "None":
            found[name].type_name = p.type_name
    _INSPECT_CACHE[key] = found
    return found


def _allowed_types(type_name: str, default: str) -> list[str]:
    """Split an annotation like ``Optional[str]`` / ``str | None`` into base type names."""
    t = type_name.replace(" ", "")
    if t.startswith("Optional[") and t.endswith("]"):
        t = t[len("Optional["):-1] + "|None"
    parts = [p for p in t.split("|") if p]
    bases = []
    for p in parts:
        base = p.split("[", 1)[0].lower()
        bases.append({"nonetype": "None", "none": "None", "sequence": "list", "tuple": "list",
                      "string": "str"}.get(base, base))
    if bases in ([], ["None"]):  # un-annotated: infer from the default literal
        try:
            value = ast.literal_eval(default) if default else None
        except (ValueError, SyntaxError):
            return ["any"]
        if value is None:
            return ["any"]
        bases = [type(value).__name__] + ["None"]
    return bases


def coerce_value(value: Any, type_name: str, name: str, notebook: str, default: str = "") -> Any:
    """Check (and convert CLI strings to) the declared type, else raise UsageError.

    >>> coerce_value("a,b", "list[str]", "outlets", "nb")
    ['a', 'b']
    >>> coerce_value(["a", "b"], "str", "outlets", "nb")
    'a,b'
    """
    allowed = _allowed_types(type_name, default)
    if "any" in allowed:
        return value
    if value is None:
        if "None" in allowed:
            return None
        raise UsageError(f"{notebook}: parameter {name!r} expects {type_name}, got None")
    if isinstance(value, str) and "None" in allowed and value.strip() in ("None", "null"):
        return None
    if isinstance(value, str) and "str" not in allowed:
        text = value.strip()
        for base in allowed:
            try:
                if base == "None" and text.lower() in ("none", "null", ""):
                    return None
                if base == "bool" and text.lower() in ("true", "false", "yes", "no", "1", "0"):
                    return text.lower() in ("true", "yes", "1")
                if base == "int":
                    return int(text)
                if base == "float":
                    return float(text)
                if base in ("list", "set"):
                    if text.startswith("["):
                        return list(json.loads(text))
                    return [v.strip() for v in text.split(",") if v.strip()]
                if base == "dict":
                    return dict(json.loads(text))
            except (ValueError, TypeError):
                continue
        raise UsageError(f"{notebook}: parameter {name!r} expects {type_name}, got {value!r}")
    checks = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": (list, tuple),
              "set": (list, tuple, set), "dict": dict}
    for base in allowed:
        if base == "str" and isinstance(value, (list, tuple)):
            return ",".join(map(str, value))
        kind = checks.get(base)
        if kind is None:
            return value  # an annotation we do not model (date, Path, ...): trust it
        if isinstance(value, kind) and not (base in ("int", "float") and isinstance(value, bool)):
            return list(value) if base in ("list", "set") else value
    raise UsageError(f"{notebook}: parameter {name!r} expects {type_name}, "
                     f"got {type(value).__name__} {value!r}")


def valid_themes(lexicons: str | Path | None = None) -> list[str]:
    """Theme ids the notebooks accept: the shipped lexicons' plus a user folder's (UsageError if they cannot load)."""
    try:
        return sorted(with_user_lexicons(lexicons) if lexicons else load_lexicons())
    except Exception as exc:  # a broken lexicon must not hide behind a theme error
        raise UsageError(f"cannot load the theme lexicons: {exc}") from exc


def parse_date(text: str | None, option: str) -> pd.Timestamp | None:
    """Parse a ``--start``/``--end`` value (ISO date) or raise UsageError."""
    if text in (None, ""):
        return None
    try:
        return pd.Timestamp(text)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"{option}: not a date: {text!r} (use YYYY-MM-DD)") from exc


def check_dates(start: pd.Timestamp | None, end: pd.Timestamp | None, corpus: dict) -> None:
    """Reject inverted ranges and ranges outside the corpus (raises UsageError)."""
    if start is not None and end is not None and start > end:
        raise UsageError(f"empty date range: --start {start.date()} is after --end {end.date()}")
    first, last = corpus.get("start"), corpus.get("end")
    if first is None or last is None:
        if start is not None or end is not None:
            raise UsageError("the corpus has no dated articles; drop --start/--end")
        return
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    if start is not None and start > last:
        raise UsageError(f"--start {start.date()} is after the last article "
                         f"({last.date()}); the corpus covers {first.date()}..{last.date()}")
    if end is not None and end < first:
        raise UsageError(f"--end {end.date()} is before the first article "
                         f"({first.date()}); the corpus covers {first.date()}..{last.date()}")


def check_outlets(outlets: list[str], corpus: dict) -> list[str]:
    """The outlets in the corpus's spelling (case and punctuation do not matter); UsageError with a
    did-you-mean for a name that matches none.

    >>> check_outlets(["new york times news"], {"sources": ["New York Times - News"]})
    ['New York Times - News']
    """
    known = corpus.get("sources") or []
    try:
        return match_outlets(outlets, known)
    except UsageError as exc:
        shown = ", ".join(known[:30]) + (" ..." if len(known) > 30 else "")
        raise UsageError(f"{exc}. Outlets in the corpus: {shown}") from None


def plan_jobs(themes: list[str], notebooks_dir: Path | None = None,
              queries: Sequence[tuple[str, str]] = (), brief_per_theme: bool = True) -> list[Job]:
    """The default report set: overview, one theme report per theme and per (name, query), the
    article brief(s), compare.

    The article brief is made once per theme (job ``03-article-brief-<theme>``, label
    ``03-article-brief[<theme>]``: the most on-theme article of the selection) when its notebook
    declares ``theme`` and ``brief_per_theme`` (False when ``-p`` names the article); else once.
    """
    nb_dir = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    jobs = [Job(Path(OVERVIEW).stem, nb_dir / OVERVIEW)]
    for theme in themes:
        stem = Path(THEME_REPORT).stem
        jobs.append(Job(f"{stem}-{theme}", nb_dir / THEME_REPORT, {"theme": theme}, ("theme",)))
    for name, q in queries:  # a query is reported like a theme named ``name``
        stem = Path(THEME_REPORT).stem
        jobs.append(Job(f"{stem}-{name}", nb_dir / THEME_REPORT, {"theme": name, "query": q}, ("theme", "query")))
    brief = nb_dir / ARTICLE_BRIEF
    stem = brief.stem
    if brief_per_theme and themes and brief.is_file() and "theme" in inspect_parameters(brief):
        jobs += [Job(f"{stem}-{theme}", brief, {"theme": theme}) for theme in themes]
    else:
        jobs.append(Job(stem, brief))
    jobs.append(Job(Path(COMPARE).stem, nb_dir / COMPARE))
    return jobs


def select_jobs(jobs: list[Job], only: list[str]) -> list[Job]:
    """Keep the jobs named in ``only`` (notebook stem, file name or job key); all if empty."""
    if not only:
        return jobs
    names = {n for j in jobs for n in (j.key, j.notebook.stem, j.notebook.name)}
    bad = [o for o in only if o not in names]
    if bad:
        raise UsageError("--only: unknown notebook(s): " + "; ".join(
            f"{b!r}{did_you_mean(b, names)}" for b in bad) + f". Choices: {', '.join(sorted(names))}")
    return [j for j in jobs if {j.key, j.notebook.stem, j.notebook.name} & set(only)]


def names_the_article(overrides: Sequence[tuple[str | None, str, str]]) -> bool:
    """Whether ``-p`` gives the article brief its article (``article_id`` or ``path``): then one brief.

    >>> names_the_article([(None, "article_id", "abc")]), names_the_article([(None, "top", "5")])
    (True, False)
    """
    stem = Path(ARTICLE_BRIEF).stem
    return any(name in ("article_id", "path") and value.strip()
               and (target is None or target.startswith(stem)) for target, name, value in overrides)


def parse_assignments(items: list[str]) -> list[tuple[str | None, str, str]]:
    """Parse ``-p [NOTEBOOK:]NAME=VALUE`` items into (notebook or None, name, value)."""
    out = []
    for item in items:
        if "=" not in item:
            raise UsageError(f"-p expects NAME=VALUE, got {item!r}")
        lhs, value = item.split("=", 1)
        target, _, name = lhs.rpartition(":")
        out.append((target or None, name.strip(), value))
    return out


def resolve_jobs(jobs: list[Job], common: dict[str, Any],
                 overrides: list[tuple[str | None, str, str]] = (),
                 themes: list[str] | None = None) -> list[Job]:
    """Fill in and type-check every job's parameters against its notebook; raise UsageError."""
    problems: list[str] = []
    declared = {job.key: inspect_parameters(job.notebook) for job in jobs}
    for target, name, _ in overrides:
        hits = [j for j in jobs if target in (None, j.key, j.notebook.stem, j.notebook.name)]
        if name in RUNNER_OWNED:
            problems.append(f"-p {name}: set by the runner (each notebook writes into its own "
                            f"folder of the run and reads the version the run pins); drop it")
        elif target is not None and not hits:
            problems.append(f"-p {target}:{name}: no notebook {target!r} in this run"
                            f"{did_you_mean(target, [j.key for j in jobs])}")
        elif not any(name in declared[j.key] for j in hits):
            pool = sorted({n for j in hits for n in declared[j.key]})
            problems.append(f"unknown parameter {name!r}{did_you_mean(name, pool)}; "
                            f"notebook parameters: {', '.join(pool)}")
    resolved = []
    for job in jobs:
        params = declared[job.key]
        values: dict[str, Any] = {}
        for option, value in common.items():
            names = [n for n in ALIASES.get(option, (option,)) if n in params]
            if names and value is not None:  # runner-owned ones: every alias, not just the first
                values.update({n: value for n in (names if names[0] in RUNNER_OWNED else names[:1])})
        values.update(job.parameters)
        for target, name, value in overrides:
            if target in (None, job.key, job.notebook.stem, job.notebook.name) and name in params \
                    and name not in RUNNER_OWNED:
                values[name] = value
        for name in job.required:
            if name not in params:
                problems.append(f"{job.notebook.name} declares no parameter {name!r}"
                                f"{did_you_mean(name, list(params))}")
        typed = {}
        for name, value in values.items():
            if name not in params:
                continue
            p = params[name]
            try:
                typed[name] = coerce_value(value, declared_type(job.notebook.stem, name, p.type_name),
                                           name, job.label, p.default)
            except UsageError as exc:
                problems.append(str(exc))
        theme = typed.get("theme")
        if themes is not None and isinstance(theme, str) and theme not in themes and not typed.get("query"):
            problems.append(f"unknown theme {theme!r}{did_you_mean(theme, themes)}; "
                            f"valid themes: {', '.join(themes)}")
        resolved.append(Job(job.key, job.notebook, typed, job.required))
    if problems:
        raise UsageError("invalid report parameters:\n  " + "\n  ".join(dict.fromkeys(problems)))
    return resolved


def as_list(value: Any) -> list[str]:
    """An outlets-like parameter as a list: a comma-separated string is split, a list kept.

    The notebooks declare ``outlets: str`` (comma-separated) while the runner holds a list.

    >>> as_list("Harbor Gazette, Metro Tribune"), as_list(["A"]), as_list(None), as_list("")
    (['Harbor Gazette', 'Metro Tribune'], ['A'], [], [])
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def input_roots(store: Path) -> list[Path]:
    """Folders a notebook may read files from: the data folder, the store, the sample and shared data."""
    roots = [config.DATA_DIR, config.PROCESSED_DIR, config.SAMPLE_DIR, config.SHARED_DIR, store]
    return list(dict.fromkeys(Path(os.path.realpath(r)) for r in roots))


def _inside(path: Path, roots: list[Path]) -> bool:
    """True when ``path`` (already resolved) lies in one of ``roots``."""
    return any(path == r or path.is_relative_to(r) for r in roots)


def check_file_parameters(jobs: list[Job], store: Path) -> list[Job]:
    """Refuse file-naming parameters that leave the allowed roots; return jobs with absolute paths.

    ``store`` (and its aliases) must be the run's store (``--store``); ``path`` must be an existing
    file inside :func:`input_roots` once symlinks and ``..`` are resolved (relative to the current
    folder, not the notebook's). Raises UsageError listing every problem.
    """
    problems: list[str] = []
    roots = input_roots(store)
    real_store = Path(os.path.realpath(store))
    out = []
    for job in jobs:
        params = dict(job.parameters)
        for name in ALIASES["store"]:
            value = params.get(name)
            if value is not None and Path(os.path.realpath(value or config.PROCESSED_DIR)) != real_store:
                problems.append(f"{job.label}: {name}={value!r}: a run reads one store, the one "
                                f"given with --store ({store}); use --store instead of -p {name}")
        for name in INPUT_FILE_PARAMS:
            value = params.get(name)
            if not isinstance(value, str) or not value:
                continue
            real = Path(os.path.realpath(value))
            if not _inside(real, roots):
                problems.append(f"{job.label}: {name}={value!r} is outside the folders reports may "
                                f"read ({', '.join(map(str, roots))})")
            elif not real.is_file():
                problems.append(f"{job.label}: {name}={value!r}: no such file")
            else:
                params[name] = str(real)
        out.append(Job(job.key, job.notebook, params, job.required))
    if problems:
        raise UsageError("invalid report parameters:\n  " + "\n  ".join(dict.fromkeys(problems)))
    return out


def file_sha256(path: Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
