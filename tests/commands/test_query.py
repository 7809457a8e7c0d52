"""The ``query`` command (analysis.commands.query): real runs of ``python -m analysis query`` on an AllSides store."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis.commands.query import format_share, keyword_in_context
from analysis.corpus.ingest import ingest
from analysis.corpus.store import load_corpus
from analysis.search.engine import query


@pytest.fixture(scope="module")
def store(allsides_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the first 400 AllSides articles."""
    root = tmp_path_factory.mktemp("query")
    src = root / "in"
    src.mkdir()
    with allsides_path.open(encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(400)]
    (src / "allsides.jsonl").write_text("".join(lines), encoding="utf-8")
    ingest([src], store=root / "store", progress=False)
    return root / "store"


def cli(python: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    """Run ``python -m analysis query ...``."""
    return subprocess.run([python, "-m", "analysis", "query", *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=Path(__file__).resolve().parents[2])


def test_query_prints_share_and_top_matches_in_context(store: Path, python: str, cli_env: dict,
                                                       tmp_path: Path) -> None:
    """Share per month (all articles as denominator), the top matches with the keyword in brackets, a CSV."""
    q = "court* AND (marriage OR gay)"
    out_csv = tmp_path / "share.csv"
    r = cli(python, cli_env, q, "--store", str(store), "--show", "3", "--csv", str(out_csv))
    assert r.returncode == 0, r.stderr
    arts = load_corpus(store)
    want = query(arts, q)
    lines = r.stdout.splitlines()
    assert lines[0] == f"query query: {q}"
    assert lines[1] == f"matching: {len(want.articles)} of 400 articles ({100 * len(want.articles) / 400:.1f}%)"
    table = pd.read_csv(out_csv)
    assert table["n_articles"].sum() == arts["date"].notna().sum()
    assert table["n_articles_with_theme"].sum() == len(want.articles)
    months = arts["date"].dt.to_period("M").nunique()
    assert len(table) == months and list(table.columns) == ["period", "theme", "n_articles_with_theme",
                                                           "n_articles", "share", "ci_low", "ci_high"]
    top = lines.index("top 3 matching articles (hits, date, outlet, title):")
    shown = lines[top + 1:]
    assert len(shown) == 6
    for (aid, hits), line, ctx in zip(want.articles[["article_id", "hits"]].head(3).values, shown[::2], shown[1::2]):
        assert line.startswith(f"{hits:4d}  ") and line.endswith(f"({aid})")
        assert ctx.startswith("      ") and "[" in ctx and "]" in ctx


def test_saved_names_groups_and_dates(store: Path, python: str, cli_env: dict) -> None:
    """NAME=QUERY names the series; --by source adds outlets; --start/--end restrict the articles."""
    r = cli(python, cli_env, "dm=marriage", "--store", str(store), "--by", "year", "--by", "source",
            "--start", "2013-01-01", "--end", "2013-12-31", "--show", "0")
    assert r.returncode == 0, r.stderr
    arts = load_corpus(store, start="2013-01-01", end="2013-12-31")
    lines = r.stdout.splitlines()
    assert lines[0] == "query dm: marriage"
    assert lines[1].startswith(f"matching: {len(query(arts, 'marriage').articles)} of {len(arts)} articles")
    assert lines[3].split()[:2] == ["period", "source"]
    assert len(lines) == 4 + arts["source"].nunique() and "top" not in r.stdout
    saved = cli(python, cli_env, "deportation_without_courts", "--store", str(store), "--show", "1")
    assert saved.returncode == 0 and saved.stdout.startswith(
        "query deportation_without_courts: deport* NOT (court* OR judge*)\n"
        "  Articles on deportation that do not mention courts or judges.\n")


@pytest.mark.parametrize("args,message", [
    (["tariff AND (Mexico"], "error: unclosed '(' (column 12)\n  tariff AND (Mexico\n             ^\n"),
    (["foo:bar"], "error: unknown field 'foo'; valid fields: title:, text:, source:, section:, byline:, theme:, "
                  "date: (column 1)\n  foo:bar\n  ^\n"),
    (["a*"], "error: 'a*' is too broad: a wildcard needs 3+ letters before '*' (column 1)\n  a*\n  ^\n"),
    (["theme:tradez"], "error: unknown theme 'tradez'; themes: agriculture"),
    (["tariff", "--by", "outlet"], "error: by: unknown 'outlet'"),
    (["tariff", "--show", "-1"], "error: --show must be 0 or more\n"),
])
def test_usage_errors_exit_2_without_traceback(store: Path, python: str, cli_env: dict, args: list[str],
                                               message: str) -> None:
    """Syntax and option mistakes: exit 2, the message (with its caret) on stderr, no traceback."""
    r = cli(python, cli_env, *args, "--store", str(store))
    assert r.returncode == 2
    assert r.stderr.startswith(message) and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_missing_store_is_a_usage_error(tmp_path: Path, python: str, cli_env: dict) -> None:
    """No store at the path: exit 2 with one line."""
    r = cli(python, cli_env, "tariff", "--store", str(tmp_path / "none"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and r.stderr.startswith("error: ")


def test_csv_cells_are_neutralized(store: Path, python: str, cli_env: dict, tmp_path: Path) -> None:
    """The CSV goes through the reader-CSV writer: a group value starting with '=' cannot run as a formula."""
    arts = load_corpus(store)
    src = tmp_path / "in"
    src.mkdir()
    rows = [{"id": "x1", "source": "=HYPERLINK(1)", "date": "2020-01-01", "title": "Tariff news", "text": "Tariffs."}]
    (src / "x.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    ingest([src], store=tmp_path / "s2", progress=False)
    out = tmp_path / "o.csv"
    r = cli(python, cli_env, "tariff", "--store", str(tmp_path / "s2"), "--by", "source", "--csv", str(out))
    assert r.returncode == 0, r.stderr
    assert "'=HYPERLINK(1)" in out.read_text(encoding="utf-8") and len(arts) == 400


def test_keyword_in_context_and_share_table() -> None:
    """Context is one line with the match in brackets; shares print as percentages."""
    doc = "Line one.\n\nNew tariffs on Mexico hit\ntrade."
    assert keyword_in_context(doc, doc.index("Mexico"), doc.index("Mexico") + 6, 12) == "…tariffs on [Mexico] hit trade."
    t = pd.DataFrame({"period": pd.to_datetime(["2024-01-01"]), "theme": ["q"], "n_articles_with_theme": [1],
                      "n_articles": [4], "share": [0.25], "ci_low": [0.05], "ci_high": [0.7]})
    assert format_share(t).splitlines()[1].split() == ["2024-01-01", "1", "4", "25.0%", "5.0%", "70.0%"]


def test_dask_gives_the_same_output(store: Path, python: str, cli_env: dict, tmp_path: Path) -> None:
    """--dask local (a real 2-worker LocalCluster) prints the same table and matches, writes the same CSV."""
    args = ["tariff* OR (court* AND marriage)", "--store", str(store), "--by", "month", "--by", "source",
            "--show", "5"]
    plain = cli(python, cli_env, *args, "--csv", str(tmp_path / "p.csv"))
    dask = cli(python, cli_env, *args, "--csv", str(tmp_path / "d.csv"), "--dask", "local", "--dask-workers", "2",
               "--no-progress")
    assert plain.returncode == 0 and dask.returncode == 0, dask.stderr
    assert [x for x in dask.stdout.splitlines() if not x.startswith("dask dashboard")] == plain.stdout.splitlines()
    assert (tmp_path / "d.csv").read_bytes() == (tmp_path / "p.csv").read_bytes()


def test_flagged_duplicates_are_left_out_unless_kept(python: str, cli_env: dict, tmp_path: Path) -> None:
    """An exact copy under another id is flagged at ingest; the query counts it only with --keep-duplicates."""
    src = tmp_path / "in"
    src.mkdir()
    body = "Tariffs on Mexico and Canada rose again this week, officials said. " * 5
    rows = [{"id": f"d{i}", "source": "Outlet", "date": "2020-01-0" + str(i + 1), "title": "Tariff news",
             "text": body} for i in range(2)]
    rows.append({"id": "other", "source": "Outlet", "date": "2020-01-05", "title": "Weather", "text": "Rain."})
    (src / "x.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    ingest([src], store=tmp_path / "s", progress=False)
    assert load_corpus(tmp_path / "s")["dup_of"].notna().sum() == 1
    default = cli(python, cli_env, "tariff*", "--store", str(tmp_path / "s"), "--show", "0")
    kept = cli(python, cli_env, "tariff*", "--store", str(tmp_path / "s"), "--show", "0", "--keep-duplicates")
    assert default.stdout.splitlines()[1] == "matching: 1 of 2 articles (50.0%)"
    assert kept.stdout.splitlines()[1] == "matching: 2 of 3 articles (66.7%)"
