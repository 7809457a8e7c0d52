"""The on-disk format of a trained theme model: one zip of JSON documents and ``.npy`` arrays, nothing that runs.

Layout (format 3), a zip file with:

- ``metadata.json``: the format name and version, the package and scikit-learn versions, the label
  set, the training data, ... and ``contents``: every other member with its size and SHA-256 (arrays
  also with their dtype and shape);
- ``NAME.json`` documents (the model's structure, the vocabularies);
- ``arrays/NAME.npy`` numeric arrays (idf vectors, coefficient matrices), read with
  ``np.load(..., allow_pickle=False)``.

Reading a file never runs anything from it. A file is refused with a one-line
:class:`~analysis.errors.ModelMismatchError` unless it is a zip whose members are exactly
``metadata.json`` and the ones it lists, each of the listed size and checksum, and every array is of
a plain numeric dtype with the listed shape. The pickle-based files of earlier versions (formats 1
and 2: a Python pickle, which runs code when loaded) are recognised by their first line and refused
unread. The checksums find truncated or damaged files; they are not a signature (anyone who can
write the file can recompute them). A model file is safe to load because it holds only data.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.model"
    >>> write_model_file(p, {"themes": ["trade"]}, {"model": {"C": 0.5}}, {"coef": np.zeros((2, 3))})
    >>> read_header(p)["themes"]
    ['trade']
    >>> docs, arrays = read_contents(p, read_header(p))
    >>> docs["model"], arrays["coef"].shape
    ({'C': 0.5}, (2, 3))
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from analysis.errors import ModelMismatchError, UsageError
from analysis.files import write_atomic

FORMAT = "policy-news-analysis/theme-model"
FORMAT_VERSION = 3  # 3: zip of JSON and .npy (2: several members per model, 1: one classifier; both pickles)
PICKLE_MAGIC = b"PNA-THEME-MODEL\n"  # the first line of the pickle-based files of formats 1 and 2
METADATA = "metadata.json"
RETRAIN_HINT = "retrain it with `python -m analysis train LABELLED.jsonl ... --output FILE`"
ARRAY_DTYPES = ("float32", "float64", "int32", "int64")
NAME_RE = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*")
NPY_MAGIC = b"\x93NUMPY"
MAX_METADATA_BYTES = 64 << 20
MAX_MEMBER_BYTES = 4 << 30
MAX_MEMBERS = 1000


def member_name(kind: str, key: str) -> str:
    """The zip member holding document or array ``key``.

    >>> member_name("json", "vocabulary.word"), member_name("npy", "word.idf")
    ('vocabulary.word.json', 'arrays/word.idf.npy')
    """
    if not NAME_RE.fullmatch(key) or key == "metadata":
        raise ValueError(f"bad model member name {key!r}")
    return f"{key}.json" if kind == "json" else f"arrays/{key}.npy"


def _entry(data: bytes, **extra: Any) -> dict[str, Any]:
    """The ``contents`` entry of one member: size, checksum and ``extra``."""
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), **extra}


def npy_bytes(array: np.ndarray) -> bytes:
    """Return ``array`` as ``.npy`` bytes (refused unless its dtype is one of :data:`ARRAY_DTYPES`)."""
    if array.dtype.name not in ARRAY_DTYPES:
        raise ValueError(f"cannot store an array of dtype {array.dtype} in a model file")
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(array), allow_pickle=False)
    return buf.getvalue()


def check_output(path: str | Path, option: str = "model path") -> Path:
    """Return ``path`` as a Path; UsageError when it exists and is not a regular file (a folder, device, pipe).

    >>> check_output("/dev/null", "--output")
    Traceback (most recent call last):
    ...
    analysis.errors.UsageError: --output /dev/null is not a regular file (a folder, device or pipe); give a file name
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        raise UsageError(f"{option} {path} is not a regular file (a folder, device or pipe); give a file name")
    return path


