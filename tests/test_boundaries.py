"""The architecture, checked: domain code imports neither FastAPI nor linebot; only bot/line imports linebot;
surveys/ never imports bot."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_FILES = ("models.py", "service.py", "texts.py", "dialogs.py")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_only_the_line_adapter_imports_linebot() -> None:
    adapter = ROOT / "bot" / "line"
    offenders = [p.relative_to(ROOT) for p in python_files("bot") + python_files("surveys")
                 if "linebot" in top(imported_modules(p)) and adapter not in p.parents]
    assert offenders == []


def test_domain_code_knows_nothing_of_http_or_line() -> None:
    checked = [p for p in python_files("bot") if p.name in DOMAIN_FILES] + list(python_files("bot/chat"))
    assert len(checked) >= 8
    offenders = {str(p.relative_to(ROOT)): top(imported_modules(p)) & {"fastapi", "linebot", "starlette"}
                 for p in checked}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_surveys_never_imports_bot_or_web_frameworks() -> None:
    offenders = {str(p.relative_to(ROOT)): top(imported_modules(p)) & {"bot", "fastapi", "linebot"}
                 for p in python_files("surveys")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_boundary_check_itself_catches_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "service.py"
    sample.write_text("from linebot.v3 import messaging\nimport fastapi\n")
    assert top(imported_modules(sample)) == {"linebot", "fastapi"}
