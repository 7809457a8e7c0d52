"""Every report notebook's parameters: type and allowed values, in the one table the runner reads.

A notebook's ``parameters`` cell says what a parameter *is* (``freq: str = "W"  # ...``); this
table says what values it *accepts*, so that :mod:`analysis.report.checks` can refuse a bad value
before any kernel starts instead of the notebook failing in its kernel. Each entry is a
:class:`Decl`: the declared Python type (the runner converts ``-p`` strings to it) and a ``kind``
naming the check (:data:`KINDS`). Parameters a notebook declares but this table does not are only
type-checked against the notebook's annotation; tests/report/test_plan.py keeps the table and the
real notebooks in step (same names, same types).

    >>> declaration("04-compare", "freq").choices
    ('MS', 'QS', 'YS')
    >>> declaration("02-theme-report", "nothing") is None
    True
"""
from __future__ import annotations

from dataclasses import dataclass

# how each kind of value is checked (analysis.report.checks)
KINDS: dict[str, str] = {
    "text": "any text",
    "flag": "true or false",
    "count": "a whole number >= minimum",
    "choice": "one of the listed choices (any letter case)",
    "theme": "a theme id of the loaded lexicons (empty allowed when the notebook says so)",
    "query": "a query of the query language (docs/methods.md#queries)",
    "date": "a date YYYY-MM-DD, inside the corpus",
    "outlets": "comma-separated outlet names of the corpus (case and punctuation do not matter)",
    "group_by": "outlet, period or a column of the store",
    "groups": "comma-separated groups of the selection, spelled as group_by makes them",
    "article_id": "the id of an article in the pinned store version",
    "path": "an article file inside the data folders that the loaders can read",
    "folder": "an existing folder (the runner sets it from --lexicons)",
    "file": "an existing file (the runner sets it from --model)",
    "store": "the run's store (set by --store)",
    "runner": "set by the runner only",
}
FREQS: tuple[str, ...] = ("D", "W", "MS", "QS", "YS")
COMPARE_FREQS: tuple[str, ...] = ("MS", "QS", "YS")
GROUP_BY_NAMED: tuple[str, ...] = ("outlet", "period")  # besides any column of the store


@dataclass(frozen=True)
class Decl:
    """One declared parameter: its type, the kind of check, and the choices or minimum."""

    type: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    empty_ok: bool = True

    def describe(self) -> str:
        """What the parameter accepts, for error messages and ``--dry-run``."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "count" and self.minimum is not None:
            return f"a whole number >= {self.minimum}"
        return KINDS[self.kind]


STR = Decl("str")
SELECTION: dict[str, Decl] = {
    "store": Decl("str", "store"),
    "store_version": Decl("str", "runner"),
    "start": Decl("str", "date"),
    "end": Decl("str", "date"),
    "outlets": Decl("str", "outlets"),
    "exclude_duplicates": Decl("bool", "flag"),
    "lexicons": Decl("str", "folder"),
    "out_dir": Decl("str", "runner"),
}
MODEL: dict[str, Decl] = {"model": Decl("str", "file"), "use_aggregates": Decl("bool", "flag")}

DECLARED: dict[str, dict[str, Decl]] = {
    "01-corpus-overview": {
        **SELECTION, **MODEL,
        "freq": Decl("str", "choice", FREQS),
        "mix_freq": Decl("str", "choice", FREQS),
    },
    "02-theme-report": {
        **SELECTION, **MODEL,
        "theme": Decl("str", "theme", empty_ok=False),
        "query": Decl("str", "query"),
        "freq": Decl("str", "choice", FREQS),
        "top": Decl("int", "count", minimum=1),
    },
    "03-article-brief": {
        **SELECTION,
        "article_id": Decl("str", "article_id"),
        "path": Decl("str", "path"),
        "theme": Decl("str", "theme"),
    },
    "04-compare": {
        **SELECTION, "model": Decl("str", "file"),
        "group_by": Decl("str", "group_by", GROUP_BY_NAMED),
        "groups": Decl("str", "groups"),
        "max_groups": Decl("int", "count", minimum=1),
        "freq": Decl("str", "choice", COMPARE_FREQS),
        "top": Decl("int", "count", minimum=1),
    },
    "05-explore-api": {
        "store": Decl("str", "store"), "store_version": Decl("str", "runner"),
        "out_dir": Decl("str", "runner"),
        "theme": Decl("str", "theme", empty_ok=False),
        "pattern": STR,
        "query": Decl("str", "query"),
    },
}


def declaration(stem: str, name: str) -> Decl | None:
    """The declaration of parameter ``name`` of notebook ``stem`` (None: not declared here)."""
    return DECLARED.get(stem, {}).get(name)


def declared_type(stem: str, name: str, annotation: str) -> str:
    """The type a value is converted to: the declared one, else the notebook's annotation.

    >>> declared_type("02-theme-report", "top", "int"), declared_type("x", "n", "float")
    ('int', 'float')
    """
    decl = declaration(stem, name)
    return decl.type if decl is not None else annotation
