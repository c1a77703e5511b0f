"""Routes stay thin: no route module commits (the unit of work does), catches a service's refusal by hand
(the one handler does), or builds SQL (queries live in the domain)."""

from __future__ import annotations

from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
ROUTE_MODULES = sorted(p for p in BOT.rglob("*.py") if p.name in ("api.py", "public.py", "reports_api.py"))
# Every module that declares routes, console pages and web forms too (they catch refusals to show the form
# again, and may query, but commit no more than the API does).
ROUTERS = sorted(p for p in BOT.rglob("*.py") if "APIRouter(" in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("module", ROUTE_MODULES, ids=lambda p: str(p.relative_to(BOT)))
def test_route_modules_are_thin(module: Path) -> None:
    source = module.read_text(encoding="utf-8")
    assert ".commit(" not in source, "routes never commit: SessionDep (bot.http.unit_of_work) does"
    assert "except " not in source, "let bot.http.handle_error answer"
    assert "select(" not in source, "queries belong in the domain (service.py or queries.py)"


@pytest.mark.parametrize("module", ROUTERS, ids=lambda p: str(p.relative_to(BOT)))
def test_no_route_commits_or_wakes_the_sender(module: Path) -> None:
    source = module.read_text(encoding="utf-8")
    assert ".commit(" not in source, "the unit of work commits before the answer leaves (tests/http/test_commit_…)"
    assert "wake_outbox(" not in source, "the unit of work wakes the sender after a commit that queued messages"


def test_there_are_route_modules() -> None:
    assert len(ROUTE_MODULES) >= 10 and len(ROUTERS) >= 25
