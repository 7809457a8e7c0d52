"""The README and docs/ describe the code as it is: commands, options, notebooks, links, module paths.

In the style of sqlite-utils' ``tests/test_docs.py``: the lists come from the code (the command
modules and their argparse parsers, the notebooks folder, the package's modules), and each item
must be found in the Markdown. Read-only and offline.
"""
from __future__ import annotations

import argparse
import ast
import importlib
import json
import pkgutil
import re
from functools import cache
from pathlib import Path

import pytest

import analysis.commands
from analysis import config

ROOT = config.ROOT
README = ROOT / "README.md"
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
README_MAX_LINES = 340

_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_DOTTED = re.compile(r"(?<![\w./-])analysis(?:\.[A-Za-z_]\w*)+")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _markdown_files() -> list[Path]:
    """README.md and every docs/*.md."""
    return [README, *sorted(DOCS.glob("*.md"))]


@cache
def _text(path: Path) -> str:
    """The text of one Markdown file."""
    return path.read_text(encoding="utf-8")


def _headings(path: Path) -> list[tuple[int, int, str]]:
    """``(line index, level, title)`` of every heading outside code blocks."""
    out, fenced = [], False
    for i, line in enumerate(_text(path).splitlines()):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (m := _HEADING.match(line)):
            out.append((i, len(m.group(1)), m.group(2)))
    return out


def _section(path: Path, title_matches) -> str:
    """Text of every section (heading to the next heading of the same or a higher level) whose title matches."""
    lines, heads, parts = _text(path).splitlines(), _headings(path), []
    for k, (i, level, title) in enumerate(heads):
        if title_matches(title.replace("`", "")):
            end = next((j for j, lv, _ in heads[k + 1:] if lv <= level), len(lines))
            parts.append("\n".join(lines[i:end]))
    return "\n".join(parts)


def _slug(title: str) -> str:
    """GitHub's anchor for a heading title."""
    title = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title).strip().lower()
    return re.sub(r"[^\w\- ]", "", title).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file, with GitHub's -1, -2 suffixes for repeats."""
    seen: dict[str, int] = {}
    out = set()
    for _, _, title in _headings(path):
        slug = _slug(title)
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


# --- (a) every CLI command and every option is documented -------------------------------------

def _command_names() -> list[str]:
    """The command modules in analysis/commands/ (what ``python -m analysis --help`` lists)."""
    modules = pkgutil.iter_modules(analysis.commands.__path__)
    return sorted(m.name for m in modules if not m.name.startswith("_"))


def _command_parser(name: str) -> argparse.ArgumentParser:
    """The parser the command module builds with ``add_arguments(parser)``."""
    module = importlib.import_module(f"analysis.commands.{name}")
    parser = argparse.ArgumentParser(prog=f"python -m analysis {name}")
    module.add_arguments(parser)
    return parser


def _option_strings(parser: argparse.ArgumentParser) -> list[str]:
    """Every option string of a parser except -h/--help."""
    return [s for a in parser._actions if not isinstance(a, argparse._HelpAction) for s in a.option_strings]


def _command_docs(name: str) -> str:
    """What the docs say about one command: its sections and every line naming ``python -m analysis NAME``."""
    invocation = re.compile(rf"python -m analysis (?:-v |--verbose )?{re.escape(name)}(?![\w-])")
    parts = []
    for path in _markdown_files():
        parts.append(_section(path, lambda t: t.strip() == name or bool(invocation.search(t))))
        lines = _text(path).splitlines()
        for i, line in enumerate(lines):
            if invocation.search(line):
                j = i
                while lines[j].rstrip().endswith("\\") and j + 1 < len(lines):  # shell continuation lines
                    j += 1
                parts.append("\n".join(lines[i:j + 1]))
    return "\n".join(parts)


def _mentions(text: str, option: str) -> bool:
    """True when ``option`` occurs in ``text`` as a whole token (``--store`` is not ``--store-x``)."""
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


def test_commands_match_the_cli() -> None:
    from analysis.__main__ import COMMANDS

    assert sorted(COMMANDS) == _command_names(), "analysis/commands/ and COMMANDS in analysis/__main__.py differ"


@pytest.mark.parametrize("name", _command_names())
def test_command_is_documented(name: str) -> None:
    text = _command_docs(name)
    assert text, f"command {name!r}: no heading or `python -m analysis {name}` line in README.md or docs/*.md"


@pytest.mark.parametrize("name", _command_names())
def test_command_options_are_documented(name: str) -> None:
    text = _command_docs(name)
    missing = [o for o in _option_strings(_command_parser(name)) if not _mentions(text, o)]
    assert not missing, (f"options of `python -m analysis {name}` not documented in its section "
                         f"(or on a `python -m analysis {name}` line) of README.md/docs/*.md: {missing}")


