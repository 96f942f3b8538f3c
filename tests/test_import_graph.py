"""The import graph of matcher/, webui/ and benchmarks/: no cycles, and no layer imports a face above it.

The graph is built statically with :mod:`ast` from every ``import`` statement
of every module, wherever it stands (module level, inside a function, under
``if TYPE_CHECKING``), so an import hidden in a function still counts. An edge
goes to the most specific module named: ``from matcher.core import features``
is an edge to ``matcher.core.features``, ``from matcher.core import Matcher``
one to ``matcher.core`` (its ``__init__``). The allow-lists are empty on
purpose: a new cycle or layer breach fails here. The layers are described in
docs/architecture.md.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("matcher", "webui", "benchmarks")

#: (importer prefix, forbidden imported prefixes, why)
LAYER_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("matcher.core", ("matcher.io", "matcher.batch", "matcher.report", "matcher.commands", "matcher.cli",
                      "matcher.market", "webui", "benchmarks"),
     "the core is pure: it imports no reader, face, market or web module"),
    ("matcher.batch", ("matcher.commands", "matcher.cli", "webui", "benchmarks"),
     "the batch never imports the CLI or the web UI"),
    ("matcher.report", ("matcher.commands", "matcher.cli", "webui", "benchmarks"),
     "the report never imports the CLI or the web UI"),
    ("matcher", ("webui", "benchmarks"),
     "the engine never imports the web UI (the CLI names webui.commands by a string)"),
    ("webui", ("benchmarks",), "the web UI never imports the benchmarks"),
)
ALLOWED_CYCLES: list[tuple[str, ...]] = []
ALLOWED_BREACHES: list[tuple[str, str]] = []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for pkg in PACKAGES:
        for p in sorted((ROOT / pkg).rglob("*.py")):
            if any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(ROOT).parts):
                continue
            out[_module_name(p)] = p
    return out


def _resolve(target: str, known: dict[str, Path]) -> str | None:
    """The longest known module that ``target`` names (``a.b.c`` -> ``a.b.c`` or ``a.b`` or ``a``)."""
    parts = target.split(".")
    while parts:
        name = ".".join(parts)
        if name in known:
            return name
        parts.pop()
    return None


def _imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_pkg = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            for alias in node.names:
                found.add(f"{mod}.{alias.name}" if f"{mod}.{alias.name}" in known else mod)
    edges = set()
    for target in found:
        r = _resolve(target, known)
        if r is not None and r != name:
            edges.add(r)
    return edges


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: _imports(name, path, known) for name, path in known.items()}


def _cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Every strongly connected component with more than one module (Tarjan), as sorted tuples."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[tuple[str, ...]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(tuple(sorted(comp)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_the_graph_sees_function_level_and_relative_imports(graph):
    """The scanner is not blind: known imports of each kind are in the graph."""
    assert "matcher.core.features" in graph["matcher.core.matcher"]            # module level
    assert "matcher.io.settings" in graph["matcher.market"]
    assert any(_under(t, "matcher.skills") for t in graph["matcher.core.matcher"])  # inside a function
    assert any(t.startswith("webui.") for t in graph["webui"])                 # relative (from . import x)
    assert len(graph) > 100


def test_cycle_finder_finds_a_planted_cycle():
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(g) == [("a", "b", "c")]


def test_no_import_cycles(graph):
    cycles = [c for c in _cycles(graph) if c not in ALLOWED_CYCLES]
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_layer_rules(graph):
    breaches = []
    for importer, targets in sorted(graph.items()):
        for prefix, forbidden, why in LAYER_RULES:
            if not _under(importer, prefix):
                continue
            for t in sorted(targets):
                if any(_under(t, f) for f in forbidden) and (importer, t) not in ALLOWED_BREACHES:
                    breaches.append(f"{importer} imports {t} ({why})")
    assert not breaches, "\n".join(breaches)


def test_allow_lists_are_empty():
    assert ALLOWED_CYCLES == [] and ALLOWED_BREACHES == []
