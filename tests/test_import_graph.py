"""The shape of the code: no import circles between modules of ``warkat`` and
``bench``, calls flowing one way (api/views → services → tasks → work modules →
selectors/models), and no module grown into a drawer.

Every import statement counts, including the ones inside functions: an import moved
into a function to dodge a circle is still a circle in the design."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("warkat", "bench")
MAX_LINES = 600

# Within an app, a module of the left-hand kind never imports one of the right.
FORBIDDEN = {
    "models": {"services", "selectors", "tasks", "views", "api"},
    "selectors": {"services", "tasks", "views", "api"},
    "tasks": {"services", "views", "api"},
    "services": {"views", "api"},
}


def _source_files() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "tests" in parts:
                continue
            yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in _source_files()}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            for target in _imported(node, name, is_package, files):
                if target != name:
                    graph[name].add(target)
    return graph


def _imported(
    node: ast.AST, current: str, is_package: bool, files: dict[str, Path]
) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in files]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = current.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        module = ".".join([*base, *([node.module] if node.module else [])])
    else:
        module = node.module or ""
    found = []
    for alias in node.names:
        if f"{module}.{alias.name}" in files:
            found.append(f"{module}.{alias.name}")
        elif module in files:
            found.append(module)
    return found


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _kind(module: str) -> tuple[str, str] | None:
    """(app, room) for ``warkat.<app>.<room>`` or a module of a ``<room>`` package."""
    parts = module.split(".")
    if parts[0] != "warkat" or len(parts) < 3:
        return None
    return parts[1], parts[2]


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _circles(graph) == [["a", "b", "c"]]


def test_no_import_circles() -> None:
    circles = _circles(_graph())
    assert circles == [], "import circles:\n" + "\n".join(
        " ↔ ".join(c) for c in circles
    )


def test_calls_flow_one_way_inside_each_app() -> None:
    wrong = []
    for module, targets in _graph().items():
        here = _kind(module)
        if here is None or here[1] not in FORBIDDEN:
            continue
        for target in targets:
            there = _kind(target)
            if there and there[0] == here[0] and there[1] in FORBIDDEN[here[1]]:
                wrong.append(f"{module} imports {target}")
    assert wrong == [], "\n".join(sorted(wrong))


def test_only_the_demo_builds_the_demo() -> None:
    """The demo package is the top layer: it uses every app, and no app uses it (the
    benchmarks and the tests may)."""
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in _graph().items()
        if module.startswith("warkat.") and not module.startswith("warkat.demo")
        for target in targets
        if target.startswith("warkat.demo")
    )
    assert wrong == [], "\n".join(wrong)


def test_no_module_is_a_drawer() -> None:
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text().splitlines())
        for p in _source_files()
    }
    too_big = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert too_big == {}, f"files over {MAX_LINES} lines: {too_big}"
