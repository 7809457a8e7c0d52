"""The on-disk format of a trained theme model: one file, metadata readable without unpickling.

Layout: the magic line ``PNA-THEME-MODEL\\n``, an 8-byte big-endian header length, a UTF-8 JSON
header (the metadata plus the SHA-256 of the payload), then the payload: the zlib-compressed
pickle of the fitted model. The header is checked (format, package and scikit-learn versions,
label set, checksum) *before* anything is unpickled, so a foreign or tampered file is refused
with a clear :class:`~analysis.errors.ModelMismatchError` instead of a pickle traceback.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.model"
    >>> write_model_file(p, {"x": 1}, {"themes": ["trade"]})
    >>> read_header(p)["themes"]
    ['trade']
"""
from __future__ import annotations

import hashlib
import json
import pickle
import zlib
from pathlib import Path
from typing import Any

from analysis.errors import ModelMismatchError, UsageError
from analysis.files import write_atomic

MAGIC = b"PNA-THEME-MODEL\n"
FORMAT = "policy-news-analysis/theme-model"
FORMAT_VERSION = 2  # 2: several member classifiers per model (presets)
RETRAIN_HINT = "retrain it with `python -m analysis train LABELLED.jsonl ... --output FILE`"


def write_model_file(path: str | Path, obj: Any, metadata: dict[str, Any]) -> None:
    """Write ``obj`` (pickled, compressed) and ``metadata`` (JSON header) as one file."""
    payload = zlib.compress(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), 6)
    header = dict(metadata, format=FORMAT, format_version=FORMAT_VERSION,
                  payload_sha256=hashlib.sha256(payload).hexdigest(), payload_bytes=len(payload))
    raw = json.dumps(header, indent=1, sort_keys=True).encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, b"".join((MAGIC, len(raw).to_bytes(8, "big"), raw, payload)))


def _split(path: Path) -> tuple[dict[str, Any], bytes | None, int]:
    """Return (header, None, payload offset) after validating the magic line and JSON header."""
    if not path.exists():
        raise UsageError(f"model file not found: {path}")
    if path.is_dir():
        raise UsageError(f"model path is a folder, not a file: {path}")
    with path.open("rb") as fh:
        magic = fh.read(len(MAGIC))
        if magic != MAGIC:
            raise ModelMismatchError(f"{path} is not a theme model file (no {MAGIC.strip().decode()} "
                                     f"signature); {RETRAIN_HINT}")
        size = int.from_bytes(fh.read(8), "big")
        if not 0 < size < 50_000_000:
            raise ModelMismatchError(f"{path}: corrupt model file (bad header length {size})")
        raw = fh.read(size)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelMismatchError(f"{path}: corrupt model file (unreadable header: {exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelMismatchError(f"{path}: not a theme model file (format {header.get('format')!r})"
                                 if isinstance(header, dict) else f"{path}: corrupt model header")
    return header, None, len(MAGIC) + 8 + size


def read_header(path: str | Path) -> dict[str, Any]:
    """Return the metadata header of a model file without unpickling anything."""
    return _split(Path(path))[0]


def read_payload(path: str | Path, header: dict[str, Any]) -> Any:
    """Verify the payload checksum and return the unpickled model object."""
    path = Path(path)
    offset = _split(path)[2]
    with path.open("rb") as fh:
        fh.seek(offset)
        payload = fh.read()
    if hashlib.sha256(payload).hexdigest() != header.get("payload_sha256"):
        raise ModelMismatchError(f"{path}: corrupt model file (payload checksum mismatch: truncated or "
                                 f"modified); {RETRAIN_HINT}")
    try:
        return pickle.loads(zlib.decompress(payload))
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means an unusable file
        raise ModelMismatchError(f"{path}: cannot load the model ({type(exc).__name__}: {exc}); "
                                 f"{RETRAIN_HINT}") from None


def check_versions(path: str | Path, header: dict[str, Any], installed: dict[str, str]) -> None:
    """Raise ModelMismatchError when the file's format or recorded versions differ from ``installed``."""
    if header.get("format_version") != FORMAT_VERSION:
        raise ModelMismatchError(f"{path}: model file format {header.get('format_version')} but this "
                                 f"installation reads format {FORMAT_VERSION}; {RETRAIN_HINT}")
    for key, want in installed.items():
        have = header.get(key)
        if have != want:
            raise ModelMismatchError(f"{path}: model was saved with {key} {have} but {want} is installed; "
                                     f"{RETRAIN_HINT}")


def check_labels(path: str | Path, header: dict[str, Any], expected: Any) -> None:
    """Raise ModelMismatchError unless ``expected`` equals the model's theme set or source-label set."""
    want = {str(x) for x in expected}
    themes, labels = set(header.get("themes", [])), set(header.get("labels", []))
    if want in (themes, labels):
        return
    missing, extra = sorted(want - themes), sorted(themes - want)
    raise ModelMismatchError(f"{path}: label set mismatch: the model predicts {sorted(themes)}; "
                             f"requested but not in the model: {missing}; in the model but not "
                             f"requested: {extra}; {RETRAIN_HINT}")


def jsonable(obj: Any) -> Any:
    """Turn numpy scalars and tuples inside ``obj`` into JSON types.

    >>> jsonable({"a": (1, 2)})
    {'a': [1, 2]}
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    return obj.item() if hasattr(obj, "item") and type(obj).__module__ == "numpy" else obj
