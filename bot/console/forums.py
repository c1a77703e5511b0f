"""Forum pages (เวทีประชาคม): the list with the fiscal year's coverage per village, create and schedule a forum,
announce it, the RSVP list by village, attendance (ticks and paper counts, once the forum is on), the
outcome, cancel.

Every change goes through the forums API's own route functions (rules in bot.forums.service, figures in
bot.forums.figures); a refusal is the page again with the service's Thai message and its status."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.datastructures import FormData
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from bot import thai
from bot.console.web import HANDLERS, ConsoleUser, FormFields, back_to, only, posting, render, whole
from bot.errors import DomainError, Invalid, kind
from bot.forums import api as forums_api
from bot.forums import figures, service
from bot.forums.models import (
    AnnounceRequest,
    AttendanceTick,
    CancelRequest,
    ForumCreate,
    OutcomeCreate,
    PaperCount,
    PaperCounts,
    PlanLink,
)
from bot.http import STATUS_OF_KIND, UNPROCESSABLE, RecordId, RuntimeDep, SessionDep
from bot.staff.models import Role

router = APIRouter(prefix="/console/forums", include_in_schema=False)

Staff = Annotated[ConsoleUser, Depends(only(*HANDLERS))]
StaffPost = Annotated[ConsoleUser, Depends(posting(*HANDLERS))]
PAGE_SIZE = 30
ANSWERS = {"going": "ไป", "maybe": "ยังไม่แน่ใจ", "not_going": "ไม่ไป"}
STATUS_NAMES = {"planned": "รอจัด", "cancelled": "ยกเลิกแล้ว"}
DONE = {
    "created": "สร้างเวทีแล้ว และตั้งเวลาแจ้งเตือนผู้ตอบรับก่อนวันงานไว้แล้ว",
    "announced": "ส่งประกาศเชิญแล้ว",
    "scheduled": "ตั้งเวลาประกาศเชิญแล้ว",
    "ticked": "บันทึกผู้เข้าร่วมแล้ว",
    "paper": "บันทึกจำนวนผู้ลงชื่อในกระดาษแล้ว",
    "outcome": "เผยแพร่ผลเวทีแล้ว",
    "cancelled": "ยกเลิกเวทีแล้ว และแจ้งผู้ตอบรับแล้ว",
}
FIELD_NAMES = {
    "topic": "หัวข้อ",
    "agenda": "วาระ",
    "villages": "หมู่บ้าน",
    "starts_at": "วันเวลาเริ่ม",
    "place": "สถานที่",
    "map_url": "ลิงก์แผนที่",
    "capacity": "จำนวนที่นั่ง",
    "reminder_hours_before": "แจ้งเตือนล่วงหน้า",
    "minutes": "บันทึกการประชุม",
    "decisions": "ข้อสรุป",
    "opinions_used": "การนำความเห็นไปใช้",
    "reason": "เหตุผล",
    "registrations": "หมายเลขลงทะเบียน",
    "at": "เวลาประกาศ",
    "title": "ชื่อเอกสาร",
    "url": "ลิงก์เอกสาร",
    "plan_links": "เอกสารแผนงานที่เกี่ยวข้อง",
}


def _local(value: str) -> datetime | None:
    """A datetime-local field (Thai time) as an aware datetime; None when blank or not a date."""
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=thai.BANGKOK) if value.strip() else None
    except ValueError:
        return None


def _number(value: str) -> int | str | None:
    """A whole number typed in a form field (Thai digits too); blank is None; anything else is left as typed,
    for the model's validation to name the field."""
    value = value.strip().translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    return int(value) if value.isdigit() else (value or None)


def _problem(error: Exception) -> tuple[str, int]:
    """A Thai message and status for a refusal: the service's own words, or the fields a form got wrong."""
    if isinstance(error, ValidationError):
        fields = dict.fromkeys(FIELD_NAMES.get(str(e["loc"][0]), str(e["loc"][0])) for e in error.errors() if e["loc"])
        return f"กรุณาตรวจสอบ: {', '.join(fields)}", UNPROCESSABLE
    assert isinstance(error, DomainError)
    return str(error), STATUS_OF_KIND[kind(error)]


