"""Saved queries (analysis.search.saved): YAML read safely, checked when loaded, resolved by name or NAME=QUERY."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import UsageError
from analysis.search.parser import QuerySyntaxError
from analysis.search.saved import QUERIES_DIR, SavedQuery, load_queries, resolve_query


def test_shipped_queries_load_and_parse() -> None:
    """Every shipped file has a name, a query that parses and a description."""
    saved = load_queries()
    assert sorted(saved) == sorted(p.stem for p in QUERIES_DIR.glob("*.yml"))
    for name, sq in saved.items():
        assert sq.name == name and sq.query and sq.description and Path(sq.path).parent == QUERIES_DIR


def test_resolve_name_assignment_or_query(tmp_path: Path) -> None:
    """A saved name runs the saved query; NAME=QUERY names an ad-hoc one; anything else is a query."""
    (tmp_path / "mx.yml").write_text("name: mexico\nquery: 'Mexico NOT tariff*'\ndescription: |\n  Mexico,\n  no tariffs\n",
                                     encoding="utf-8")
    assert resolve_query("mexico", tmp_path) == SavedQuery("mexico", "Mexico NOT tariff*", "Mexico, no tariffs",
                                                           str(tmp_path / "mx.yml"))
    assert resolve_query("border=wall OR fence", tmp_path) == SavedQuery("border", "wall OR fence")
    assert resolve_query("tariff", tmp_path) == SavedQuery("query", "tariff")
    assert resolve_query('"x=y" OR z', tmp_path) == SavedQuery("query", '"x=y" OR z')
    with pytest.raises(QuerySyntaxError, match=r"unclosed '\('"):
        resolve_query("n=(a OR b", tmp_path)


@pytest.mark.parametrize("text,message", [
    ("!!python/object/apply:os.system ['echo hacked']\n", "YAML"),
    ("- a\n- b\n", "a saved query is a mapping"),
    ("name: x\nquery: a\nextra: 1\n", "a saved query is a mapping"),
    ("name: Bad Name\nquery: a\n", "name must be a lower-case identifier"),
    ("name: x\nquery: 3\n", "query and description must be strings"),
    ("name: x\nquery: 'a OR'\n", "expected a term after 'OR' (column 5)"),
    ("name: x\nquery: [unclosed\n", "YAML"),
])
def test_bad_files_are_one_line_usage_errors(tmp_path: Path, text: str, message: str) -> None:
    """Unsafe YAML is never run; every problem names the file, on one line."""
    (tmp_path / "bad.yml").write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as info:
        load_queries(tmp_path)
    assert message in str(info.value) and str(tmp_path / "bad.yml") in str(info.value)
    assert "\n" not in str(info.value)


def test_duplicate_names_and_missing_folder(tmp_path: Path) -> None:
    """Two files with one name, or no folder, are usage errors."""
    for f in ("a.yml", "b.yaml"):
        (tmp_path / f).write_text("name: same\nquery: a\n", encoding="utf-8")
    with pytest.raises(UsageError, match="query 'same' is already defined"):
        load_queries(tmp_path)
    with pytest.raises(UsageError, match="saved-query folder not found"):
        load_queries(tmp_path / "none")
