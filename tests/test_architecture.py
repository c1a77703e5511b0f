"""The packages of bot depend on each other one way: no import cycle between packages (issue #8).

import-linter (pyproject.toml) checks the drawn layers; this checks that no cycle hides anywhere, among
packages in one layer or through an ignored import, lazy imports inside functions included."""

from __future__ import annotations

import graphlib
import itertools
from collections import defaultdict

import grimp
import pytest


def _package(module: str) -> str:
    """`bot.complaints.service` → `bot.complaints`; a module right under bot (`bot.main`) is its own."""
    return ".".join(module.split(".")[:2])


def _imports_between_packages() -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) → the module imports that make the dependency."""
    graph = grimp.build_graph("bot", exclude_type_checking_imports=True, cache_dir=None)
    imports: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            importer, importee = _package(module), _package(imported)
            if importer != importee and "bot" not in (importer, importee):
                imports[importer, importee].append(f"{module} -> {imported}")
    return imports


def test_no_import_cycle_between_packages() -> None:
    imports = _imports_between_packages()
    depends_on: dict[str, set[str]] = defaultdict(set)
    for importer, importee in imports:
        depends_on[importer].add(importee)
    try:
        graphlib.TopologicalSorter(depends_on).prepare()
    except graphlib.CycleError as error:
        cycle: list[str] = error.args[1]  # each package is imported by the next one; the first comes again last
        steps = [
            f"{later} -> {earlier}: {sorted(imports[later, earlier])[:3]}"
            for earlier, later in itertools.pairwise(cycle)
        ]
        pytest.fail("packages importing each other in a circle:\n" + "\n".join(steps))
