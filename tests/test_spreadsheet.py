"""Reader CSVs: formula-like text cells are neutralized, numbers and plain text are not."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from analysis.spreadsheet import FORMULA_STARTS, neutralize, write_reader_csv


def test_every_formula_start_is_neutralized_in_the_written_file(tmp_path: Path) -> None:
    titles = [f"{c}HYPERLINK(\"http://x\",\"click\")" for c in FORMULA_STARTS] + ["Tariffs rise", ""]
    df = pd.DataFrame({"title": pd.array(titles, dtype="string"), "share": [-0.5] * len(titles)})
    path = write_reader_csv(df, tmp_path / "out.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    got = [r["title"] for r in rows]
    assert got[:len(FORMULA_STARTS)] == ["'" + t for t in titles[:len(FORMULA_STARTS)]]
    assert got[-2:] == ["Tariffs rise", ""]
    assert {r["share"] for r in rows} == {"-0.5"}          # numbers stay numbers


def test_column_names_and_missing_values() -> None:
    df = pd.DataFrame({"=cmd": ["@x", None], "n": [1, 2]})
    out = neutralize(df)
    assert list(out.columns) == ["'=cmd", "n"]
    assert out.iloc[0, 0] == "'@x" and pd.isna(out.iloc[1, 0])
    assert df.iloc[0, 0] == "@x"                         # the input is not changed
