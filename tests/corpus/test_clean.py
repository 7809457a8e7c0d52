"""Normalization: decoding, NFC, whitespace, dates, word counts, ids (analysis.corpus.clean)."""
from __future__ import annotations

import random
import unicodedata

import pandas as pd
import pytest

from analysis.corpus import clean


def test_decode_utf8_bom_utf16_cp1252() -> None:
    text = "Le ministre a dit « café » — “quoted” ’"
    assert clean.decode_bytes(text.encode("utf-8"))[0] == text
    assert clean.decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8 (BOM)")
    assert clean.decode_bytes(text.encode("utf-16"))[0] == text
    assert clean.decode_bytes(text.encode("utf-16-le"))[0] == text      # no BOM: sniffed
    assert clean.decode_bytes("café “x” naïve".encode("cp1252")) == ("café “x” naïve", "cp1252")
    assert clean.decode_bytes("Ångström".encode("latin-1"))[0] == "Ångström"


@pytest.mark.parametrize("data,reason", [(b"", "empty"), (b"  \n\n ", "empty"),
                                         (bytes(range(256)) * 20, "binary"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")])
def test_decode_rejects_empty_and_binary(data: bytes, reason: str) -> None:
    with pytest.raises(clean.InputError, match=reason):
        clean.decode_bytes(data)


@pytest.mark.parametrize("data,want", [
    ("Headline\n\nBody “quoted” — café.\n".encode(), ("Headline\n\nBody “quoted” — café.\n", "utf-8")),
    ("\ufeffHeadline\n\nBody.\n".encode(), ("Headline\n\nBody.\n", "utf-8 (BOM)")),
    ("Headline\n\nCafé “x”.\n".encode("cp1252"), ("Headline\n\nCafé “x”.\n", "cp1252")),
    ("Headline\n\nBody.\n".encode("utf-16"), ("Headline\n\nBody.\n", "utf-16-le (BOM)")),
    (b"Headline\tTab\r\n\x0cBody.\r\n", ("Headline\tTab\r\n\x0cBody.\r\n", "utf-8")),
    (b"Head\x01\x02\x03\x04 binary" * 20, "binary file (control characters)"),
    (b" \n\t ", "empty file"), ("\u00a0\n".encode(), "empty file"), ("\u00a0x\n".encode(), ("\xa0x\n", "utf-8")),
    (b"A\x00B", ("A\ufffd", "utf-16-le")),
])
def test_decode_plain_utf8_at_once_and_the_rest_as_before(data: bytes, want: tuple[str, str] | str) -> None:
    """Plain UTF-8 (no BOM, no control byte, not blank) is decoded at once; BOMs, UTF-16, cp1252, control
    characters and blank files take the checks."""
    try:
        got: tuple[str, str] | str = clean.decode_bytes(data)
    except clean.InputError as exc:
        got = str(exc)
    assert got == want


def _cp1252_bytes_by_character(s: str) -> bytes | None:
    """Reference: each character's cp1252 byte, else its Latin-1 byte; None when one has neither."""
    out = bytearray()
    for ch in s:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            out.append(ord(ch))
    return bytes(out)


def test_cp1252_bytes_equals_the_character_by_character_reading() -> None:
    """Random strings of Latin-1 characters, every character cp1252 shows for 0x80-0x9F (and those it leaves
    undefined), and characters outside both (CJK, emoji, a lone surrogate)."""
    rng = random.Random(3)
    high = [bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xA0)]
    pool = [chr(c) for c in range(0x100)] + high * 3 + ["\u0100", "中", "😀", "\ud800"]
    strings = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 40))) for _ in range(20_000)] + ["".join(high)]
    got = [clean.cp1252_bytes(s) for s in strings]
    assert got == [_cp1252_bytes_by_character(s) for s in strings]
    assert 0 < sum(g is None for g in got) < len(got) and got[-1] == bytes(range(0x80, 0xA0))


def test_clean_text_nfc_whitespace_paragraphs() -> None:
    raw = "  Cafe\u0301\u00a0 au  lait\u200b.\r\n\r\n\r\n“We’re  here,” she said.\n  \nLast  "
    out = clean.clean_text(raw)
    assert out == "Café au lait.\n\n“We’re here,” she said.\n\nLast"
    assert unicodedata.is_normalized("NFC", out)
    assert clean.clean_text("line one\nline two") == "line one\n\nline two"      # no blank lines: one per line
    assert clean.clean_text("wrapped\nline\n\nnext") == "wrapped line\n\nnext"   # blank lines: re-join blocks


