"""Imports point one way: no cycle among the reports modules, and no domain app imports reports.

Read from the source with ast, so an import inside a function counts as much as one at the top:
a late import hides a cycle from Python, not from the design."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = ("plans", "milestones", "indicators")


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports (absolute dotted names), wherever in the file the import is."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name == "__init__.py":
        module = module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level] if path.name != "__init__.py" else module.split(".")
                if path.name == "__init__.py" and node.level > 1:
                    base = base[: -(node.level - 1)]
                parent = ".".join(base + ([node.module] if node.module else []))
            else:
                parent = node.module
            found.add(parent)
            # "from . import data" and "from reports import rendering" import modules too.
            found.update(f"{parent}.{alias.name}" for alias in node.names)
    return found


def reports_graph() -> dict[str, set[str]]:
    modules = {f"reports.{path.stem}": path for path in (ROOT / "reports").glob("*.py") if path.stem != "__init__"}
    return {name: imported_modules(path) & modules.keys() - {name} for name, path in modules.items()}


def find_cycle(graph):
    """One import cycle as a list of modules, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_import_reader_resolves_relative_and_late_imports():
    graph = reports_graph()
    assert "reports.data" in graph["reports.rendering"]  # from . import data
    assert "reports.registry" in graph["reports.models"]
    assert "reports.tasks" in graph["reports.services"]  # imported inside dispatch()


def test_no_import_cycle_among_the_reports_modules():
    cycle = find_cycle(reports_graph())
    assert cycle is None, "Import cycle among reports modules: " + " -> ".join(cycle)


def test_no_domain_app_imports_reports():
    offenders = []
    for app in DOMAIN_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            imports = imported_modules(path)
            if any(name == "reports" or name.startswith("reports.") for name in imports):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], f"Domain apps must not import reports: {offenders}"