def write_model_file(path: str | Path, metadata: Mapping[str, Any], documents: Mapping[str, Any],
                     arrays: Mapping[str, np.ndarray]) -> None:
    """Write ``metadata``, the JSON ``documents`` and the numeric ``arrays`` as one zip file (atomically)."""
    path = check_output(path)
    members: dict[str, bytes] = {}
    contents: dict[str, dict[str, Any]] = {}
    for key, doc in documents.items():
        name = member_name("json", key)
        members[name] = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        contents[name] = _entry(members[name])
    for key, array in arrays.items():
        name = member_name("npy", key)
        members[name] = npy_bytes(array)
        contents[name] = _entry(members[name], dtype=array.dtype.name, shape=list(array.shape))
    header = dict(metadata, format=FORMAT, format_version=FORMAT_VERSION, contents=contents)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(METADATA, json.dumps(header, indent=1, sort_keys=True))
        for name, data in members.items():
            zf.writestr(name, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, buf.getvalue())


def _refuse(path: Path, what: str) -> ModelMismatchError:
    """A one-line ModelMismatchError for ``path`` ending with the retrain hint."""
    return ModelMismatchError(f"{path}: {what}; {RETRAIN_HINT}")


def _open(path: Path) -> zipfile.ZipFile:
    """Open ``path`` as a model zip; clear errors for a missing path, an old pickle or a foreign file."""
    if not path.exists():
        raise UsageError(f"model file not found: {path}")
    if path.is_dir():
        raise UsageError(f"model path is a folder, not a file: {path}")
    with path.open("rb") as fh:
        start = fh.read(len(PICKLE_MAGIC))
    if start == PICKLE_MAGIC:
        raise _refuse(path, "a model file of an earlier version (format 1 or 2, a Python pickle, which can run "
                            "code when loaded) is not read")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(path, f"not a theme model file, or a damaged one ({exc})") from None


def _read_member(path: Path, zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """Return the bytes of one member, refusing it when larger than ``limit`` or unreadable."""
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise _refuse(path, f"corrupt model file ({name} is {info.file_size} bytes)")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _refuse(path, f"corrupt model file ({name}: unsupported compression)")
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError) as exc:
        raise _refuse(path, f"corrupt model file (cannot read {name}: {exc})") from None


