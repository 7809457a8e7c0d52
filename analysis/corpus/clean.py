"""Normalization: bytes to text, Unicode NFC, whitespace, dates, word counts, stable ids.

Every function is pure; :func:`clean_articles` is the per-partition DataFrame -> DataFrame step
that pandas ingest and the Dask engine both call::

    >>> clean_text("  Noem  arrived\\u00a0on Friday.\\n\\n\\n“We’re going”  ")
    'Noem arrived on Friday.\\n\\n“We’re going”'
"""
from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd
from dateutil import parser as dparser

from analysis.corpus import patterns
from analysis.schema import ARTICLE_COLUMNS, ARTICLE_DTYPES

WORD_RE = re.compile(r"\w+(?:['’-]\w+)*")
_BLANK_LINE = re.compile(r"\n[ \t\f\v\u00a0\u2000-\u200a\u3000]*\n")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_UNUSUAL_SPACE = re.compile("[\u0085\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_DATE_PREFIX = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ]\d)")
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_TITLE: int = 500    # longer titles are cut (with a warning); a longer first line of a text file is body text

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
]


class InputError(ValueError):
    """One input item cannot be read; the message is the reason shown in the ingest report."""


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode bytes that cp1252 leaves undefined (0x81, 0x8d, ...) as Latin-1."""
    return err.object[err.start:err.end].decode("latin-1"), err.end  # type: ignore[union-attr]


codecs.register_error("cp1252_latin1", _cp1252_fallback)


def _latin1_fallback(err: UnicodeEncodeError) -> tuple[bytes, int]:
    """Encode characters that cp1252 has no byte for as Latin-1 (raises again for those above U+00FF)."""
    return err.object[err.start:err.end].encode("latin-1"), err.end


codecs.register_error("cp1252_latin1_encode", _latin1_fallback)


_CONTROL_BYTES = bytes(b for b in range(0x80) if _CONTROL.match(chr(b)))   # the bytes that encode _CONTROL


def _plain_utf8(data: bytes) -> str | None:
    """``data`` decoded when it is plain UTF-8 text (no BOM, no control byte, not blank), else None."""
    if data.startswith(codecs.BOM_UTF8) or len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if text and not text.isspace() else None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes: BOM, then UTF-16 sniffing, UTF-8, else cp1252; raise InputError if binary.

    The usual file, plain UTF-8 without a BOM or control characters, is decoded at once: nothing
    else applies to it.

    >>> decode_bytes("café".encode()), decode_bytes("caf\\u00e9 “x”".encode("cp1252"))
    (('café', 'utf-8'), ('café “x”', 'cp1252'))
    """
    plain = _plain_utf8(data)
    if plain is not None:
        return plain, "utf-8"
    if not data.strip():
        raise InputError("empty file")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text, used = data[len(bom):].decode(enc, errors="replace"), enc + " (BOM)"
            break
    else:
        head = data[:4096]
        if b"\x00" in head:
            even, odd = head[0::2].count(0), head[1::2].count(0)
            half = max(len(head) // 2, 1)
            if odd > 0.3 * half and even < 0.05 * half:
                text, used = data.decode("utf-16-le", errors="replace"), "utf-16-le"
            elif even > 0.3 * half and odd < 0.05 * half:
                text, used = data.decode("utf-16-be", errors="replace"), "utf-16-be"
            else:
                raise InputError("binary file (NUL bytes)")
        else:
            try:
                text, used = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                text, used = data.decode("cp1252", errors="cp1252_latin1"), "cp1252"
    sample = text[:8192]
    if sample and len(_CONTROL.findall(sample)) > 0.01 * len(sample):
        raise InputError("binary file (control characters)")
    if not text.strip():
        raise InputError("empty file")
    return text, used


def no_surrogates(s: str) -> str:
    """Replace lone UTF-16 surrogates (from JSON ``\\ud800`` escapes) with U+FFFD: they cannot be stored.

    >>> no_surrogates("a\\ud800b")
    'a\ufffdb'
    """
    return s if s.isascii() else _SURROGATE.sub("\ufffd", s)


def cp1252_bytes(s: str) -> bytes | None:
    """The bytes that Windows-1252 (bytes it leaves undefined as Latin-1) would show as ``s``; None if none.

    >>> cp1252_bytes("Ã©â€™\x81"), cp1252_bytes("Ã© 中")
    (b'\xc3\xa9\xe2\x80\x99\x81', None)
    """
    try:
        return s.encode("cp1252", errors="cp1252_latin1_encode")
    except UnicodeEncodeError:
        return None


def fix_mojibake_run(run: str) -> str:
    """One run of UTF-8 shown as Windows-1252, decoded back; the run unchanged when it is not one."""
    raw = cp1252_bytes(run)
    try:
        return raw.decode("utf-8") if raw else run
    except UnicodeDecodeError:
        return run


def repair_mojibake(s: str, rounds: int = 3) -> str:
    """Undo UTF-8 read as Windows-1252, run by run, up to ``rounds`` times (text decoded twice or more).

    Only runs that decode as valid UTF-8 change, so accented text stays as it is.

    >>> repair_mojibake("ObamaÃ¢â‚¬â„¢s halt, cafÃ© — café")
    'Obama’s halt, café — café'
    """
    if not any(h in s for h in patterns.MOJIBAKE_HINTS):
        return s
    for _ in range(rounds):
        fixed = patterns.MOJIBAKE_RUN.sub(lambda m: fix_mojibake_run(m.group()), s)
        if fixed == s:
            break
        s = fixed
    return s


def clean_line(s: str) -> str:
    """NFC-normalize one line and collapse its whitespace.

    >>> clean_line("  Caf\\u0065\\u0301  au  lait ")
    'Café au lait'
    """
    if not s.isascii():
        s = unicodedata.normalize("NFC", _INVISIBLE.sub("", repair_mojibake(no_surrogates(s))))
    return " ".join(s.split())


def clean_text(s: str) -> str:
    """NFC, mojibake repaired, invisible characters removed, one space between words, paragraphs joined by "\\n\\n".

    A text with blank lines has paragraphs = blank-line separated blocks (hard-wrapped lines are
    re-joined); a text without blank lines has one paragraph per line.

    >>> clean_text("a\\nb\\n\\nc")
    'a b\\n\\nc'
    """
    if not s:
        return ""
    # printable apart from line breaks: no surrogate, control, invisible or unusual space character
    # (nor \r, \t), so those checks are skipped until a repair changes the text
    plain = s.replace("\n", " ").isprintable()
    messy = False
    if not s.isascii():
        if not plain:
            s = no_surrogates(s)
        if any(h in s for h in patterns.MOJIBAKE_HINTS):
            s, plain = repair_mojibake(s), False
        if not plain and _UNUSUAL_SPACE.search(s):
            s = _INVISIBLE.sub("", s)
            messy = _UNUSUAL_SPACE.search(s) is not None
        if not unicodedata.is_normalized("NFC", s):
            s, plain = unicodedata.normalize("NFC", s), False
    if not plain:
        if "\r" in s:
            s = s.replace("\r\n", "\n").replace("\r", "\n")
        if _CONTROL.search(s):
            s = _CONTROL.sub("", s)
    s = s.strip()
    if not (messy or "  " in s or "\t" in s or " \n" in s or "\n " in s or "\n\n\n" in s):
        if s.count("\n") == 2 * s.count("\n\n"):
            return s                   # already clean: every line break is part of a paragraph break
    s = _BLANK_LINE.sub("\n\n", s)
    if "\n\n" in s:
        paras = (" ".join(block.split()) for block in s.split("\n\n"))
    else:
        paras = (" ".join(line.split()) for line in s.split("\n"))
    return "\n\n".join(p for p in paras if p)


def word_count(text: str) -> int:
    """Count words: the regex ``\\w+(?:['’-]\\w+)*`` (inner apostrophes and hyphens kept).

    >>> word_count("We’re going to let the courts play out")
    8
    """
    return len(WORD_RE.findall(text)) if text else 0


def utf8_joined(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All texts as one UTF-8 byte array, each followed by a NUL byte; returns (bytes, starts, ends).

    Each text is encoded on its own (joining the ``str`` objects first would widen every character
    to the widest one among them); a NUL inside a text becomes a space.
    """
    parts = [t.encode("utf-8", errors="replace") for t in texts]
    raw = b"\0".join(parts) + b"\0" if parts else b""
    if raw.count(0) != len(parts):    # a text contained NUL itself
        return utf8_joined([t.replace("\0", " ") for t in texts])
    data = np.frombuffer(raw, dtype=np.uint8)
    ends = np.cumsum(np.fromiter((len(b) + 1 for b in parts), np.int64, len(parts))) - 1
    starts = np.zeros(len(texts), dtype=np.int64)
    starts[1:] = ends[:-1] + 1
    return data, starts, ends


_WORD_BYTE = np.zeros(256, dtype=bool)
for _lo, _hi in ((48, 57), (65, 90), (97, 122), (95, 95), (0x80, 0xFF)):
    _WORD_BYTE[_lo:_hi + 1] = True
_SPECIAL_BYTE = np.zeros(256, dtype=bool)
_SPECIAL_BYTE[[39, 45, 0xC2, 0xE2, 0xF0]] = True
_WORD_TABLE: bytes = _WORD_BYTE.astype(np.uint8).tobytes()        # bytes.translate tables: 1 = in the set
_SPECIAL_TABLE: bytes = _SPECIAL_BYTE.astype(np.uint8).tobytes()


def byte_flags(raw: bytes, table: bytes) -> np.ndarray:
    """Boolean array: ``table[b] != 0`` for every byte ``b`` of ``raw`` (a table lookup by ``bytes.translate``)."""
    return np.frombuffer(raw.translate(table), dtype=bool)


def word_mask(data: np.ndarray) -> np.ndarray:
    """True for bytes inside a word, mirroring ``WORD_RE`` on NUL-separated UTF-8 bytes.

    Word bytes: ASCII letters, digits, ``_`` and non-ASCII letters; the punctuation/symbol blocks
    U+0080-U+00BF, U+2000-U+2FFF and emoji are not. ``'``, ``-`` and ``’`` between word bytes join.
    """
    n = len(data)
    raw = data.tobytes()
    w = byte_flags(raw, _WORD_TABLE).copy()
    sp = np.flatnonzero(byte_flags(raw, _SPECIAL_TABLE))
    if not len(sp):
        return w
    lead = data[sp]
    for code, width in ((0xC2, 2), (0xE2, 3), (0xF0, 4)):
        pos = sp[lead == code]
        if code == 0xF0:
            pos = pos[data[np.minimum(pos + 1, n - 1)] == 0x9F]
        for k in range(width):
            w[np.minimum(pos + k, n - 1)] = False
    # joiners: ' or - (1 byte) and ’ (E2 80 99) between word bytes
    pos = sp[(lead == 39) | (lead == 45)]
    pos = pos[(pos > 0) & (pos + 1 < n)]
    pos = pos[w[pos - 1] & w[pos + 1]]
    apo = sp[lead == 0xE2]
    apo = apo[(apo > 0) & (apo + 3 < n)]
    apo = apo[(data[apo + 1] == 0x80) & (data[apo + 2] == 0x99)]
    apo = apo[w[apo - 1] & w[apo + 3]]
    w[pos] = True
    for k in range(3):
        w[apo + k] = True
    return w


def word_starts(w: np.ndarray) -> np.ndarray:
    """Boolean array: True where a word begins."""
    st = w.copy()
    st[1:] &= ~w[:-1]
    return st


def word_counts(texts: Sequence[str]) -> np.ndarray:
    """Vectorized :func:`word_count` for many texts (int64 array).

    >>> word_counts(["We’re going — “now”.", "", "U.S.-Mexico 25% tariff"]).tolist()
    [3, 0, 5]
    """
    if not len(texts):
        return np.zeros(0, np.int64)
    data, starts, ends = utf8_joined(texts)
    pos = np.flatnonzero(word_starts(word_mask(data)))
    return np.searchsorted(pos, ends) - np.searchsorted(pos, starts)


def _max_date() -> pd.Timestamp:
    """Latest plausible publication date: today plus a small margin."""
    return pd.Timestamp(date.today() + timedelta(days=patterns.MAX_DAYS_AHEAD))


@lru_cache(maxsize=1 << 14)
def _parse_one(value: str) -> tuple[pd.Timestamp | None, str | None]:
    """Parse one date string without inventing missing parts; return (date, problem) (remembered: pages repeat dates)."""
    try:
        a = dparser.parse(value, default=datetime(1904, 1, 1), fuzzy=False)
        b = dparser.parse(value, default=datetime(1908, 2, 2), fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None, f"unparseable date {value!r}"
    if (a.year, a.month, a.day) != (b.year, b.month, b.day):
        return None, f"incomplete date {value!r} (day, month or year missing)"
    return pd.Timestamp(a.year, a.month, a.day), None


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse dates to day precision; return (datetime64[ns] series, problem text or NA per row).

    Empty values give NaT without a problem; unparseable, incomplete or impossible ones give NaT
    and a problem. Time zones are dropped without conversion (the local calendar day is kept).

    >>> d, p = parse_dates(pd.Series(["2020-02-29", "2021-02-30", "", "March 3, 2019"]))
    >>> d.dt.strftime("%Y-%m-%d").tolist(), p.notna().tolist()
    (['2020-02-29', nan, nan, '2019-03-03'], [False, True, False, False])
    """
    n = len(values)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    problems = np.full(n, None, dtype=object)
    if n == 0:
        return pd.Series(out, index=values.index), pd.Series(problems, index=values.index, dtype="string")
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        ts = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        out[:] = ts.dt.normalize().to_numpy(dtype="datetime64[ns]")
    else:
        strs = values.astype("object").where(values.notna(), None)
        cache: dict[str, tuple[pd.Timestamp | None, str | None]] = {}
        for i, v in enumerate(strs.to_numpy()):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                continue
            if not isinstance(v, str):
                v = str(v)
            v = v.strip()
            if not v:
                continue
            hit = cache.get(v)
            if hit is None:
                m = _DATE_PREFIX.match(v)
                if m:
                    try:
                        hit = (pd.Timestamp(int(m[1]), int(m[2]), int(m[3])), None)
                    except ValueError:
                        hit = (None, f"impossible date {v!r}")
                else:
                    hit = _parse_one(v)
                cache[v] = hit
            ts, problem = hit
            if ts is not None:
                out[i] = ts.to_datetime64()
            else:
                problems[i] = problem
    # plausibility bounds
    lo, hi = np.datetime64(f"{patterns.MIN_YEAR}-01-01"), _max_date().to_datetime64()
    bad = ~np.isnat(out) & ((out < lo) | (out > hi))
    for i in np.flatnonzero(bad):
        problems[i] = f"impossible date {str(values.iloc[i])!r} (outside {patterns.MIN_YEAR}..today)"
    out[bad] = np.datetime64("NaT")
    return (pd.Series(out, index=values.index, name=values.name),
            pd.Series(problems, index=values.index, dtype="string"))


def stable_id(*parts: str) -> str:
    """A 16-hex sha1 of ``parts``: the same input gives the same id on every machine.

    >>> stable_id("allsides-1Ao4Kuh0Jpv4Xekb")
    '6e09f69f0346d320'
    """
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def cap_title(title: str) -> str:
    """Cut a title to :data:`MAX_TITLE` characters (at a word boundary when one is near), ending in "…".

    >>> len(cap_title("word " * 400)), cap_title("Short")
    (495, 'Short')
    """
    if len(title) <= MAX_TITLE:
        return title
    cut = title[:MAX_TITLE - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_TITLE // 2 else cut).rstrip() + "…"


def _clean_lines(s: pd.Series) -> pd.Series:
    """Clean a short-text column (title, source, ...) to nullable strings; empty -> NA."""
    vals = [clean_line(v) if isinstance(v, str) else (None if v is None or v is pd.NA or v != v else clean_line(str(v)))
            for v in s.to_numpy(dtype=object)]
    out = pd.Series(pd.array(vals, dtype="string"), index=s.index)
    return out.mask(out == "")


def clean_articles(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Normalize an article table (pure): returns (clean table, problems [origin, reason]).

    Problems are unparseable/impossible dates and titles cut to :data:`MAX_TITLE` characters.

    Expects the article columns (``date`` or ``raw_date`` holding any date text); fills ``date``
    (datetime64, NaT when unknown) and ``n_words``; extra columns are kept after the core ones.
    """
    out = df.copy()
    for col in ARTICLE_COLUMNS:
        if col not in out.columns:
            out[col] = None
    texts = [clean_text(t) if isinstance(t, str) else "" for t in out["text"].to_numpy(dtype=object)]
    out["text"] = pd.array(texts, dtype="string")
    for col in ("title", "section", "byline", "source", "url"):
        out[col] = _clean_lines(out[col])
    long_title = out["title"].str.len().fillna(0).to_numpy() > MAX_TITLE
    title_problems = [f"title of {len(t)} characters cut to {MAX_TITLE}" for t in out["title"][long_title]]
    if long_title.any():
        out.loc[long_title, "title"] = [cap_title(t) for t in out["title"][long_title]]
    raw = out["raw_date"] if "raw_date" in out.columns else out["date"]
    out["date"], problems = parse_dates(raw)
    out["n_words"] = word_counts(texts)
    out = out.drop(columns=[c for c in ("raw_date",) if c in out.columns])
    rep = pd.DataFrame({"origin": out["origin"].astype("string"), "reason": problems})
    rep = pd.concat([rep[rep["reason"].notna()], pd.DataFrame(
        {"origin": out["origin"][long_title].astype("string"), "reason": pd.array(title_problems, dtype="string")})],
        ignore_index=True)
    out = out[ARTICLE_COLUMNS + [c for c in out.columns if c not in ARTICLE_COLUMNS]]
    return out.astype({c: t for c, t in ARTICLE_DTYPES.items() if c != "date"}), rep
