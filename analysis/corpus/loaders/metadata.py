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
    """Cache of manifests per folder; ``lookup(path)`` merges manifest and sidecar metadata.

    One index serves a whole ingest (template learning and loading): each folder is listed once,
    each manifest read once, and paths are handled as strings (a lookup is a few dict probes).
    """

    def __init__(self) -> None:
        """Start with no manifests loaded."""
        self._manifests: dict[str, dict[str, dict[str, Any]]] = {}
        self._chains: dict[str, tuple[str, list[dict[str, dict[str, Any]]]]] = {}
        self._listing: dict[str, frozenset[str]] = {}
        self._real: dict[str, str] = {}
        self.problems: list[dict[str, str]] = []

    def _names(self, folder: str) -> frozenset[str]:
        """File names in ``folder`` (listed once)."""
        names = self._listing.get(folder)
        if names is None:
            try:
                names = frozenset(os.listdir(folder or "."))
            except OSError:
                names = frozenset()
            self._listing[folder] = names
        return names

    def _realpath(self, folder: str) -> str:
        """``folder`` with symlinks and ``..`` resolved (once per folder)."""
        real = self._real.get(folder)
        if real is None:
            real = self._real[folder] = os.path.realpath(folder or ".")
        return real

    def _manifest(self, folder: str) -> dict[str, dict[str, Any]]:
        """Load (once) the manifest of resolved ``folder``: resolved file path -> metadata."""
        if folder in self._manifests:
            return self._manifests[folder]
        rows: dict[str, dict[str, Any]] = {}
        mpath = os.path.join(folder, "manifest.csv")
        if "manifest.csv" in self._names(folder) and os.path.isfile(mpath):
            try:
                with open(mpath, "rb") as fh:
                    text = decode_bytes(fh.read())[0]
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
                    where, name = os.path.split(os.path.join(folder, rel))
                    where = self._realpath(where)                  # the folder resolved, as lookup() does
                    if name not in self._names(where):
                        self.problems.append({"origin": f"{mpath}:{reader.line_num}",
                                              "reason": f"manifest row: file not found: {rel}"})
                    rows[os.path.join(where, name)] = _normalize_keys(row)
            except (InputError, csv.Error, OSError) as exc:
                self.problems.append({"origin": mpath, "reason": f"manifest ignored: {exc}"})
        self._manifests[folder] = rows
        return rows

    def _chain(self, parent: str) -> tuple[str, list[dict[str, dict[str, Any]]]]:
        """The resolved ``parent`` and the non-empty manifests of it and its ancestors, nearest first."""
        real = self._realpath(parent)
        folders = [real]
        while (up := os.path.dirname(folders[-1])) != folders[-1]:
            folders.append(up)
        chain = self._chains[parent] = (real, [r for r in map(self._manifest, folders) if r])
        return chain

    def lookup(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        """Metadata for one file: nearest manifest listing it, overridden by its sidecar."""
        parent, name = os.path.split(os.fspath(path))
        chain = self._chains.get(parent) or self._chain(parent)
        meta: dict[str, Any] = {}
        if chain[1]:
            resolved = os.path.join(chain[0], name)
            for rows in chain[1]:
                got = rows.get(resolved)
                if got is not None:
                    meta = dict(got)
                    break
        names = self._names(parent)
        stem = os.path.splitext(name)[0] if name[-1:] != "." else name
        for side in (stem + ".meta.json", name + ".meta.json"):
            if side in names:
                side_path = os.path.join(parent, side)
                if not os.path.isfile(side_path):
                    continue
                try:
                    with open(side_path, "rb") as fh:
                        obj = json.loads(decode_bytes(fh.read())[0])
                    if not isinstance(obj, dict):
                        raise InputError("not a JSON object")
                    meta.update(_normalize_keys(obj))
                except (InputError, ValueError, OSError) as exc:
                    self.problems.append({"origin": side_path, "reason": f"sidecar ignored: {exc}"})
                break
        return meta
