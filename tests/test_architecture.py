"""The code has the shape of the data flow: case and world data at the bottom, engines above, front ends on top.

Every import of every module (at module level or inside a function; imports under
``if TYPE_CHECKING:`` are annotations only and do not count) is read from the source. A module may
import modules of its own layer or below; two modules may not import each other, directly or through
others; and no engine or front end names an applicant (no ``kosovo`` outside ``cases/`` except in
docstring examples).
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import networkx as nx
import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "dialoguelab"

#: (prefix, layer): the first matching prefix of a module's dotted name gives its layer (longest first).
LAYERS: list[tuple[str, int]] = [
    # 0: the base every layer may use: errors, dates, the case format's records and readers
    ("dialoguelab.errors", 0),
    ("dialoguelab.cachedir", 0),
    ("dialoguelab.jsonable", 0),
    ("dialoguelab.lazy", 0),
    ("dialoguelab.fsutil", 0),
    ("dialoguelab.daskutil", 0),
    ("dialoguelab.memo", 0),
    ("dialoguelab.case.dates", 0),
    ("dialoguelab.case.schema", 0),
    ("dialoguelab.case.files", 0),
    ("dialoguelab.case.paper", 0),
    ("dialoguelab.case.parts", 0),
    ("dialoguelab.case.jsonschema", 0),
    # 1: the world data (bodies, rules, member lists, roll calls)
    ("dialoguelab.world", 1),
    # 2: the case, read once
    ("dialoguelab.case", 2),
    # 3: the store built from a case
    ("dialoguelab.store", 3),
    # 4: engines
    ("dialoguelab.evidence", 4),
    ("dialoguelab.membership", 4),
    ("dialoguelab.forecast", 4),
    ("dialoguelab.ingest", 4),
    # 5: the findings and stance engine, which asks the other engines
    ("dialoguelab.stance", 5),
    # 6: what front ends share: the report writer, the Python API, CLI output
    ("dialoguelab.report", 6),
    ("dialoguelab.api", 6),
    ("dialoguelab.output", 6),
    ("dialoguelab.clikit", 6),
    ("dialoguelab.export", 6),
    # 7: front ends
    ("dialoguelab.web", 7),
    ("dialoguelab.cli", 7),
]
FRONT_END = 7


def layer(module: str) -> int:
    if module == "dialoguelab":
        return 0
    if module.endswith(".cli") or ".cli." in module:  # each area's CLI lives in its package but is a front end
        return FRONT_END
    best = max((p for p, _ in LAYERS if module == p or module.startswith(p + ".")), key=len, default=None)
    if best is None:
        raise AssertionError(f"module {module} has no layer: add it to LAYERS in tests/test_architecture.py")
    return dict(LAYERS)[best]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for sub in node.body:
                    out.update(range(sub.lineno, (sub.end_lineno or sub.lineno) + 1))
    return out


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The project modules a file imports (``from a.b import c`` counts ``a.b.c`` when that is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    me = module_name(path)
    out: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                base = me.split(".")[: -node.level + (1 if path.name == "__init__.py" else 0) or None]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            names = [mod] + [f"{mod}.{a.name}" for a in node.names]
        else:
            continue
        for n in names:
            if n in modules and n != me:
                out.add(n)
    return out


def import_graph() -> nx.DiGraph:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(f) for f in files}
    g = nx.DiGraph()
    for f in files:
        me = module_name(f)
        g.add_node(me)
        for target in imports_of(f, modules):
            g.add_edge(me, target)
    return g


GRAPH = import_graph()


def test_every_module_has_a_layer() -> None:
    for m in GRAPH.nodes:
        layer(m)


def test_no_import_points_up() -> None:
    upward = [
        f"{a} (layer {layer(a)}) imports {b} (layer {layer(b)})"
        for a, b in GRAPH.edges
        if layer(b) > layer(a) and not (a == "dialoguelab" or b.startswith(a + "."))
    ]
    assert not upward, "imports that point up:\n  " + "\n  ".join(upward)


def test_no_two_modules_import_each_other() -> None:
    # a package's __init__ re-exporting its own modules is not a circle through them
    g = GRAPH.copy()
    g.remove_edges_from([(a, b) for a, b in GRAPH.edges if b.startswith(a + ".")])
    cycles = [c for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert not cycles, "modules importing each other: " + "; ".join(" ↔ ".join(sorted(c)) for c in cycles)


def _docstring_lines(tree: ast.Module) -> set[int]:
    out: set[int] = set()
    for node in [tree, *ast.walk(tree)]:
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    out.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return out


def applicant_literals(path: Path, word: str = "kosovo") -> list[str]:
    """Strings and comments naming ``word`` outside docstrings."""
    text = path.read_text(encoding="utf-8")
    docs = _docstring_lines(ast.parse(text))
    hits = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in (tokenize.STRING, tokenize.COMMENT) and word in tok.string.lower():
            if tok.type == tokenize.STRING and tok.start[0] in docs:
                continue
            shown = path.relative_to(SRC) if path.is_relative_to(SRC) else path.name
            hits.append(f"{shown}:{tok.start[0]}: {tok.string.strip()[:80]}")
    return hits


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(PACKAGE.rglob("*.py")) if "cases" not in p.relative_to(PACKAGE).parts],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_no_applicant_named_outside_the_cases(path: Path) -> None:
    assert not applicant_literals(path), "\n".join(applicant_literals(path))


def test_the_checks_can_fail() -> None:
    """Counterfactuals: the checks above catch an upward import, a circle and an applicant literal."""
    assert layer("dialoguelab.case.loader") < layer("dialoguelab.membership.world")
    g = nx.DiGraph([("dialoguelab.membership.a", "dialoguelab.membership.b"),
                    ("dialoguelab.membership.b", "dialoguelab.membership.a")])
    assert any(len(c) > 1 for c in nx.strongly_connected_components(g))
    fake = PACKAGE / "membership" / "__init__.py"
    assert not applicant_literals(fake)
    assert applicant_literals(Path(__file__), "kosovo")  # this file names it in strings, and is caught
