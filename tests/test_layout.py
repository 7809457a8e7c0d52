"""The package's shape: stages import downward only, no cycles, no private names across modules.

Read from the source with ``ast`` (nothing is imported), so a violation names the file and line.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis import config

PACKAGE = config.PACKAGE_DIR
TESTS = Path(__file__).resolve().parent

# The pipeline, bottom to top: a module may import from its own stage and the stages below it.
STAGES: list[str] = ["base", "corpus", "text", "themes", "search", "evidence", "model", "aggregate", "notebook",
                     "report", "cluster", "commands"]
# evidence and model are side by side: neither imports the other.
SIBLINGS: set[frozenset[str]] = {frozenset({"evidence", "model"})}
TOP_LEVEL = {"config", "schema", "errors", "frames", "periods", "files", "spreadsheet"}


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    out = {}
    for f in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(f.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        out[name] = f
    return out


MODULES = modules()


def stage_of(module: str) -> str:
    """The pipeline stage of a dotted module name."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in TOP_LEVEL or parts[1] == "__main__":
        return "top" if len(parts) == 1 or parts[1] == "__main__" else "base"
    return parts[1]


def imports(module: str) -> list[tuple[str, str, int, bool]]:
    """(imported module, imported name, line, inside a function) for every ``analysis`` import."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out: list[tuple[str, str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:
                    full = f"{child.module}.{alias.name}"
                    target = full if full in MODULES else child.module
                    out.append((target, alias.name, child.lineno, in_function))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    out.append((alias.name, "", child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return out


def package_edges() -> dict[str, set[str]]:
    """Module -> the package modules it imports."""
    edges: dict[str, set[str]] = {}
    for m in MODULES:
        targets = set()
        for target, _, _, _ in imports(m):
            t = target
            while t and t not in MODULES:
                t = t.rpartition(".")[0]
            if t and t != m and t.startswith("analysis") and not m.startswith(t + ".") and t != "analysis":
                targets.add(t)
        edges[m] = targets
    return edges


def test_no_import_cycles() -> None:
    """No module reaches itself through the imports of the package (any depth)."""
    edges = package_edges()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def walk(v: str) -> None:
        state[v] = 1
        stack.append(v)
        for w in sorted(edges[v]):
            if state.get(w) == 1:
                cycles.append(stack[stack.index(w):] + [w])
            elif w not in state:
                walk(w)
        stack.pop()
        state[v] = 2

    for v in sorted(edges):
        if v not in state:
            walk(v)
    assert not cycles, cycles[:3]


def test_stages_import_downward_only() -> None:
    """A module imports only from its own stage and the stages below it."""
    rank = {s: i for i, s in enumerate(STAGES)}
    bad = []
    for m in MODULES:
        here = stage_of(m)
        if here == "top":
            continue
        for target, _, line, _ in imports(m):
            if not target.startswith("analysis.") and target != "analysis":
                continue
            there = stage_of(target)
            if there == "top" and target == "analysis":
                bad.append(f"{m}:{line} imports the package root")
            elif there not in ("top",) and there != here:
                if frozenset({here, there}) in SIBLINGS or rank[there] > rank[here]:
                    bad.append(f"{m}:{line} ({here}) imports {target} ({there})")
    assert not bad, "\n".join(bad)


def test_no_private_names_across_modules() -> None:
    """No module imports a ``_private`` name from another module."""
    bad = [f"{m}:{line} imports {target}.{name}"
           for m in MODULES for target, name, line, _ in imports(m)
           if target.startswith("analysis") and name.startswith("_") and not name.startswith("__")]
    assert not bad, "\n".join(bad)


def deferred_on_purpose(module: str, line: int) -> bool:
    """True when the import at ``line`` (or the comment line above it) says why it is deferred."""
    lines = MODULES[module].read_text(encoding="utf-8").splitlines()
    return any("deferred" in lines[i] for i in (line - 1, line - 2) if 0 <= i < len(lines))


def test_package_imports_sit_at_module_top() -> None:
    """``analysis`` imports are at module top unless a comment says why one is deferred."""
    bad = [f"{m}:{line} imports {target} inside a function"
           for m in MODULES for target, _, line, inner in imports(m)
           if inner and (target == "analysis" or target.startswith("analysis."))
           and not deferred_on_purpose(m, line)]
    assert not bad, "\n".join(bad)


def test_no_module_getattr_reexports() -> None:
    """Only the package root serves names lazily (its public API); no other module has ``__getattr__``."""
    bad = [m for m, f in MODULES.items() if m != "analysis"
           and any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__"
                   for n in ast.parse(f.read_text(encoding="utf-8")).body)]
    assert not bad


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_says_what_it_is_for(module: str) -> None:
    """Each module has a docstring whose first line is a one-line summary."""
    doc = ast.get_docstring(ast.parse(MODULES[module].read_text(encoding="utf-8")))
    assert doc, f"{module} has no docstring"
    first = doc.splitlines()[0]
    assert first.strip() and len(first) <= 120, f"{module}: first docstring line is not a one-line summary"


def test_sub_package_inits_name_their_modules() -> None:
    """Each sub-package's ``__init__.py`` is short and names every module in it."""
    for init in PACKAGE.rglob("__init__.py"):
        if init.parent == PACKAGE:
            continue
        text = init.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 40, f"{init} is long"
        names = sorted(p.stem for p in init.parent.glob("*.py") if p.stem != "__init__")
        names += sorted(d.name for d in init.parent.iterdir() if (d / "__init__.py").exists())
        missing = [n for n in names if n not in text]
        assert not missing, f"{init.relative_to(PACKAGE.parent)} does not name {missing}"


def modules_named_by_tests() -> set[str]:
    """Package modules a test file imports or names (``analysis.x.y`` in its text)."""
    named: set[str] = set()
    for path in TESTS.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        named.update(m for m in MODULES if m in text)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
                named.add(node.module)
                named.update(f"{node.module}.{a.name}" for a in node.names)
    return named & set(MODULES)


def test_tests_mirror_the_packages() -> None:
    """Every sub-package has a test folder of its own, and every module a test that imports or names it."""
    named = modules_named_by_tests()
    missing = []
    for m in MODULES:
        parts = m.split(".")
        if len(parts) > 2 and parts[1] != "__main__" and not (TESTS / parts[1]).is_dir():
            missing.append(f"tests/{parts[1]}/ for {m}")
        if MODULES[m].name == "__init__.py" and not MODULES[m].read_text(encoding="utf-8").count("\ndef "):
            continue
        if m not in named:
            missing.append(f"a test importing or naming {m}")
    assert not missing, "\n".join(sorted(set(missing)))