def test_global_options_are_documented() -> None:
    from analysis.__main__ import build_parser

    parser = build_parser()
    text = "\n".join(_text(p) for p in _markdown_files())
    missing = [o for o in _option_strings(parser) if not _mentions(text, o)]
    assert not missing, f"options of `python -m analysis` not documented: {missing}"


# --- (b) every notebook is in the README's notebook index ---------------------------------------

def _notebook_index() -> str:
    text = _section(README, lambda t: "notebook index" in t.lower())
    assert text, "README.md has no 'Notebook index' section"
    return text


def _notebook_parameters(path: Path) -> list[str]:
    """Names assigned in the cell tagged ``parameters``."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            tree = ast.parse("".join(cell["source"]))
            return [t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                    if isinstance(t, ast.Name)]
    return []


def _notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("notebook", _notebooks(), ids=lambda p: p.stem)
def test_notebook_in_readme_index(notebook: Path) -> None:
    index = _notebook_index()
    assert f"`{notebook.stem}`" in index, f"{notebook.name} is missing from the README's notebook index"
    missing = [p for p in _notebook_parameters(notebook) if f"`{p}`" not in index]
    assert not missing, f"parameters of {notebook.name} not in the README's notebook index: {missing}"


# --- (c) every relative link points to an existing file (and heading) ---------------------------

def _links() -> list[tuple[Path, str]]:
    out = []
    for path in _markdown_files():
        fenced = False
        for line in _text(path).splitlines():
            if _FENCE.match(line):
                fenced = not fenced
                continue
            if not fenced:
                prose = re.sub(r"`[^`]*`", "", line)  # a link inside inline code is not a link
                out.extend((path, target) for target in _LINK.findall(prose))
    return out


def _relative(target: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE)  # http:, https:, mailto:, ...


@pytest.mark.parametrize("path,target", [lt for lt in _links() if _relative(lt[1])],
                         ids=lambda v: v.name if isinstance(v, Path) else v)
def test_relative_link_resolves(path: Path, target: str) -> None:
    file_part, _, anchor = target.partition("#")
    dest = (path.parent / file_part).resolve() if file_part else path
    assert dest.exists(), f"{path.relative_to(ROOT)}: link {target!r} points to a missing file"
    assert ROOT in dest.parents or dest == ROOT, f"{path.relative_to(ROOT)}: link {target!r} leaves the project"
    if anchor and dest.suffix == ".md":
        assert anchor in _anchors(dest), f"{path.relative_to(ROOT)}: link {target!r}: no heading #{anchor} in {dest.name}"


def test_docs_exist() -> None:
    assert DOCS.is_dir() and list(DOCS.glob("*.md")), "docs/*.md missing"
    linked = {(p.parent / t.partition("#")[0]).resolve() for p, t in _links() if p == README and _relative(t)}
    unlinked = [d.name for d in sorted(DOCS.glob("*.md")) if d.resolve() not in linked]
    assert not unlinked, f"docs pages the README does not link to: {unlinked}"


# --- (d) the README stays short -----------------------------------------------------------------

def test_readme_is_short() -> None:
    n = len(_text(README).splitlines())
    assert n <= README_MAX_LINES, f"README.md has {n} lines (at most {README_MAX_LINES}); move detail into docs/"


# --- (e) every dotted analysis.x.y name resolves --------------------------------------------------

def _resolve(dotted: str) -> bool:
    """True when ``dotted`` is an importable module or an attribute (chain) of one."""
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ModuleNotFoundError as exc:
            if exc.name and not ".".join(parts[:k]).startswith(exc.name):
                raise  # a module that exists but fails to import: a real error, not a doc mistake
            continue
        try:
            for attr in parts[k:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def _dotted_names() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for path in _markdown_files():
        for name in _DOTTED.findall(_text(path)):
            seen.setdefault(name, path.relative_to(ROOT).as_posix())
    return sorted(seen.items())


@pytest.mark.parametrize("name,where", _dotted_names())
def test_dotted_name_resolves(name: str, where: str) -> None:
    assert _resolve(name), f"{where}: `{name}` is neither a module nor an attribute of one"


def _paths() -> list[tuple[str, str]]:
    """Every ``analysis/...`` path named in the docs, with ``<theme>`` placeholders as ``*``."""
    seen: dict[str, str] = {}
    for path in _markdown_files():
        for raw in re.findall(r"(?<![\w./-])(analysis/[\w./*<>-]*)", _text(path)):
            seen.setdefault(raw.rstrip("."), path.relative_to(ROOT).as_posix())
    return sorted(seen.items())


@pytest.mark.parametrize("name,where", _paths())
def test_package_path_exists(name: str, where: str) -> None:
    pattern = re.sub(r"<[^>]*>", "*", name)
    if "*" in pattern:
        assert list(ROOT.glob(pattern)), f"{where}: `{name}` matches no file"
    else:
        assert (ROOT / pattern).exists(), f"{where}: `{name}` does not exist"
