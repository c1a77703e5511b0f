"""Notice pages: compose with a live LINE-like preview and the recipient count, then on the notice's page
the quota check and cost note, send now or schedule, cancel, and delivery figures afterwards.

The send itself goes through the notices API's own route functions, so the console and the API share one
path (quota check outside the lock, then the send under the notice's row lock)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from bot import thai
from bot.console.web import HANDLERS, ConsoleUser, FormFields, back_to, only, posting, render
from bot.errors import DomainError, kind
from bot.forums.models import Forum
from bot.http import STATUS_OF_KIND, UNPROCESSABLE, RuntimeDep, SessionDep
from bot.notices import api as notices_api
from bot.notices import audience, service
from bot.notices.api import ForumsDep
from bot.notices.models import Notice, NoticeCreate, SendRequest

router = APIRouter(prefix="/console/notices", include_in_schema=False)

Writer = Annotated[ConsoleUser, Depends(only(*HANDLERS))]
WriterPost = Annotated[ConsoleUser, Depends(posting(*HANDLERS))]
KINDS = {"all": "ทุกคนที่เป็นเพื่อนกับบัญชี", "villages": "เฉพาะหมู่บ้านที่เลือก", "forum": "ผู้เกี่ยวข้องกับเวทีประชาคม"}
STATUS_NAMES = {
    "draft": "ร่าง",
    "scheduled": "ตั้งเวลาส่งแล้ว",
    "sending": "กำลังส่ง",
    "sent": "ส่งแล้ว",
    "cancelled": "ยกเลิกแล้ว",
}


def _form(data: dict[str, object]) -> dict[str, object]:
    villages = data.get("villages") or []
    return {
        "title": str(data.get("title") or ""),
        "text": str(data.get("text") or ""),
        "link": str(data.get("link") or ""),
        "image_url": str(data.get("image_url") or ""),
        "kind": str(data.get("kind") or "villages"),
        "forum_id": str(data.get("forum_id") or ""),
        "villages": [int(str(v)) for v in villages if str(v).isdigit()],  # type: ignore[attr-defined]
        "essential": bool(data.get("essential")),
    }


def _create_body(form: dict[str, object]) -> NoticeCreate:
    forum_id = int(str(form["forum_id"])) if form["kind"] == "forum" and str(form["forum_id"]).isdigit() else None
    return NoticeCreate.model_validate(
        {
            "title": form["title"],
            "text": form["text"],
            "link": form["link"] or None,
            "image_url": form["image_url"] or None,
            "essential": form["essential"],
            "audience": {
                "kind": form["kind"],
                "forum_id": forum_id,
                "villages": form["villages"] if form["kind"] == "villages" else [],
            },
        }
    )


def _list_page(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    form: dict[str, object],
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    forums = session.exec(select(Forum).order_by(col(Forum.starts_at).desc()).limit(20)).all()
    return render(
        request,
        user,
        "notices/list.html",
        status_code=status_code,
        notices=service.recent(session, 30),
        statuses=STATUS_NAMES,
        kinds=KINDS,
        forums=forums,
        form=form,
        error=error,
    )


@router.get("", response_class=HTMLResponse)
def notices_page(request: Request, user: Writer, session: SessionDep) -> HTMLResponse:
    return _list_page(request, user, session, _form({}))


@router.get("/preview", response_class=HTMLResponse)
def compose_preview(
    request: Request, user: Writer, session: SessionDep, runtime: RuntimeDep, forums: ForumsDep
) -> HTMLResponse:
    """The LINE messages and the recipient count for the form as typed so far (nothing is saved)."""
    params = request.query_params
    form = _form({**params, "villages": params.getlist("villages")})
    error, messages, count = None, [], None
    try:
        body = _create_body(form)
        images = [body.image_url] if body.image_url else []
        messages = service.compose(body.title, body.text, body.link, images)
        draft = Notice(
            title=body.title,
            text=body.text,
            audience_kind=body.audience.kind,
            messages="[]",
            audience_villages=json.dumps(body.audience.villages),
            forum_id=body.audience.forum_id,
            essential=body.essential,
            created_at=runtime.clock(),
        )
        count = audience.count(session, draft, forums).count
    except ValidationError:
        error = "กรอกหัวข้อและเนื้อหาเพื่อดูตัวอย่าง"
    except service.NoticeError as refused:
        error = str(refused)
    return render(request, user, "notices/_preview.html", messages=messages, error=error, count=count)


@router.post("", response_class=HTMLResponse)
def create(
    request: Request, user: WriterPost, session: SessionDep, runtime: RuntimeDep, forums: ForumsDep, data: FormFields
) -> Response:
    form = _form({**data, "villages": data.getlist("villages")})
    try:
        created = notices_api.create_notice(_create_body(form), user.member, session, runtime, forums)
    except ValidationError:
        return _list_page(request, user, session, form, "กรุณากรอกหัวข้อและเนื้อหาประกาศ", UNPROCESSABLE)
    except DomainError as refused:
        session.rollback()
        return _list_page(request, user, session, form, str(refused), STATUS_OF_KIND[kind(refused)])
    return back_to(f"/console/notices/{created.id}")


def _notice_page(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    runtime: RuntimeDep,
    forums: audience.Forums,
    notice_id: int,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    read = notices_api.get_notice(notice_id, user.member, session, runtime, request, forums)
    villages = [runtime.org.village(n) for n in read.audience.villages]
    return render(
        request,
        user,
        "notices/notice.html",
        status_code=status_code,
        n=read,
        statuses=STATUS_NAMES,
        kinds=KINDS,
        villages=[v for v in villages if v],
        error=error,
        done=request.query_params.get("done"),
    )


def _refused(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    runtime: RuntimeDep,
    forums: audience.Forums,
    notice_id: int,
    refused: DomainError,
) -> HTMLResponse:
    """A send or cancel the notice service refused: nothing kept, the notice's page again with the reason and
    the refusal's status (409 sent already, 422 a time in the past, 503 LINE's quota unknown); an unknown notice
    stays the Thai 404."""
    if kind(refused) == "not_found":
        raise refused
    session.rollback()
    return _notice_page(request, user, session, runtime, forums, notice_id, str(refused), STATUS_OF_KIND[kind(refused)])


@router.get("/{notice_id}", response_class=HTMLResponse)
def notice_page(
    notice_id: int, request: Request, user: Writer, session: SessionDep, runtime: RuntimeDep, forums: ForumsDep
) -> HTMLResponse:
    return _notice_page(request, user, session, runtime, forums, notice_id)


@router.post("/{notice_id}/send", response_class=HTMLResponse)
def send(
    notice_id: int,
    request: Request,
    user: WriterPost,
    session: SessionDep,
    runtime: RuntimeDep,
    forums: ForumsDep,
    data: FormFields,
) -> Response:
    """Send now, or at a Thai local date and time (`at`, from a datetime-local field). A plain `def`: the quota
    check calls out (in simulator mode to this very server), so it must not run in the event loop."""
    at = None
    if data.get("when") == "later":
        try:
            at = datetime.fromisoformat(str(data.get("at", ""))).replace(tzinfo=thai.BANGKOK)
        except ValueError:
            return _notice_page(
                request, user, session, runtime, forums, notice_id, "กรุณาระบุวันและเวลาที่จะส่ง", UNPROCESSABLE
            )
    try:
        notices_api.send_notice(notice_id, user.member, session, runtime, request, forums, SendRequest(at=at))
    except DomainError as refused:
        return _refused(request, user, session, runtime, forums, notice_id, refused)
    return back_to(f"/console/notices/{notice_id}?done={'scheduled' if at else 'sent'}")


@router.post("/{notice_id}/cancel", response_class=HTMLResponse)
def cancel(
    notice_id: int, request: Request, user: WriterPost, session: SessionDep, runtime: RuntimeDep, forums: ForumsDep
) -> Response:
    try:
        notices_api.cancel_notice(notice_id, user.member, session, runtime, forums)
    except DomainError as refused:
        return _refused(request, user, session, runtime, forums, notice_id, refused)
    return back_to(f"/console/notices/{notice_id}?done=cancelled")