def _list_page(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    runtime: RuntimeDep,
    form: dict[str, Any],
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    now = runtime.clock()
    page = max(whole(request.query_params.get("page")) or 1, 1)
    forums = service.recent(session, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    year_param = request.query_params.get("fiscal_year", "")
    year = year if (year := whole(year_param)) and 2500 <= year <= 2700 else thai.fiscal_year(now)
    coverage = figures.report(session, runtime.org, year, now) if user.role in (Role.MANAGER, Role.ADMIN) else None
    return render(
        request,
        user,
        "forums/list.html",
        status_code=status_code,
        forums=forums[:PAGE_SIZE],
        more=len(forums) > PAGE_SIZE,
        page=page,
        coverage=coverage,
        year=year,
        years=list(range(thai.fiscal_year(now), thai.fiscal_year(now) - 5, -1)),
        statuses=STATUS_NAMES,
        form=form,
        error=error,
    )


@router.get("", response_class=HTMLResponse)
def forums_page(request: Request, user: Staff, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    return _list_page(
        request, user, session, runtime, {"villages": [], "collect_opinions": True, "reminder_hours_before": "24"}
    )


@router.post("", response_class=HTMLResponse)
def create(request: Request, user: StaffPost, session: SessionDep, runtime: RuntimeDep, data: FormFields) -> Response:
    form: dict[str, Any] = {
        key: str(data.get(key) or "")
        for key in ("topic", "agenda", "starts_at", "place", "map_url", "capacity", "reminder_hours_before")
    }
    form["villages"] = [int(str(v)) for v in data.getlist("villages") if str(v).isdigit()]
    form["collect_opinions"] = bool(data.get("collect_opinions"))
    starts = _local(form["starts_at"])
    try:
        body = ForumCreate.model_validate(
            {  # what was typed, for the model to judge and name the field
                "topic": form["topic"].strip(),
                "agenda": form["agenda"].strip(),
                "villages": form["villages"],
                "starts_at": starts,
                "place": form["place"].strip(),
                "map_url": form["map_url"].strip() or None,
                "capacity": _number(form["capacity"]),
                "collect_opinions": form["collect_opinions"],
                "reminder_hours_before": _number(form["reminder_hours_before"]) or 24,
            }
        )
        created = forums_api.create_forum(body, user.member, session, runtime)
    except (ValidationError, DomainError) as refused:
        session.rollback()
        message, code = _problem(refused)
        return _list_page(request, user, session, runtime, form, message, code)
    return back_to(f"/console/forums/{created.id}?done=created")


def _forum_page(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    runtime: RuntimeDep,
    forum_id: int,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    now = runtime.clock()
    forum = service.get(session, forum_id)
    read = figures.read(session, forum)
    registrations = figures.registrations(session, forum_id)
    by_village: dict[int | None, Counter[str]] = {}
    for row in registrations:
        by_village.setdefault(row.village_no, Counter())[row.answer] += 1
    public = figures.public(session, runtime.org, forum)
    opens = service.attendance_opens(forum)
    return render(
        request,
        user,
        "forums/forum.html",
        status_code=status_code,
        f=read,
        public=public,
        registrations=registrations,
        by_village=sorted(by_village.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)),
        answers=ANSWERS,
        statuses=STATUS_NAMES,
        error=error,
        done=DONE.get(request.query_params.get("done", "")),
        live=forum.status != "cancelled",
        started=forum.starts_at <= now,
        attendance_open=now >= opens,
        opens=opens,
        announced=bool(read.notices.get("announcement")),
        village_labels={v.number: v.label for v in runtime.org.villages},
    )


@router.get("/{forum_id}", response_class=HTMLResponse)
def forum_page(
    forum_id: RecordId, request: Request, user: Staff, session: SessionDep, runtime: RuntimeDep
) -> HTMLResponse:
    return _forum_page(request, user, session, runtime, forum_id)


def _act(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    runtime: RuntimeDep,
    forum_id: int,
    action: str,
    data: FormData,
) -> Response:
    done = action
    try:
        service.get(session, forum_id)  # an unknown forum is the Thai 404, not a form error
        if action == "announce":
            at = _local(str(data.get("at") or "")) if data.get("when") == "later" else None
            if data.get("when") == "later" and at is None:
                raise Invalid("กรุณาระบุวันและเวลาที่จะประกาศ")
            forums_api.announce_forum(forum_id, user.member, session, runtime, request, AnnounceRequest(at=at))
            done = "scheduled" if at else "announced"
        elif action == "attendance":
            numbers = [int(n) for n in re.findall(r"\d+", str(data.get("registrations") or ""))]
            forums_api.tick_attendance(forum_id, AttendanceTick(registrations=numbers), user.member, session, runtime)
            done = "ticked"
        elif action == "paper":
            rows = [
                PaperCount(village=int(key.removeprefix("paper_")), participants=int(str(value)))
                for key, value in data.items()
                if key.startswith("paper_") and str(value).strip().isdigit()
            ]
            forums_api.paper_counts(forum_id, PaperCounts(villages=rows), user.member, session, runtime)
        elif action == "outcome":
            titles = [str(t).strip() for t in data.getlist("link_title")]
            urls = [str(u).strip() for u in data.getlist("link_url")]
            links = [PlanLink(title=t, url=u) for t, u in zip(titles, urls, strict=False) if t or u]
            body = OutcomeCreate(
                minutes=str(data.get("minutes") or "").strip(),
                decisions=str(data.get("decisions") or "").strip(),
                opinions_used=str(data.get("opinions_used") or "").strip(),
                plan_links=links,
            )
            forums_api.publish_outcome(forum_id, body, user.member, session, runtime, request)
        elif action == "cancel":
            forums_api.cancel_forum(
                forum_id, CancelRequest(reason=str(data.get("reason") or "").strip()), user.member, session, runtime
            )
            done = "cancelled"
    except (ValidationError, DomainError) as refused:
        if isinstance(refused, DomainError) and kind(refused) == "not_found":
            raise
        session.rollback()
        message, code = _problem(refused)
        return _forum_page(request, user, session, runtime, forum_id, message, code)
    return back_to(f"/console/forums/{forum_id}?done={done}")


@router.post("/{forum_id}/{action}", response_class=HTMLResponse)
def act(
    forum_id: RecordId,
    action: str,
    request: Request,
    user: StaffPost,
    session: SessionDep,
    runtime: RuntimeDep,
    data: FormFields,
) -> Response:
    """announce · attendance · paper · outcome · cancel (anything else: the Thai 404). A plain `def` (see
    `form_fields`): announcing checks the LINE quota over HTTP."""
    if action not in ("announce", "attendance", "paper", "outcome", "cancel"):
        raise HTTPException(404, "Not Found")
    return _act(request, user, session, runtime, forum_id, action, data)