def _json(path: Path, name: str, raw: bytes) -> Any:
    """Decode one JSON member."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _refuse(path, f"corrupt model file ({name} is not JSON: {type(exc).__name__})") from None


def read_header(path: str | Path) -> dict[str, Any]:
    """Return the metadata of a model file (``metadata.json``, with its ``contents`` list)."""
    path = Path(path)
    with _open(path) as zf:
        if METADATA not in zf.namelist():
            raise _refuse(path, f"not a theme model file (no {METADATA})")
        header = _json(path, METADATA, _read_member(path, zf, METADATA, MAX_METADATA_BYTES))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        got = header.get("format") if isinstance(header, dict) else type(header).__name__
        raise _refuse(path, f"not a theme model file (format {got!r})")
    if not isinstance(header.get("contents"), dict):
        raise _refuse(path, "corrupt model file (no contents list)")
    return header


def _check_members(path: Path, zf: zipfile.ZipFile, contents: Mapping[str, Any]) -> None:
    """Refuse a zip whose members are not exactly ``metadata.json`` and the listed ones."""
    names = zf.namelist()
    if len(names) > MAX_MEMBERS or len(names) != len(set(names)):
        raise _refuse(path, "corrupt model file (too many or repeated members)")
    unexpected = sorted(set(names) - set(contents) - {METADATA})
    if unexpected:
        raise _refuse(path, f"unexpected member(s) in the model file: {unexpected[:5]}")
    missing = sorted(set(contents) - set(names))
    if missing:
        raise _refuse(path, f"corrupt model file (missing member(s) {missing[:5]})")


def npy_header(raw: bytes) -> tuple[tuple[int, ...], np.dtype]:
    """Return (shape, dtype) from the header of ``.npy`` bytes, without reading the data (ValueError if bad).

    >>> npy_header(npy_bytes(np.zeros((2, 3), dtype=np.float32)))
    ((2, 3), dtype('float32'))
    """
    fh = io.BytesIO(raw)
    version = np.lib.format.read_magic(fh)
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, _, dtype = read(fh)
    return tuple(shape), dtype


def _array(path: Path, name: str, raw: bytes, entry: Mapping[str, Any]) -> np.ndarray:
    """Decode one ``.npy`` member (no pickles) and check its dtype and shape against ``entry``."""
    if not raw.startswith(NPY_MAGIC):
        raise _refuse(path, f"corrupt model file ({name} is not a .npy array)")
    try:
        shape, dtype = npy_header(raw)
    except (ValueError, OSError, EOFError, TypeError, SyntaxError) as exc:
        raise _refuse(path, f"corrupt model file ({name}: bad .npy header: {type(exc).__name__})") from None
    if dtype.name not in ARRAY_DTYPES:
        raise _refuse(path, f"corrupt model file ({name} has dtype {dtype}, not one of {', '.join(ARRAY_DTYPES)})")
    if int(np.prod(shape, dtype=np.float64)) * dtype.itemsize > len(raw):
        raise _refuse(path, f"corrupt model file ({name} claims shape {list(shape)}, more than its {len(raw)} bytes)")
    try:
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, OSError, EOFError, TypeError) as exc:
        raise _refuse(path, f"corrupt model file ({name}: {str(exc).splitlines()[0] if str(exc) else exc!r})") from None
    if not isinstance(array, np.ndarray) or array.dtype.name not in ARRAY_DTYPES:
        raise _refuse(path, f"corrupt model file ({name} has dtype {getattr(array, 'dtype', '?')}, "
                            f"not one of {', '.join(ARRAY_DTYPES)})")
    if array.dtype.name != entry.get("dtype") or list(array.shape) != entry.get("shape"):
        raise _refuse(path, f"corrupt model file ({name} is {array.dtype.name} {list(array.shape)}, listed as "
                            f"{entry.get('dtype')} {entry.get('shape')})")
    return array


def read_contents(path: str | Path, header: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Check every listed member (names, sizes, checksums, dtypes, shapes); return (documents, arrays)."""
    path = Path(path)
    contents = header["contents"]
    documents: dict[str, Any] = {}
    arrays: dict[str, np.ndarray] = {}
    with _open(path) as zf:
        _check_members(path, zf, contents)
        for name, entry in contents.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("bytes"), int):
                raise _refuse(path, f"corrupt model file (bad contents entry for {name!r})")
            raw = _read_member(path, zf, name, min(MAX_MEMBER_BYTES, entry["bytes"]))
            if len(raw) != entry["bytes"] or hashlib.sha256(raw).hexdigest() != entry.get("sha256"):
                raise _refuse(path, f"corrupt model file (checksum mismatch in {name}: truncated or modified)")
            if name.startswith("arrays/") and name.endswith(".npy"):
                arrays[name[len("arrays/"):-len(".npy")]] = _array(path, name, raw, entry)
            elif name.endswith(".json") and "/" not in name:
                documents[name[:-len(".json")]] = _json(path, name, raw)
            else:
                raise _refuse(path, f"unexpected member in the model file: {name!r}")
    return documents, arrays


def check_versions(path: str | Path, header: Mapping[str, Any], installed: Mapping[str, str]) -> None:
    """Raise ModelMismatchError when the file's format or recorded versions differ from ``installed``."""
    if header.get("format_version") != FORMAT_VERSION:
        raise ModelMismatchError(f"{path}: model file format {header.get('format_version')} but this "
                                 f"installation reads format {FORMAT_VERSION}; {RETRAIN_HINT}")
    for key, want in installed.items():
        have = header.get(key)
        if have != want:
            raise ModelMismatchError(f"{path}: model was saved with {key} {have} but {want} is installed; "
                                     f"{RETRAIN_HINT}")


def check_labels(path: str | Path, header: Mapping[str, Any], expected: Any) -> None:
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