@pytest.mark.parametrize("raw", ["Plain.\n\nText.", "Caf\u00e9 \u201cok\u201d.\n\nNext", "a\u00a0b", "a\u200bb\n\nc", "x\ry", "tab\there",
                                 "a\x07b", "bad\ud800", "Ã©t\u00e9", "e\u0301\n\nf", "one\ntwo", "  edge \n\n"])
def test_clean_text_fast_path_agrees_with_the_full_cleaning(raw: str) -> None:
    # a printable text skips the per-character checks; its result is what the slow path gives
    slow = clean.clean_text(raw + "\x00")                 # a control character forces every check
    assert clean.clean_text(raw) == slow


def test_word_counts_of_texts_holding_nul() -> None:
    assert clean.word_counts(["a\0b c", "", "We’re here"]).tolist() == [3, 0, 2]


def test_word_count_is_regex_based() -> None:
    assert clean.word_count("“We’re going to let the courts play out,” Noem told reporters.") == 11
    assert clean.word_count("U.S.-Mexico 25% tariff") == 5
    assert clean.word_count("") == 0


def test_parse_dates_never_invents() -> None:
    values = pd.Series(["2020-02-29", "2021-02-30", "", None, "March 3, 2019", "2019-03-03T23:30:00-05:00",
                        "March 2019", "tomorrow-ish", "0001-11-30", "2050-01-01", "3 March 2019"])
    dates, problems = clean.parse_dates(values)
    got = [None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in dates]
    assert got == ["2020-02-29", None, None, None, "2019-03-03", "2019-03-03", None, None, None, None, "2019-03-03"]
    assert dates.dtype == "datetime64[ns]"
    assert problems.isna().tolist() == [True, False, True, True, True, True, False, False, False, False, True]
    assert "impossible" in problems[1] and "incomplete" in problems[6] and "impossible" in problems[9]


def test_stable_id_is_deterministic() -> None:
    assert clean.stable_id("a", "b") == clean.stable_id("a", "b") != clean.stable_id("ab")
    assert len(clean.stable_id("x")) == 16


def test_clean_articles_pure_frame() -> None:
    raw = pd.DataFrame({"title": [" T\u00a0one ", "T2"], "text": ["a  b", "c"], "raw_date": ["2020-01-01", "x"],
                        "origin": ["f:1", "f:2"], "topic": ["trade", "crime"]})
    out, problems = clean.clean_articles(raw)
    assert out.columns[:11].tolist() == clean.ARTICLE_COLUMNS and "topic" in out.columns
    assert out["title"].tolist() == ["T one", "T2"] and out["n_words"].tolist() == [2, 1]
    assert problems.to_dict("records") == [{"origin": "f:2", "reason": "unparseable date 'x'"}]
    assert raw["title"][0] == " T\u00a0one "          # input untouched


def test_titles_are_capped_with_a_warning() -> None:
    raw = pd.DataFrame({"title": ["word " * 1_000_000, "Normal title"], "text": ["Body.", "Body two."],
                        "origin": ["big.jsonl:1", "big.jsonl:2"]})
    df, problems = clean.clean_articles(raw)
    assert len(df["title"][0]) <= clean.MAX_TITLE and df["title"][0].endswith("…") and df["title"][1] == "Normal title"
    assert problems.to_dict("records") == [{"origin": "big.jsonl:1", "reason": f"title of 4999999 characters cut to {clean.MAX_TITLE}"}]


def test_lone_surrogates_are_replaced() -> None:
    assert clean.clean_text("a\ud800 b") == "a\ufffd b" and clean.clean_line(" x\udcff ") == "x\ufffd"


@pytest.mark.parametrize("seen, meant", [
    ("ObamaÃ¢â‚¬â„¢s halt on deportations", "Obama’s halt on deportations"),       # read as cp1252 twice
    ("no progress on Ã¢â‚¬Ëœfiscal cliffÃ¢â‚¬â„¢", "no progress on ‘fiscal cliff’"),
    ("cafÃ© in ZÃ¼rich â€” open", "café in Zürich — open"),                          # read once
    ("Señor García «hola», naïve résumé, €50 — Ã la carte", "Señor García «hola», naïve résumé, €50 — Ã la carte"),
])
def test_mojibake_is_repaired_and_real_accents_stay(seen: str, meant: str) -> None:
    """UTF-8 shown as Windows-1252 (as in some AllSides titles) is decoded back; accented text is untouched."""
    assert clean.clean_line(seen) == meant and clean.clean_text(f"{seen}\n\n{seen}") == f"{meant}\n\n{meant}"
