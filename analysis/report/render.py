"""Render executed notebooks to self-contained, script-free HTML and check that they are.

The template ``analysis/report/templates/report`` extends nbconvert's ``lab`` template without
require.js, MathJax, mermaid or widget scripts; outputs are sanitized (no ``<script>``,
no ``on*`` handlers, no ``javascript:`` links) and every image is a data URI::

    >>> check_html('<p>ok</p><img src="data:image/png;base64,AA==">')
    []
    >>> check_html('<script src="https://cdn.example/x.js"></script>')[0]
    'script element: https://cdn.example/x.js'
"""
from __future__ import annotations

import copy
import logging
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import lxml.html
from lxml_html_clean import Cleaner

from analysis import config

log = logging.getLogger(__name__)

TEMPLATE = "report"
_DROP_MIMES = ("application/javascript", "text/javascript",
               "application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json")
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_CSS_URL = re.compile(r"""url\(\s*['"]?\s*(?!data:)([^'")\s]+)|@import\s+['"]?([^'";\s]+)""", re.I)
# tags whose src/href loads something into the page (an <a href> is a link, not a load)
_LOADING = {"script": "src", "link": "href", "img": "src", "iframe": "src", "embed": "src",
            "object": "data", "source": "src", "audio": "src", "video": "src", "track": "src",
            "input": "src", "frame": "src", "image": "href", "use": "href"}


def _cleaner():
    """An lxml Cleaner that removes scripts and event handlers but keeps tables and styles."""
    return Cleaner(scripts=True, javascript=True, comments=False, style=False,
                   inline_style=False, links=False, meta=True, page_structure=False,
                   processing_instructions=True, embedded=True, frames=True, forms=False,
                   annoying_tags=False, remove_unknown_tags=False, safe_attrs_only=False)


def clean_fragment(html: str) -> str:
    """Remove scripts, ``on*`` attributes and ``javascript:`` URLs from an HTML fragment.

    >>> clean_fragment('<b onclick="x()">hi</b><script>alert(1)</script>')
    '<b>hi</b>'
    """
    if not html.strip():
        return html
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    cleaned = _cleaner().clean_html(wrapper)
    inner = (cleaned.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in cleaned)
    return inner


def sanitize_notebook(nb: Any) -> Any:
    """Return a copy of ``nb`` whose outputs cannot run code in a browser."""
    # deferred on purpose: nbconvert takes ~1 s to import and only the worker processes render
    from nbconvert.filters import markdown2html

    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data:
                continue
            for mime in _DROP_MIMES:
                data.pop(mime, None)
            if "text/markdown" in data:
                md = data.pop("text/markdown")
                data["text/html"] = markdown2html("".join(md) if isinstance(md, list) else md)
            if "text/html" in data:
                html = data["text/html"]
                data["text/html"] = clean_fragment("".join(html) if isinstance(html, list) else html)
            if "image/svg+xml" in data:
                svg = data["image/svg+xml"]
                svg = "".join(svg) if isinstance(svg, list) else svg
                data["image/svg+xml"] = re.sub(r"<script\b.*?</script\s*>", "", svg, flags=re.I | re.S)
            if not data:
                out["data"] = {"text/plain": ""}
    return nb


FREQ_WORDS: dict[str, str] = {"D": "day", "W": "week", "MS": "month", "M": "month", "QS": "quarter", "Q": "quarter",
                              "YS": "year", "Y": "year", "AS": "year"}
PARAM_WORDS: dict[str, str] = {
    "theme": "Theme", "query": "Query", "start": "From", "end": "To", "outlets": "Outlets",
    "exclude_duplicates": "Duplicates", "store_version": "Store version", "freq": "Period length",
    "mix_freq": "Period length of the theme mix", "top": "Rows in ranked lists", "lexicons": "Own theme files",
    "model": "Trained model", "use_aggregates": "Counted on a cluster", "group_by": "Groups by",
    "groups": "Groups", "max_groups": "Groups compared at most", "article_id": "Article id",
    "path": "Article file"}


_NOT_FOR_READERS = {"store", "corpus", "store_dir", "out_dir", "output_dir", "figures_dir", "fig_dir"}


