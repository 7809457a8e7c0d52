"""Scraped pages in 14 site layouts (bench/pages.py, fast subset): title, paragraphs and boilerplate checked.

The generator dresses real AllSides articles (read from ../shared at run time, written only under
``tmp_path``) in site layouts, then the text loader (analysis.corpus.loaders.text) reads them with
the site templates it learns (analysis.corpus.templates). The full figures are in bench/results/pages.json.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from analysis import config


def test_generated_layouts_come_out_clean(tmp_path: Path, python: str, allsides_path: Path) -> None:
    out = tmp_path / "pages.json"
    res = subprocess.run([python, str(config.ROOT / "bench" / "pages.py"), "--pages", "4", "--work", str(tmp_path / "w"),
                          "--out", str(out)], capture_output=True, text=True, timeout=600, cwd=config.ROOT)
    assert res.returncode == 0, res.stderr
    r = json.loads(out.read_text(encoding="utf-8"))
    layouts = r["with_templates"]["layouts"]
    assert len(layouts) >= 12 and r["pages"] == 4 * len(layouts)
    overall = r["with_templates"]["overall"]
    assert overall["fully_clean"] >= 0.95 and overall["paragraph_recall"] >= 0.99
    assert overall["title_accuracy"] >= 0.95 and overall["boilerplate_precision"] >= 0.99
    assert all(v["fully_clean"] >= 0.75 for v in layouts.values()), layouts
    assert r["rules_only"]["overall"]["fully_clean"] <= overall["fully_clean"]
    assert sum(n > 0 for n in r["template_lines_per_site"].values()) >= 10     # every site's template is learned
    pages = tmp_path / "w" / "pages"
    raw = [p.read_bytes() for p in pages.rglob("*.txt")]
    assert any(b"\r\n" in b for b in raw) and any(b"\r\n" not in b for b in raw)   # CRLF and LF pages
    with_manifest = {p.parent.name for p in pages.rglob("manifest.csv")}
    assert 0 < len(with_manifest) < len(layouts)                                   # with and without a manifest
    assert "failures" not in out.read_text(encoding="utf-8")                       # no article text in the results
