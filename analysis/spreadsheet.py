"""CSV files for readers: text cells that a spreadsheet would run as a formula are neutralized.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)`` in an article title runs when
the CSV is opened). Following the OWASP advice on CSV injection, such *text* cells get a
leading apostrophe, which spreadsheets show as plain text. Numbers are never changed (``-3.5``
stays a number). Parquet and other programmatic outputs stay raw.

    >>> import pandas as pd
    >>> neutralize(pd.DataFrame({"title": ["=HYPERLINK(1)", "Tariffs"], "n": [-1, 2]}))["title"].tolist()
    ["'=HYPERLINK(1)", 'Tariffs']
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from analysis.files import write_atomic

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: object) -> object:
    """Prefix a text cell that starts like a formula with an apostrophe; other values unchanged.

    >>> neutralize_cell("@SUM(A1:A9)"), neutralize_cell(-2.5), neutralize_cell("plain")
    ("'@SUM(A1:A9)", -2.5, 'plain')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralize(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and text column names) cannot run as spreadsheet formulas."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            text = s.astype("object")
            mask = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS)).astype(bool)
            if mask.any():
                out[col] = text.where(~mask, "'" + text[mask].astype(str))
    out.columns = [neutralize_cell(c) for c in out.columns]
    if out.index.name is not None or not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(neutralize_cell)
    return out


def write_reader_csv(df: pd.DataFrame, path: str | os.PathLike[str], index: bool = False) -> Path:
    """Write ``df`` as a reader CSV (formula cells neutralized), atomically; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, neutralize(df).to_csv(index=index).encode("utf-8"))
