"""The run's ``index.html``: one self-contained card per report (no scripts, no external loads).

Readers meet each report's title, first chart and lead finding; the run's details (fingerprints,
notebook files, parameters, timings) close the page in an "About this run" box.

    >>> card_title({"cells": [{"cell_type": "markdown", "source": "# Trade coverage\\ntext"}]}, "x")
    'Trade coverage'
"""
from __future__ import annotations

import base64
import io
import json
import logging
import re
from html import escape, unescape
from pathlib import Path
from typing import Any

from PIL import Image

from analysis.report.render import describe_parameters

log = logging.getLogger(__name__)

THUMB_SIZE = (480, 300)
# shown elsewhere on the card (corpus line) or meaningless to a reader; kept in manifest.json
HIDDEN_PARAMS = {"store", "corpus", "store_dir", "out_dir", "output_dir", "figures_dir", "fig_dir"}

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0;
background:#f6f7f9}
header{background:#fff;border-bottom:1px solid #ddd;padding:1rem 2rem}
header h1{margin:0 0 .25rem;font-size:1.4rem}
header p{margin:.15rem 0;color:#555;font-size:.9rem}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1rem;padding:1.5rem 2rem}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;overflow:hidden;display:flex;
flex-direction:column}
.card.failed{border-color:#c0392b}
.card img{width:100%;height:190px;object-fit:contain;background:#fafafa;border-bottom:1px solid #eee}
.card .noimg{height:190px;display:flex;align-items:center;justify-content:center;color:#999;
background:#fafafa;border-bottom:1px solid #eee}
.card .body{padding:.75rem 1rem}
.card h2{font-size:1.05rem;margin:0 0 .35rem}
.card h2 a{color:#0b5cad;text-decoration:none}
.meta{font-size:.82rem;color:#555;margin:.2rem 0}
.status{display:inline-block;font-size:.75rem;padding:0 .4rem;border-radius:3px;background:#e6f4ea;
color:#1e7b34}
.failed .status{background:#fdecea;color:#b3261e}
code{background:#f2f2f2;padding:0 .25em;border-radius:3px;font-size:.8rem}
.error{font-size:.8rem;color:#b3261e;white-space:pre-wrap}
.finding{font-size:.92rem;margin:.2rem 0 .4rem}
footer{padding:0 2rem 2rem;font-size:.85rem;color:#444}
footer summary{cursor:pointer;color:#0b5cad}
footer .scroll{overflow-x:auto}
footer table{border-collapse:collapse;font-size:.8rem}
footer td,footer th{border-bottom:1px solid #e3e3e3;padding:.2rem .5rem;text-align:left;vertical-align:top}
"""


def card_title(nb: dict[str, Any], fallback: str) -> str:
    """The first markdown heading of a notebook, else ``fallback``."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        for line in src.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip() or fallback
    return fallback


_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ATTR = re.compile(r"""\b(alt|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_FINDING = re.compile(r'<p class="pn-(lead|finding)">(.*?)</p>', re.S)


def _html_outputs(nb: dict[str, Any]) -> list[str]:
    """The text/html outputs of a notebook, in order."""
    out = []
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            data = (o.get("data") or {}).get("text/html")
            if data:
                out.append("".join(data) if isinstance(data, list) else data)
    return out


def _charts(nb: dict[str, Any]) -> list[tuple[bytes, str]]:
    """(PNG, alt text) of every chart a notebook shows: image/png outputs and data-URI images in HTML."""
    out = []
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            data = o.get("data") or {}
            if data.get("image/png"):
                png = data["image/png"]
                out.append((base64.b64decode("".join(png) if isinstance(png, list) else png), ""))
                continue
            page = data.get("text/html")
            for tag in _IMG.findall("".join(page) if isinstance(page, list) else (page or "")):
                attrs = {m.group(1).lower(): unescape(m.group(2) if m.group(2) is not None else m.group(3))
                         for m in _ATTR.finditer(tag)}
                if attrs.get("src", "").startswith("data:image/png;base64,"):
                    out.append((base64.b64decode(attrs["src"].split(",", 1)[1]), attrs.get("alt", "")))
    return out


def lead_finding(nb: dict[str, Any]) -> str:
    """The report's opening sentences for the index: its lead line and first finding (plain text).

    >>> lead_finding({"cells": [{"outputs": [{"data": {"text/html": '<p class="pn-lead">Theme: trade.</p>'}},
    ...     {"data": {"text/html": '<p class="pn-finding">Trade was carried by 8% &amp; more.</p>'}}]}]})
    'Theme: trade. Trade was carried by 8% & more.'
    """
    found: dict[str, str] = {}
    for page in _html_outputs(nb):
        for kind, text in _FINDING.findall(page):
            found.setdefault(kind, unescape(re.sub(r"<[^>]+>", "", text)).strip())
    return " ".join(found[k] for k in ("lead", "finding") if k in found)


def thumbnail(png: bytes, size: tuple[int, int] = THUMB_SIZE) -> str:
    """A downscaled PNG as a ``data:`` URI."""
    img = Image.open(io.BytesIO(png))
    img.thumbnail(size)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _executed(run_dir: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """The executed notebook of a manifest entry, parsed ({} if it cannot be read)."""
    try:
        return json.loads((run_dir / entry["ipynb"]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _card(run_dir: Path, entry: dict[str, Any], nb: dict[str, Any], shown_charts: list[tuple[bytes, str]]) -> str:
    """HTML of one report card: thumbnail, title, lead finding, corpus line (and the error of a failed report).

    ``nb`` is the entry's executed notebook and ``shown_charts`` its :func:`_charts`.
    """
    title = card_title(nb, entry["label"])
    stem = Path(entry["notebook"]).stem
    if entry["key"] != stem and entry["key"].startswith(stem + "-"):
        title += f": {entry['key'][len(stem) + 1:].replace('_', ' ')}"  # e.g. "Theme report: trade"
    charts = shown_charts[:1] or [  # the first chart shown, else the first PNG saved
        ((run_dir / f).read_bytes(), "") for f in entry.get("figures", [])[:50] if f.endswith(".png")]
    img = '<div class="noimg">no chart</div>'
    if charts:
        try:
            alt = charts[0][1] or f"First chart of the report {title}"
            img = f'<img alt="{escape(alt)}" src="{thumbnail(charts[0][0])}">'
        except Exception as exc:  # noqa: BLE001 - an unreadable image only loses its thumbnail
            log.warning("thumbnail of %s failed: %s", entry["key"], exc)
    title = escape(title)
    link = f'<a href="{escape(entry["html"])}">{title}</a>' if entry.get("html") else title
    lead = lead_finding(nb)
    lead = f'<p class="finding">{escape(lead)}</p>' if lead else ""
    c = entry.get("corpus") or {}
    corpus = (f'{c.get("n_articles", "?"):,} articles, {c.get("start") or "?"} to '
              f'{c.get("end") or "?"}' if c else "corpus unknown")
    shown = " &middot; ".join(escape(x) for x in describe_parameters(
        {k: v for k, v in entry.get("parameters", {}).items() if k not in HIDDEN_PARAMS | {"store_version"}}))
    err = ""
    if entry.get("status") != "ok":
        e = entry.get("error") or {}
        cell = e.get("template_cell_index", e.get("cell_index"))
        where = f"cell {cell}" if cell is not None else ""
        err = (f'<p class="error">This report could not be completed ({escape(str(entry.get("status")))}): '
               f'{escape(where)} {escape(str(e.get("ename", "")))}: {escape(str(e.get("evalue", ""))[:300])}'
               f'{escape("; ".join(entry.get("html_problems") or []))}</p>')
    cls = "card" if entry.get("status") == "ok" else "card failed"
    return (f'<section class="{cls}">{img}<div class="body"><h2>{link}</h2>{lead}'
            f'<p class="meta">{escape(corpus)}{" &middot; " + shown if shown else ""}</p>{err}</div></section>')


def _run_row(entry: dict[str, Any], nb_charts: int) -> str:
    """One row of the "About this run" table: the notebook, its parameters, time, charts and files."""
    params = " ".join(f"<code>{escape(str(k))}={escape(str(v))}</code>"
                      for k, v in entry.get("parameters", {}).items() if k not in HIDDEN_PARAMS) or "defaults"
    saved = sum(f.endswith(".png") for f in entry.get("figures", []))
    return (f'<tr><td>{escape(entry["key"])}</td><td>{escape(str(entry.get("status")))}</td>'
            f'<td>{escape(entry["notebook"])}</td><td>{params}</td><td>{entry.get("duration_s") or 0:.1f} s</td>'
            f'<td>{nb_charts} shown, {saved} saved</td>'
            f'<td><a href="{escape(entry["ipynb"])}">executed notebook</a></td></tr>')


def write_index(run_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write ``run_dir/index.html`` from the run's manifest and return its path.

    Readers meet the reports first (title, first chart, lead finding, corpus); the run's
    fingerprints, notebook files and timings close the page in an "About this run" box.
    """
    c = manifest.get("corpus", {})
    entries = manifest.get("notebooks", [])
    card_html: list[str] = []
    rows: list[str] = []
    for e in entries:  # each executed notebook parsed once, and one at a time
        nb = _executed(run_dir, e)
        shown = _charts(nb)
        card_html.append(_card(run_dir, e, nb, shown))
        rows.append(_run_row(e, len(shown)))
    cards = "\n".join(card_html)
    n_ok = sum(e.get("status") == "ok" for e in entries)
    n_outlets = len(c.get("sources") or [])
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Policy news reports</title>
<style>{_CSS}</style></head>
<body><header><h1>Policy news reports</h1>
<p>{len(entries)} report{"s" if len(entries) != 1 else ""} on {c.get("n_articles", 0):,} articles
from {n_outlets:,} outlet{"s" if n_outlets != 1 else ""}, {c.get("start") or "?"} to {c.get("end") or "?"}
&middot; {n_ok} of {len(entries)} reports ok. Each report opens with its main finding; click a title to read it.</p>
</header>
<main>
{cards}
</main>
<footer><details class="about"><summary>About this run</summary>
<p>Run <code>{escape(manifest.get("run_id", ""))}</code> &middot; {escape(str(manifest.get("status")))}
&middot; {manifest.get("duration_s") or 0:.1f} s &middot; started {escape(str(manifest.get("started_utc", "")))}</p>
<p>Corpus fingerprint <code>{escape(str(c.get("fingerprint", "")))}</code>
&middot; store version <code>{escape(str(c.get("version", "")))}</code>
&middot; lexicon version <code>{escape(str(manifest.get("lexicon_fingerprint", "")))}</code>
&middot; <a href="manifest.json">manifest.json</a></p>
<div class="scroll"><table><thead><tr><th>report</th><th>status</th><th>notebook</th><th>parameters</th>
<th>time</th><th>charts</th><th>files</th></tr></thead><tbody>
{"".join(rows)}
</tbody></table></div>
<p>How each number is computed is explained in the "About this report" section at the end of each
report. Every chart is saved as PNG and SVG with a CSV file of its numbers in the report's folder.</p>
</details></footer></body></html>
"""
    path = run_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