def describe_parameters(params: dict[str, Any]) -> list[str]:
    """A run's parameters as reader lines ("Theme: security crime", "Duplicates: left out"), no code names.

    >>> describe_parameters({"theme": "security_crime", "exclude_duplicates": True, "freq": "MS", "outlets": ["A", "B"]})
    ['Theme: security crime', 'Duplicates: left out', 'Period length: month', 'Outlets: A, B']
    """
    lines = []
    for name, value in params.items():
        if value in ("", None, [], ()) or name in _NOT_FOR_READERS:
            continue
        what = PARAM_WORDS.get(name, str(name).replace("_", " ").capitalize())
        if name == "exclude_duplicates":
            text = "left out" if value else "kept"
        elif name in ("path", "lexicons", "model"):
            text = "given"
        elif isinstance(value, bool):
            text = "yes" if value else "no"
        elif name in ("freq", "mix_freq"):
            text = FREQ_WORDS.get(str(value), str(value))
        elif isinstance(value, (list, tuple)):
            text = ", ".join(str(v).replace("_", " ") for v in value)
        else:
            text = str(value) if name in ("query", "article_id") else str(value).replace("_", " ")
        lines.append(f"{what}: {text}")
    return lines


def reader_outputs(nb: Any) -> Any:
    """Drop what only a developer reads from a page without code: warnings and logs written to stderr."""
    for cell in nb.cells:
        if cell.get("outputs"):
            cell["outputs"] = [o for o in cell["outputs"]
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return nb


def render_notebook(ipynb: Path, html_path: Path, show_code: bool = False,
                    run_info: dict[str, Any] | None = None) -> list[str]:
    """Render one executed notebook to ``html_path``; return problems found by :func:`check_html`."""
    # deferred on purpose: nbformat and nbconvert take ~1 s to import; only the workers render
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(ipynb), as_version=4)
    nb = sanitize_notebook(nb)
    if not show_code:
        nb = reader_outputs(nb)
    if run_info:
        nb.metadata["policy_news"] = {**run_info, "about": describe_parameters(run_info.get("parameters") or {})}
    exporter = HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(config.TEMPLATES_DIR)],
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=True,
        embed_images=True,
        sanitize_html=False,  # bleach would escape <thead>/<th>: we clean outputs with lxml instead
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {
        "name": ipynb.stem, "path": str(ipynb.parent)}})
    problems = check_html(body)
    html_path.write_text(body, encoding="utf-8")
    return problems


class _Audit(HTMLParser):
    """Collect script elements, event handlers and external loads from an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Check one start tag."""
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script":
            self.problems.append(f"script element: {a.get('src') or 'inline'}")
        if tag == "style":
            self._in_style = True
        for name, value in a.items():
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if value.strip().lower().startswith(("javascript:", "vbscript:")):
                self.problems.append(f"{name}=javascript: on <{tag}>")
            if name == "style":
                self._css(value, tag)
        attr = _LOADING.get(tag)
        if attr and _EXTERNAL.match(a.get(attr, "") or a.get("xlink:href", "")):
            self.problems.append(f"external {tag} {attr}: {a.get(attr) or a.get('xlink:href')}")
        if tag in ("img", "source") and "srcset" in a and "//" in a["srcset"]:
            self.problems.append(f"external {tag} srcset: {a['srcset']}")

    def handle_endtag(self, tag: str) -> None:
        """Leave a style element."""
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        """Check CSS inside style elements for external fonts, imports and images."""
        if self._in_style:
            self._css(data, "style")

    def _css(self, css: str, where: str) -> None:
        """Flag ``url(...)``/``@import`` pointing outside the page."""
        for m in _CSS_URL.finditer(css):
            target = m.group(1) or m.group(2) or ""
            if _EXTERNAL.match(target) or target.lower().startswith(("http:", "https:")):
                self.problems.append(f"external CSS load in {where}: {target}")


def check_html(html: str) -> list[str]:
    """List what would make a page unsafe or not self-contained (empty list = fine)."""
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return list(dict.fromkeys(audit.problems))
