"""The walk over article files (analysis.corpus.loaders.articles): format sniffing, mappings, bad inputs.

Each input shape has its own file next to this one (test_text, test_html, test_tabular, test_metadata).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.corpus.loaders import articles
from analysis.corpus.loaders.articles import read_articles, sniff_format
from analysis.errors import UsageError


def skip_reasons(skipped: list[dict[str, str]]) -> dict[str, str]:
    """origin file name (and line) -> reason."""
    return {Path(s["origin"]).name: s["reason"] for s in skipped}


def test_unknown_map_column_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "t.jsonl").write_text('{"text": "a b c", "title": "T"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="nosuch"):
        read_articles([tmp_path], mapping={"text": "nosuch"})
    with pytest.raises(UsageError, match="unknown article column"):
        read_articles([tmp_path], mapping={"body": "text"})
    with pytest.raises(UsageError, match="no such file"):
        read_articles([tmp_path / "absent"])


def test_sniffing_by_content() -> None:
    assert sniff_format(Path("a.txt"), b"<!doctype html><html>") == "html"
    assert sniff_format(Path("a.bin"), b"PAR1....") == "parquet"
    assert sniff_format(Path("noext"), b'{"a": 1}\n') == "jsonl"
    assert sniff_format(Path("noext"), b"Headline\n\nBody") == "text"
    assert sniff_format(Path("a.pdf"), b"%PDF-1.4") is None


@pytest.fixture()
def bad_folder(tmp_path: Path) -> Path:
    """A folder with one of every bad-input case next to good files."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (d / "doc.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (d / "cp1252.txt").write_bytes("Caf\u00e9 talks\nWorld\n\nThe minister\u2019s \u201cfinal\u201d offer, r\u00e9sum\u00e9 in hand.\n".encode("cp1252"))
    (d / "bom.txt").write_bytes("\ufeffBOM headline\n\nBody with \u201cquotes\u201d.\n".encode("utf-8"))
    (d / "utf16.txt").write_bytes("UTF-16 headline\n\nBody na\u00efve \u2014 ok.\n".encode("utf-16"))
    good = {"id": "g1", "title": "Good one", "text": "Good text one.", "date": "2024-01-02", "source": "S"}
    lines = [json.dumps(good),
             "{not json",
             json.dumps({"id": "g2", "title": "Bad date", "text": "Text two.", "date": "2023-02-30", "source": "S"}),
             json.dumps({"id": "g3", "title": "Words", "text": "Text three.", "date": "someday soon", "source": "S"}),
             json.dumps({"id": "g4", "source": "S", "date": "2024-01-03"}),                  # no text, no title
             json.dumps({"id": "g5", "title": "Title only", "source": "S"}),                 # kept, warned
             json.dumps({**good, "title": "Same id again", "text": "Different text."}),      # duplicate id
             json.dumps({"id": "g6", "title": "Future", "text": "Text six.", "date": "2090-01-01"}),
             '{"id": "g7", "title": "Trunc", "text": "cut off']
    (d / "records.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (d / "page.html").write_text(
        "<html><head><title>Page title</title><script>var SECRET_SCRIPT = 1;</script>"
        "<meta property='article:published_time' content='2024-03-05'></head><body>"
        "<article><h1>Script page headline</h1><script>document.write('SECRET_SCRIPT')</script>"
        "<p>The council voted on Tuesday to approve the new budget for the coming year after a long debate.</p>"
        "<p>Members said the plan protects schools and transit while keeping taxes flat for residents.</p>"
        "</article><style>.x{color:red}</style></body></html>", encoding="utf-8")
    return d


def test_bad_inputs_reported_good_ones_load(bad_folder: Path) -> None:
    df, skipped = read_articles([bad_folder])
    reasons = skip_reasons(skipped)
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"].startswith("binary file")
    assert reasons["doc.pdf"].startswith("unsupported file type")
    assert reasons["records.jsonl:2"].startswith("invalid JSON")
    assert reasons["records.jsonl:9"].startswith("truncated last line")
    assert reasons["records.jsonl:5"].startswith("missing text")
    assert reasons["records.jsonl:7"].startswith("duplicate id 'g1' in input")
    by_title = df.set_index("title")
    assert by_title.loc["Café talks", "text"] == "The minister’s “final” offer, résumé in hand."
    assert by_title.loc["BOM headline", "text"] == "Body with “quotes”."
    assert by_title.loc["UTF-16 headline", "text"] == "Body naïve — ok."
    assert by_title.loc["Good one", "date"] == pd.Timestamp("2024-01-02")
    for t in ("Bad date", "Words", "Future"):
        assert pd.isna(by_title.loc[t, "date"])
    warned = {Path(w["origin"]).name: w["reason"] for w in df.attrs["warnings"]}
    assert "impossible date" in warned["records.jsonl:3"] and "unparseable date" in warned["records.jsonl:4"]
    assert "impossible date" in warned["records.jsonl:8"] and "title only" in warned["records.jsonl:6"]
    assert "cp1252" in warned["cp1252.txt"]
    page = by_title.loc["Script page headline"] if "Script page headline" in by_title.index else by_title.loc["Page title"]
    assert "SECRET_SCRIPT" not in page["text"] and "color:red" not in page["text"]
    assert "council voted" in page["text"] and page["date"] == pd.Timestamp("2024-03-05")
    assert len(df) == 9 and "SECRET_SCRIPT" not in " ".join(df["text"])


