"""The shape of the package: stages that depend one way, no import circle, no private
name taken from another module, and python-docx's internals reached in one module only.

The layers themselves are import-linter contracts (``pyproject.toml``, run by
``make test``); these checks cover what a contract cannot say.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"
DOCX_ADAPTER = PACKAGE / "writers" / "docx" / "oxml.py"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("reportgen")


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph.find_modules_directly_imported_by(module)):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others(graph: grimp.ImportGraph) -> None:
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    circle = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d"):
        circle.add_module(name)
    circle.add_import(importer="a.b", imported="a.c")
    circle.add_import(importer="a.c", imported="a.b")
    circle.add_import(importer="a.d", imported="a.b")
    assert _cycles(circle) == [["a.b", "a.c"]]


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_private_name_is_imported_from_another_module() -> None:
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reportgen"):
                found += [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {alias.name}"
                          for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert found == []


LXML_TYPES = {"_Element", "_ElementTree"}  # lxml's public classes carry an underscore


def _foreign_private_attributes(path: Path) -> list[str]:
    """``x._name`` where ``x`` is not ``self`` or ``cls``: another object's internals."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__") and node.attr not in LXML_TYPES \
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            out.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: .{node.attr}")
    return out


def test_python_docx_internals_are_reached_in_one_module() -> None:
    writers = [p for p in _sources() if p.is_relative_to(PACKAGE / "writers")
               or p.is_relative_to(PACKAGE / "review")]
    found = [hit for path in writers if path != DOCX_ADAPTER
             for hit in _foreign_private_attributes(path)]
    assert found == []
    assert _foreign_private_attributes(DOCX_ADAPTER)  # the adapter is where they are


def test_few_modules_sit_at_the_top_of_the_package() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 10, top
