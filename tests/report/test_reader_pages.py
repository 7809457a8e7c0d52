"""Reader pages carry no developer text: the visible text of the index and of every report page of a
real run (on a slice of the shared AllSides corpus) has no Python reprs, no dotted function names,
no snake_case identifiers and no numbers in e+/e- notation; every section shows its finding,
then its chart (with alt text), then its table folded in a details box.

The run is shared with tests/report/test_browser.py (the ``allsides_run`` fixture in conftest.py).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPR = [
    (re.compile(r"""\{\s*['"][^'"]*['"]\s*:"""), "dict repr"),
    (re.compile(r"""\[\s*(?:['"]|\]|Timestamp)|\[\d+(?:\.\d+)?,\s*\d"""), "list repr"),
    (re.compile(r"\b(?:Timestamp|DataFrame|Series|Index|array|dtype|NaT)\b|<NA>|\bdtype:"), "pandas/numpy repr"),
    (re.compile(r"(?<![A-Za-z])(?:None|nan|NaN)(?=\s*[,;:)\]}]|\s*$)|[=(\[{,:]\s*(?:None|nan|NaN)\b"), "None/nan"),
    (re.compile(r"\b[A-Za-z_]\w*\.[a-z_]\w*\("), "dotted call"),
    (re.compile(r"\banalysis\.[a-z_]"), "package name"),
    (re.compile(r"\b[a-z_]\w*\(\)"), "function call"),
    (re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"), "snake_case identifier"),
    (re.compile(r"\b\d+(?:\.\d+)?[eE][+-]\d+\b"), "scientific notation"),
    (re.compile(r"(?:^|\s)(?:/[\w.-]+){2,}"), "file path"),
]


class _Text(HTMLParser):
    """Visible text of a page: text nodes outside <style>/<script>/<head>, one line per cell/paragraph;
    the alt texts of images are collected separately."""

    SKIP = {"style", "script", "head", "title"}
    BREAK = {"p", "td", "th", "li", "h1", "h2", "h3", "h4", "summary", "caption", "div", "br", "tr", "figure"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.alts: list[str] = []
        self.imgs = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter a tag; count images and their alt texts."""
        if tag in self.SKIP:
            self._skip += 1
        if tag in self.BREAK:
            self.parts.append("\n")
        if tag == "img":
            self.imgs += 1
            alt = dict(attrs).get("alt")
            if alt:
                self.alts.append(alt)

    def handle_endtag(self, tag: str) -> None:
        """Leave a tag."""
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in self.BREAK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        """Keep visible text."""
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> tuple[str, list[str], int]:
    """(visible text with tags stripped, image alt texts, number of images) of an HTML page."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts), parser.alts, parser.imgs


def developer_text(text: str) -> list[str]:
    """Every line of ``text`` that reads like code, a repr or a path, with the reason."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line in ("None", "nan", "NaN", "NaT"):
            found.append(f"None/nan: {line}")
            continue
        for pattern, why in REPR:
            m = pattern.search(line)
            if m:
                found.append(f"{why}: {m.group(0)!r} in {line[:160]!r}")
    return found


def test_developer_text_is_caught() -> None:
    """The checks see what the issue saw on the old pages (so a clean page means something)."""
    bad = ["{'Washington Times': 144, 'NPR': 3}", "Computed by `aggregate.count_articles` (a count)",
           "n_articles_with_theme", "6.94e-18", "3.7e+11", "1e+04 troops", "use_aggregates",
           "analysis.aggregate_source", "Timestamp('2024-01-01 00:00:00')", "None", "out_dir",
           "['trade', 'migration']", "see data/processed/ingest_report.json"]
    for line in bad:
        assert developer_text(line), line
    good = ["Trade was carried by 8% of articles in 2018, up from 4% in 2016.", "None of the senators agreed.",
            "12,345 articles, 6 outlets, 2012-06-01 to 2013-03-31", "Amount as written", "e-mail", "3.5 e"]
    for line in good:
        assert not developer_text(line), (line, developer_text(line))


def _pages(run_dir: Path) -> list[Path]:
    """The index and every report page of a run."""
    return [run_dir / "index.html", *sorted(p for p in run_dir.glob("*/*.html"))]


def reader_part(page: Path) -> str:
    """The HTML a reader reads: the index without its closing "About this run" box (fingerprints and
    notebook files belong there), a report page whole."""
    html = page.read_text(encoding="utf-8")
    return re.sub(r"<footer>.*?</footer>", "", html, flags=re.S) if page.name == "index.html" else html


@pytest.mark.slow
def test_reader_pages_have_no_developer_text(allsides_run: Path) -> None:
    """No reprs, function names, identifiers, paths or e-notation in any page's visible text."""
    pages = _pages(allsides_run)
    assert len(pages) >= 5
    problems = {page.name: developer_text(visible_text(reader_part(page))[0])[:8] for page in pages}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, problems
    for page in pages:   # the bundled fictional sample never appears in a report over another store
        assert "sample article" not in page.read_text(encoding="utf-8"), page.name


@pytest.mark.slow
def test_sections_read_finding_chart_table(allsides_run: Path) -> None:
    """Each report page: findings, every image with alt text naming it, tables only folded in a details
    box after their chart, and one "About this report" section in the second half of the page."""
    for page in _pages(allsides_run)[1:]:
        html = page.read_text(encoding="utf-8")
        text, alts, imgs = visible_text(html)
        assert imgs and len(alts) == imgs, f"{page.name}: {imgs} images, {len(alts)} alt texts"
        assert all(a.startswith("Chart: ") and len(a) > 12 for a in alts), alts
        assert html.count('class="pn-finding"') >= 2, page.name
        heads = [m.start() for m in re.finditer(r"<h2[^>]*>About this report", html)]
        assert len(heads) == 1 and heads[0] > len(html) // 2, page.name
        for block in html.split('<p class="pn-finding">')[1:]:
            block = block.split("</details>")[0]
            if "<img" in block and "<table" in block:   # a table never comes before its chart
                assert block.index("<img") < block.index("<details") < block.index("<table"), page.name
        outside = re.sub(r"<details.*?</details>", "", html, flags=re.S)
        assert "<table" not in outside, f"{page.name}: a table outside a details box"
        assert not re.search(r"\d\.\d+e[+-]\d", text), page.name


def test_index_card_leads_with_the_finding(allsides_run: Path) -> None:
    """The index shows each report's lead finding before the run's technical details."""
    html = (allsides_run / "index.html").read_text(encoding="utf-8")
    assert html.count('class="finding"') >= 4
    assert html.index('class="finding"') < html.index("About this run") < html.index(".ipynb")
