"""The console home: what needs me (new, due within 3 days, overdue) and my notifications."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from bot.complaints import queue
from bot.console.web import HANDLERS, CurrentUser, PostingUser, back_to, render
from bot.http import RuntimeDep, SessionDep
from bot.staff import service as staff_service

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def home(request: Request, user: CurrentUser, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    now = runtime.clock()
    counts = queue.needs_me(session, user.member, now=now) if user.role in HANDLERS else None
    notes = staff_service.notifications_for(session, user.member)
    return render(
        request,
        user,
        "home.html",
        counts=counts,
        notes=notes,
        unread=sum(1 for n in notes if n.read_at is None),
        soon_days=queue.DUE_SOON_DAYS,
    )


@router.post("/notifications/{note_id}/read")
def mark_read(note_id: int, user: PostingUser, session: SessionDep, runtime: RuntimeDep) -> RedirectResponse:
    staff_service.mark_read(session, user.member, note_id, runtime.clock())
    return back_to("/console")
