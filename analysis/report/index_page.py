"""The run's ``index.html``: one self-contained card per report (no scripts, no external loads).

    >>> card_title({"cells": [{"cell_type": "markdown", "source": "# Trade coverage\\ntext"}]}, "x")
    'Trade coverage'
"""
from __future__ import annotations

import base64
import io
import json
import logging
from html import escape
from pathlib import Path
from typing import Any

from PIL import Image

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


def _png_outputs(nb: dict[str, Any]) -> list[bytes]:
    """PNG images displayed in a notebook's outputs."""
    out = []
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            data = (o.get("data") or {}).get("image/png")
            if data:
                out.append(base64.b64decode("".join(data) if isinstance(data, list) else data))
    return out


def thumbnail(png: bytes, size: tuple[int, int] = THUMB_SIZE) -> str:
    """A downscaled PNG as a ``data:`` URI."""
    img = Image.open(io.BytesIO(png))
    img.thumbnail(size)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _card(run_dir: Path, entry: dict[str, Any]) -> str:
    """HTML of one report card."""
    nb: dict[str, Any] = {}
    try:
        nb = json.loads((run_dir / entry["ipynb"]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    pngs = _png_outputs(nb)[:1] or [  # the first chart shown, else the first PNG saved
        (run_dir / f).read_bytes() for f in entry.get("figures", [])[:50] if f.endswith(".png")]
    img = '<div class="noimg">no figure</div>'
    if pngs:
        try:
            img = f'<img alt="first figure" src="{thumbnail(pngs[0])}">'
        except Exception as exc:  # noqa: BLE001 - an unreadable image only loses its thumbnail
            log.warning("thumbnail of %s failed: %s", entry["key"], exc)
    title = card_title(nb, entry["label"])
    stem = Path(entry["notebook"]).stem
    if entry["key"] != stem and entry["key"].startswith(stem + "-"):
        title += f": {entry['key'][len(stem) + 1:]}"  # e.g. "Theme report: trade"
    title = escape(title)
    shown = len(_png_outputs(nb))
    saved = sum(f.endswith(".png") for f in entry.get("figures", []))
    link = f'<a href="{escape(entry["html"])}">{title}</a>' if entry.get("html") else title
    params = " ".join(f"<code>{escape(str(k))}={escape(str(v))}</code>"
                      for k, v in entry.get("parameters", {}).items() if k not in HIDDEN_PARAMS)
    params = params or "defaults"
    c = entry.get("corpus") or {}
    corpus = (f'{c.get("n_articles", "?"):,} articles, {c.get("start") or "?"} to '
              f'{c.get("end") or "?"}' if c else "corpus unknown")
    err = ""
    if entry.get("status") != "ok":
        e = entry.get("error") or {}
        cell = e.get("template_cell_index", e.get("cell_index"))
        where = f"cell {cell}" if cell is not None else ""
        err = (f'<p class="error">{escape(where)} {escape(str(e.get("ename", "")))}: '
               f'{escape(str(e.get("evalue", ""))[:300])}'
               f'{escape("; ".join(entry.get("html_problems") or []))}</p>')
    cls = "card" if entry.get("status") == "ok" else "card failed"
    return (f'<section class="{cls}">{img}<div class="body"><h2>{link}</h2>'
            f'<p class="meta"><span class="status">{escape(str(entry.get("status")))}</span> '
            f'{escape(entry["notebook"])} &middot; {entry.get("duration_s") or 0:.1f} s '
            f'&middot; {shown} charts shown, {saved} saved</p>'
            f'<p class="meta">Parameters: {params}</p><p class="meta">Corpus: {escape(corpus)}</p>'
            f'<p class="meta"><a href="{escape(entry["ipynb"])}">executed notebook</a></p>'
            f'{err}</div></section>')


def write_index(run_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write ``run_dir/index.html`` from the run's manifest and return its path."""
    c = manifest.get("corpus", {})
    cards = "\n".join(_card(run_dir, e) for e in manifest.get("notebooks", []))
    n_ok = sum(e.get("status") == "ok" for e in manifest.get("notebooks", []))
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Policy news reports &middot; {escape(manifest.get("run_id", ""))}</title>
<style>{_CSS}</style></head>
<body><header><h1>Policy news reports</h1>
<p>Run <code>{escape(manifest.get("run_id", ""))}</code> &middot; {escape(str(manifest.get("status")))}
&middot; {n_ok} of {len(manifest.get("notebooks", []))} reports ok
&middot; {manifest.get("duration_s") or 0:.1f} s &middot; started {escape(str(manifest.get("started_utc", "")))}</p>
<p>Corpus: {c.get("n_articles", 0):,} articles ({c.get("start") or "?"} to {c.get("end") or "?"},
{len(c.get("sources") or [])} outlets) &middot; fingerprint <code>{escape(str(c.get("fingerprint", "")))}</code>
&middot; lexicons <code>{escape(str(manifest.get("lexicon_fingerprint", "")))}</code>
&middot; <a href="manifest.json">manifest.json</a></p></header>
<main>
{cards}
</main></body></html>
"""
    path = run_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