def test_sample_corpus_has_no_site_boilerplate_left() -> None:
    """Newsletter, email and preference prompts of the bundled sample never reach ``text``."""
    df, skipped = read_articles([config.SAMPLE_DIR])
    assert skipped == []
    assert len(df) == 51
    paragraphs = [p.lower() for t in df["text"].dropna() for p in t.split("\n\n")]
    for prompt in ["manage preferences", "enter your email address", "morning briefing in your inbox",
                   "leave a reply", "required fields are marked"]:
        assert not any(prompt in p for p in paragraphs), prompt


# --- one bad item never stops the walk (issue 11, item 7) ----------------------------------------

def _article(path: Path, title: str) -> None:
    """A small scraped-text article."""
    path.write_text(f"{title}\n\nThe body of {title.lower()} is here.\n", encoding="utf-8")


def test_fifo_in_the_input_folder_is_skipped_not_read(tmp_path: Path, python: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _article(src / "a.txt", "Story A")
    os.mkfifo(src / "pipe.txt")
    code = ("import json, sys; from analysis.corpus.loaders.articles import read_articles;"
            "df, sk = read_articles([sys.argv[1]]); print(json.dumps([len(df), sk]))")
    res = subprocess.run([python, "-c", code, str(src)], capture_output=True, text=True, timeout=120,
                         cwd=config.ROOT)          # before the fix this read blocked forever
    assert res.returncode == 0, res.stderr
    n, skipped = json.loads(res.stdout)
    assert n == 1 and skip_reasons(skipped) == {"pipe.txt": "not a regular file (FIFO)"}
    df, skipped = read_articles([src / "pipe.txt"])          # named directly: the same reason
    assert len(df) == 0 and skipped[0]["reason"] == "not a regular file (FIFO)"


def test_file_name_not_utf8_is_one_skipped_item(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    _article(src / "a.txt", "Story A")
    for raw in (b"bad\xff name.txt", b"sub/also\xfe.txt"):
        fd = os.open(os.fsencode(src) + b"/" + raw, os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, b"Title\n\nA body that is fine.\n")
        os.close(fd)
    os.mkdir(os.fsencode(src) + b"/dir\xff")
    df, skipped = read_articles([src])
    assert df["title"].tolist() == ["Story A"]
    reasons = {s["origin"].rsplit("/", 1)[-1]: s["reason"] for s in skipped}
    assert reasons == {"bad\\xff name.txt": "file name is not valid UTF-8", "also\\xfe.txt": "file name is not valid UTF-8",
                       "dir\\xff": "folder name is not valid UTF-8 (its files are not read)"}
    json.dumps(skipped, ensure_ascii=False).encode("utf-8")       # the report can be written


def test_unreadable_folder_is_reported(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading "
                    "(test_walk_errors_are_reported covers the same path by injecting the error)")
    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    _article(src / "a.txt", "Story A")
    _article(src / "locked" / "b.txt", "Story B")
    (src / "locked").chmod(0)
    try:
        df, skipped = read_articles([src])
    finally:
        (src / "locked").chmod(0o755)
    assert df["title"].tolist() == ["Story A"]
    assert skip_reasons(skipped)["locked"].startswith("unreadable folder: PermissionError")


def test_walk_errors_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    _article(src / "a.txt", "Story A")
    _article(src / "locked" / "b.txt", "Story B")
    real = os.scandir

    def scandir(path: str | os.PathLike[str]):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(articles.os, "scandir", scandir)
    df, skipped = read_articles([src])
    assert df["title"].tolist() == ["Story A"]
    assert skip_reasons(skipped) == {"locked": "unreadable folder: PermissionError: Permission denied"}


def test_broken_link_and_socket_are_skipped(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _article(src / "a.txt", "Story A")
    os.symlink(src / "missing.txt", src / "dangling.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(src / "s.sock"))
    try:
        df, skipped = read_articles([src])
    finally:
        sock.close()
    assert len(df) == 1
    assert skip_reasons(skipped) == {"dangling.txt": "broken symbolic link", "s.sock": "not a regular file (socket)"}
