"""The run's ``index.html`` (analysis.report.index_page): one self-contained card per report, no scripts.

Built for a fake run folder (executed notebooks written by hand, one with a chart, one failed); the
index of a real run is checked in tests/report/test_run.py and opened in a browser by test_browser.py.
"""
from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import nbformat
from PIL import Image

from analysis.report.index_page import THUMB_SIZE, card_title, thumbnail, write_index
from analysis.report.render import check_html

EVIL = "<script>alert(1)</script>"


def _png(size: tuple[int, int] = (900, 600)) -> bytes:
    """A real PNG image."""
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buf, format="PNG")
    return buf.getvalue()


def _executed(path: Path, heading: str, png: bytes | None = None) -> None:
    """Write an executed notebook with a heading and, optionally, one displayed chart."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("plt.show()")
    if png:
        code.outputs = [nbformat.v4.new_output("display_data",
                                               data={"image/png": base64.b64encode(png).decode("ascii")})]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {heading}\nSome text."), code]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def _entry(key: str, notebook: str, **extra) -> dict:
    """A manifest entry as analysis.report.run writes it."""
    return {"key": key, "label": key, "notebook": notebook, "ipynb": f"{key}/{key}.ipynb",
            "html": f"{key}/{key}.html", "figures": [], "status": "ok", "duration_s": 2.5,
            "corpus": {"n_articles": 1234, "start": "2024-01-01", "end": "2024-06-30"}, **extra}


def test_one_card_per_report_and_nothing_external(tmp_path: Path) -> None:
    run = tmp_path / "20260102T030405Z-01234567"
    _executed(run / "01-corpus-overview" / "01-corpus-overview.ipynb", "Corpus overview", _png())
    _executed(run / "02-theme-report-trade" / "02-theme-report-trade.ipynb", f"Theme report {EVIL}")
    (run / "04-compare").mkdir(parents=True)
    (run / "04-compare" / "by_outlet.png").write_bytes(_png((300, 200)))
    entries = [
        _entry("01-corpus-overview", "01-corpus-overview.ipynb", parameters={"store": "/data", "start": "2024-01-01"}),
        _entry("02-theme-report-trade", "02-theme-report.ipynb", parameters={"theme": "trade"}, status="failed",
               html=None, error={"template_cell_index": 4, "ename": "ValueError", "evalue": "asked to fail"}),
        _entry("04-compare", "04-compare.ipynb", figures=["04-compare/by_outlet.png"]),
    ]
    manifest = {"run_id": run.name, "status": "failed", "duration_s": 12.0, "started_utc": "2026-01-02T03:04:05+00:00",
                "corpus": {"n_articles": 1234, "start": "2024-01-01", "end": "2024-06-30", "sources": ["A", "B"],
                           "fingerprint": "abc123"}, "lexicon_fingerprint": "def456", "notebooks": entries}
    path = write_index(run, manifest)
    assert path == run / "index.html"
    html = path.read_text(encoding="utf-8")
    assert len(re.findall(r'<section class="card( failed)?">', html)) == 3 and html.count('class="card failed"') == 1
    assert check_html(html) == [] and "<script" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert html.count("data:image/png;base64,") == 2 and "no chart" in html    # shown chart, saved PNG, none
    assert "Theme report &lt;script&gt;alert(1)&lt;/script&gt;: trade" in html
    assert "cell 4 ValueError: asked to fail" in html and "2 of 3 reports ok" in html
    assert '<a href="01-corpus-overview/01-corpus-overview.html">Corpus overview</a>' in html
    assert "1,234 articles, 2024-01-01 to 2024-06-30" in html
    cards, about = html.split("About this run", 1)     # readers first; the run's internals last
    assert "From: 2024-01-01" in cards and "<code>" not in cards and ".ipynb" not in cards
    assert "abc123" not in cards and "def456" not in cards and "store=" not in html
    assert "abc123" in about and "def456" in about and "<code>start=2024-01-01</code>" in about
    assert about.count("executed notebook") == 3 and "01-corpus-overview.ipynb" in about


def test_card_leads_with_the_report_finding_and_alt_text(tmp_path: Path) -> None:
    """A report that shows reader sections: its lead and first finding on the card, the chart's alt text kept."""
    run = tmp_path / "run"
    nb = nbformat.v4.new_notebook()
    img = base64.b64encode(_png()).decode("ascii")
    code = nbformat.v4.new_code_cell("show_section(...)")
    code.outputs = [nbformat.v4.new_output("display_data", data={"text/html": '<p class="pn-lead">Theme: trade.</p>'}),
                    nbformat.v4.new_output("display_data", data={"text/html": (
                        '<p class="pn-finding">Trade was carried by 8% of articles in 2018 &amp; more.</p>'
                        f'<figure class="pn-chart"><img alt="Chart: Attention to trade." src="data:image/png;base64,{img}">'
                        "</figure>")})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Theme report"), code]
    (run / "02-theme-report-trade").mkdir(parents=True)
    nbformat.write(nb, str(run / "02-theme-report-trade" / "02-theme-report-trade.ipynb"))
    html = write_index(run, {"run_id": "r", "notebooks": [_entry("02-theme-report-trade", "02-theme-report.ipynb")]}
                       ).read_text(encoding="utf-8")
    assert "Theme: trade. Trade was carried by 8% of articles in 2018 &amp; more." in html
    assert 'alt="Chart: Attention to trade."' in html and "1 shown, 0 saved" in html


def test_card_title_and_thumbnail() -> None:
    nb = {"cells": [{"cell_type": "code", "source": "# a comment"},
                    {"cell_type": "markdown", "source": ["Intro\n", "## Trade coverage\n"]}]}
    assert card_title(nb, "fallback") == "Trade coverage" and card_title({"cells": []}, "fallback") == "fallback"
    uri = thumbnail(_png((1200, 400)))
    assert uri.startswith("data:image/png;base64,")
    img = Image.open(io.BytesIO(base64.b64decode(uri.removeprefix("data:image/png;base64,"))))
    assert img.width == THUMB_SIZE[0] and img.height == 160                     # aspect ratio kept
