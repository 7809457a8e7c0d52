"""Metadata for files that carry none: ``manifest.csv`` in a folder and ``NAME.meta.json`` sidecars.

A manifest has a ``path`` column (also accepted: ``file``, ``filename``) relative to its own
folder, plus any of ``date, source, url, title, section, byline, id`` and extra columns (carried
as extra article columns). A sidecar ``NAME.meta.json`` (or ``NAME.txt.meta.json``) next to a file
holds one JSON object with the same keys. Sidecar values win over the manifest, and both win over
what the file itself says; CLI ``--source``/``--date`` only fill what is still empty.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from analysis.corpus.clean import InputError, decode_bytes

PATH_COLUMNS: tuple[str, ...] = ("path", "file", "filename", "file_name")
RENAME: dict[str, str] = {"date": "raw_date", "id": "_input_id", "authors": "byline", "author": "byline",
                          "outlet": "source", "published": "raw_date"}


def _normalize_keys(row: dict[str, Any]) -> dict[str, Any]:
    """Rename metadata keys to article columns (date -> raw_date, id -> _input_id, ...)."""
    out: dict[str, Any] = {}
    for k, v in row.items():
        k = k.strip().lower()
        if k in PATH_COLUMNS or v is None or (isinstance(v, str) and not v.strip()):
            continue
        key = RENAME.get(k, k)
        if key in ("year", "month"):
            key = "src_" + key
        out[key] = v.strip() if isinstance(v, str) else v
    return out


class MetadataIndex:
    """Cache of manifests per folder; ``lookup(path)`` merges manifest and sidecar metadata."""

    def __init__(self) -> None:
        """Start with no manifests loaded."""
        self._manifests: dict[Path, dict[Path, dict[str, Any]]] = {}
        self._chains: dict[Path, tuple[Path, list[dict[Path, dict[str, Any]]]]] = {}
        self._listing: dict[Path, frozenset[str]] = {}
        self.problems: list[dict[str, str]] = []

    def _names(self, folder: Path) -> frozenset[str]:
        """File names in ``folder`` (listed once)."""
        names = self._listing.get(folder)
        if names is None:
            try:
                names = frozenset(os.listdir(folder))
            except OSError:
                names = frozenset()
            self._listing[folder] = names
        return names

    def _manifest(self, folder: Path) -> dict[Path, dict[str, Any]]:
        """Load (once) the manifest of ``folder``: resolved file path -> metadata."""
        if folder in self._manifests:
            return self._manifests[folder]
        rows: dict[Path, dict[str, Any]] = {}
        mpath = folder / "manifest.csv"
        if "manifest.csv" in self._names(folder) and mpath.is_file():
            try:
                text = decode_bytes(mpath.read_bytes())[0]
                reader = csv.DictReader(io.StringIO(text, newline=""))
                fields = [f.strip().lower() for f in (reader.fieldnames or [])]
                key = next((f for f in PATH_COLUMNS if f in fields), None)
                if key is None:
                    raise InputError(f"manifest has no path column (one of {', '.join(PATH_COLUMNS)})")
                for row in reader:
                    row = {k.strip().lower(): v for k, v in row.items() if k is not None}
                    rel = (row.get(key) or "").strip()
                    if not rel:
                        continue
                    target = (folder / rel).resolve()
                    if not target.exists():
                        self.problems.append({"origin": f"{mpath}:{reader.line_num}",
                                              "reason": f"manifest row: file not found: {rel}"})
                    rows[target] = _normalize_keys(row)
            except (InputError, csv.Error, OSError) as exc:
                self.problems.append({"origin": str(mpath), "reason": f"manifest ignored: {exc}"})
        self._manifests[folder] = rows
        return rows

    def lookup(self, path: Path) -> dict[str, Any]:
        """Metadata for one file: nearest manifest listing it, overridden by its sidecar."""
        chain = self._chains.get(path.parent)
        if chain is None:
            parent = path.parent.resolve()
            chain = self._chains[path.parent] = (parent, [r for r in (self._manifest(f) for f in (parent, *parent.parents)) if r])
        resolved = chain[0] / path.name
        meta: dict[str, Any] = {}
        for rows in chain[1]:
            if resolved in rows:
                meta = dict(rows[resolved])
                break
        names = self._names(path.parent)
        for side in (path.with_name(path.stem + ".meta.json"), path.with_name(path.name + ".meta.json")):
            if side.name in names and side.is_file():
                try:
                    obj = json.loads(decode_bytes(side.read_bytes())[0])
                    if not isinstance(obj, dict):
                        raise InputError("not a JSON object")
                    meta.update(_normalize_keys(obj))
                except (InputError, ValueError, OSError) as exc:
                    self.problems.append({"origin": str(side), "reason": f"sidecar ignored: {exc}"})
                break
        return meta
