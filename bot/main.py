"""The whole system, wired in one place: every chat router and HTTP router in priority order, and the
lists the lower layers are handed instead of importing the domains (erasers, scheduled jobs, refused
photos, the residents hooks of the chat engine, the forum audiences of notices). No registry is filled by
importing a module."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot import maintenance
from bot.chat import commands
from bot.chat import state as conversation_state
from bot.chat.callbacks import CallbackData, Callbacks
from bot.chat.engine import Dispatcher, People, Router
from bot.complaints import api as complaints_api
from bot.complaints import dialogs as complaint_dialogs
from bot.complaints import public as complaints_public
from bot.complaints import reports as complaint_reports
from bot.complaints import scheduler as complaints_scheduler
from bot.complaints import service as complaints_service
from bot.complaints import web_form as complaints_form
from bot.config import Settings
from bot.console import admin as console_admin
from bot.console import auth as console_auth
from bot.console import complaints as console_complaints
from bot.console import forums as console_forums
from bot.console import home as console_home
from bot.console import install as install_console
from bot.console import notices as console_notices
from bot.console import surveys as console_surveys
from bot.console import tips as console_tips
from bot.db import check_write_path, make_engine
from bot.forums import api as forums_api
from bot.forums import audiences as forum_audiences
from bot.forums import callbacks as forum_callbacks
from bot.forums import dialogs as forum_dialogs
from bot.forums import public as forums_public
from bot.forums import service as forums_service
from bot.http import HANDLED, DirectRoute, RejectUnstorableText, handle_error, openapi_with_errors
from bot.inquiries import api as inquiries_api
from bot.inquiries import dialogs as inquiry_dialogs
from bot.inquiries import public as inquiries_public
from bot.inquiries import service as inquiries_service
from bot.line import privacy, webhook
from bot.line import quota as quota_adapter
from bot.line.content import ContentFetcher
from bot.line.sender import Sender
from bot.logs import configure_logging
from bot.media import RefusalHook
from bot.notices import api as notices_api
from bot.notices import dialogs as notice_dialogs
from bot.notices import quota as notices_quota
from bot.notices import scheduler as notices_scheduler
from bot.notices import service as notices_service
from bot.operations import RequestContext
from bot.operations import router as operations_router
from bot.outbox import api as outbox_api
from bot.outcomes import api as outcomes_api
from bot.outcomes import public as outcomes_public
from bot.portal import pages as portal_pages
from bot.portal.docs import install_offline_docs
from bot.portal.render import STATIC_DIR as PORTAL_STATIC
from bot.portal.render import STATIC_URL as PORTAL_STATIC_URL
from bot.portal.render import error_page as portal_error_page
from bot.residents import dialogs as resident_dialogs
from bot.residents import service as residents_service
from bot.residents.models import Resident
from bot.runtime import Runtime
from bot.scheduler import Job
from bot.staff import api as staff_api
from bot.surveys import api as survey_api
from bot.surveys import callbacks as survey_callbacks
from bot.surveys import dialogs as survey_dialogs
from bot.surveys import public as survey_public
from bot.surveys import reminders as survey_reminders
from bot.surveys import reports_api as survey_reports
from bot.surveys import roster_api as survey_roster
from bot.surveys import service as surveys_service
from bot.surveys import staff_dialogs
from bot.tips import api as tips_api
from bot.tips import dialogs as tip_dialogs
from bot.tips import public as tips_public
from bot.tips import service as tips_service
from bot.tips import web_form as tips_form
from bot.tracking import dialogs as tracking_dialogs
from bot.tracking import public as tracking_public

# Chat routers, first match wins. Global commands (ยกเลิก, เมนู, ช่วยเหลือ) always come first.
CHAT_ROUTERS: list[Router] = [
    resident_dialogs.router,
    complaint_dialogs.router,
    tip_dialogs.router,
    inquiry_dialogs.router,
    tracking_dialogs.router,
    survey_dialogs.router,
    staff_dialogs.router,
    notice_dialogs.router,
    forum_dialogs.router,
    commands.office,
]

# What the engine's own dialogs borrow from the domains: the PDPA notice before personal data, who takes over
# a typed problem or question offered and accepted, and who reads a choice typed at a list.
CHAT_WIRING = commands.Wiring(
    needs_consent=resident_dialogs.ask_consent,
    offers={
        commands.Offer.COMPLAINT: complaint_dialogs.file_offered_text,
        commands.Offer.QUESTION: inquiry_dialogs.ask_offered_question,
    },
    list_choices={
        survey_dialogs.SurveyStep.LISTED: survey_dialogs.typed_list_choice,
        staff_dialogs.StaffTestStep.LISTED: staff_dialogs.typed_list_choice,
    },
)

# Every button payload the chat reads back, by its prefix (bot.chat.callbacks). Buttons already sent stay in
# chats and rich menus: a tap whose prefix is not here gets the polite "this button no longer works".
CALLBACKS: list[type[CallbackData]] = [
    commands.TakeOffer,
    resident_dialogs.Consent,
    resident_dialogs.PickVillage,
    resident_dialogs.VillagePage,
    resident_dialogs.ConfirmErase,
    complaint_dialogs.PickCategory,
    complaint_dialogs.AttachStep,
    complaint_dialogs.SkipPhone,
    complaint_dialogs.SubmitComplaint,
    complaints_service.ConfirmFix,
    complaints_service.RateHandling,
    tip_dialogs.Disclose,
    tip_dialogs.PickTipType,
    tip_dialogs.TipSkip,
    tip_dialogs.SubmitTip,
    inquiry_dialogs.PickKind,
    inquiry_dialogs.SubmitInquiry,
    inquiries_service.RateAnswer,
    survey_callbacks.OpenSurvey,
    survey_callbacks.ReviseSurvey,
    survey_callbacks.Answer,
    survey_callbacks.Toggle,
    staff_dialogs.OpenStaffTest,
    staff_dialogs.StaffTestAnswer,
    forum_callbacks.Rsvp,
    forum_callbacks.Opine,
]

HTTP_ROUTERS: list[APIRouter] = [
    webhook.router,
    operations_router,
    staff_api.router,
    outbox_api.router,
    survey_api.router,
    survey_reports.router,
    outcomes_api.targets_router,
    survey_roster.router,
    survey_public.router,
    survey_public.staff_test_router,
    notices_api.router,
    forums_api.router,
    forums_public.router,
    complaints_api.router,
    tips_api.router,
    complaints_public.router,
    inquiries_api.router,
    inquiries_public.router,
    inquiries_public.report_router,
    tips_public.router,
    portal_pages.router,
    outcomes_api.router,
    outcomes_public.router,
    complaints_form.router,
    tips_form.router,
    tracking_public.router,
    complaint_reports.router,
    complaint_reports.public_router,
    console_auth.router,
    console_home.router,
    console_complaints.router,
    console_tips.router,
    console_admin.router,
    console_notices.router,
    console_forums.router,
    console_surveys.router,
]


def _forget_webhook_payloads(session: Session, resident: Resident, now: datetime) -> None:
    privacy.forget_user(session, resident.line_user_id, f"erased-{resident.id}")


def _forget_conversation(session: Session, resident: Resident, now: datetime) -> None:
    conversation_state.forget(session, resident.id or 0)


# What a resident's erasure (ลบข้อมูลของฉัน) removes besides their LINE user id: every part keeping
# something about residents is listed here.
ERASERS: list[residents_service.Eraser] = [
    _forget_webhook_payloads,
    _forget_conversation,
    notices_service.erase_resident,
    forums_service.erase_resident,
    inquiries_service.erase_resident,
    surveys_service.forget_pending_ratings,
]


def _complaints_job(session: Session, now: datetime, runtime: Runtime) -> Any:
    return complaints_scheduler.run_due(session, now, settings=runtime.settings, org=runtime.org)


def _tips_job(session: Session, now: datetime, runtime: Runtime) -> Any:
    return {"flagged": tips_service.flag_unhandled(session, now)}


def _notices_job(session: Session, now: datetime, runtime: Runtime) -> Any:
    return {
        "handled": notices_scheduler.run_due(
            session, now, forum_audiences.FOR_NOTICES, runtime.settings.notice_multicast_per_second
        )
    }


def _survey_reminders_job(session: Session, now: datetime, runtime: Runtime) -> Any:
    return {"reminded": survey_reminders.remind_rostered(session, now, runtime.org)}


def _survey_ratings_job(session: Session, now: datetime, runtime: Runtime) -> Any:
    return {"counted": surveys_service.release_pending_ratings(session, now)}


def _sealed_dialogs_job(session: Session, now: datetime, runtime: Runtime) -> Any:
    return {"purged": conversation_state.purge_abandoned(session, now)}


def _quarantine_job(session: Session, now: datetime, runtime: Runtime) -> Any:
    before = now - timedelta(days=runtime.settings.quarantine_retention_days)
    return {"purged": privacy.purge_quarantine(session, before)}


def _vacuum_job(session: Session, now: datetime, runtime: Runtime) -> Any:
    return {"vacuumed": maintenance.vacuum_if_due(runtime.engine, now)}


# The work the clock makes due, run by the worker every SCHEDULER_INTERVAL_SECONDS (bot/scheduler.py).
JOBS: list[tuple[str, Job]] = [
    ("complaints", _complaints_job),  # the 15-day rule
    ("tips", _tips_job),
    ("notices", _notices_job),  # scheduled notices and forum reminders
    ("survey_reminders", _survey_reminders_job),  # rostered staff who have not answered, two weeks before the end
    ("survey_ratings", _survey_ratings_job),  # ratings kept aside, counted once their survey's opening day came
    ("sealed_dialogs", _sealed_dialogs_job),  # abandoned tip dialogs
    ("quarantine", _quarantine_job),  # bad webhook events past their retention (quarantine_retention_days)
    ("vacuum", _vacuum_job),  # PostgreSQL: reclaim the inbox's dead row versions (see bot/maintenance.py)
]

# Photos residents attach are fetched from LINE and kept (bot.media) by the adapter; a photo it refuses
# is told to its domain, which tells whoever sent it.
PHOTO_REFUSED: list[RefusalHook] = [complaints_service.photo_refused, tips_service.evidence_refused]

PEOPLE = People(
    find_or_create=residents_service.find_or_create,
    find_or_create_many=residents_service.find_or_create_many,
    has_consented=residents_service.has_current_consent,
    erase=functools.partial(residents_service.erase, erasers=ERASERS),
    stored_events=lambda session, resident: privacy.stored_events(session, resident.line_user_id),
    forget_messages=lambda session, resident: privacy.forget_messages(session, resident.line_user_id),
)


def line_quota(base_url: str, token: str, timeout: float) -> tuple[int | None, int]:
    """LINE's quota for the notices domain (`app.state.line_quota`), the adapter's failure in its words."""
    try:
        return quota_adapter.fetch(base_url, token, timeout)
    except quota_adapter.QuotaUnavailableError as error:
        raise notices_quota.QuotaUnavailableError(str(error)) from error


def build_dispatcher(runtime: Runtime) -> Dispatcher:
    return Dispatcher(
        CHAT_ROUTERS,
        commands.hooks(CHAT_WIRING),
        settings=runtime.settings,
        sealer=runtime.sealer,
        people=PEOPLE,
        callbacks=Callbacks(CALLBACKS),
    )


def build_sender(runtime: Runtime, api_base_url: str | None = None) -> Sender:
    return Sender(runtime, residents_service.unreachable, api_base_url=api_base_url)


def build_fetcher(runtime: Runtime, data_api_base_url: str | None = None) -> ContentFetcher:
    return ContentFetcher(runtime, PHOTO_REFUSED, data_api_base_url=data_api_base_url)


async def work(runtime: Runtime, stop: asyncio.Event, line_host: str | None = None) -> None:
    """The worker, wired: inbox processing, outbox delivery, photo fetching and scheduled jobs."""
    from bot.worker import InboxProcessor, run_worker

    processor = InboxProcessor(runtime, build_dispatcher(runtime))
    await run_worker(
        runtime, processor, build_sender(runtime, line_host), stop, build_fetcher(runtime, line_host), JOBS
    )


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    *,
    run_worker: bool = False,
    simulator_base_url: str | None = None,
) -> FastAPI:
    """The web app; with `run_worker` it also processes the inbox and sends the outbox in-process."""
    settings = settings or Settings()
    configure_logging(json_lines=settings.json_logs)
    engine = engine or make_engine(settings.database_url)
    runtime = Runtime.build(settings, engine)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = None
        if run_worker:
            line_host = simulator_base_url if settings.simulator_mode else None
            task = asyncio.create_task(work(runtime, stop, line_host))
        yield
        stop.set()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, timeout=10)

    app = FastAPI(
        title="Tambon",
        description="LINE bot and back office of a Thai local administration (อบต.)",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served offline below
        redoc_url=None,
    )
    app.state.runtime = runtime
    for error in HANDLED:  # one mapping of every refusal and outage to an answer (bot.http.handle_error)
        app.add_exception_handler(error, handle_error)
    app.add_middleware(RejectUnstorableText)
    app.add_middleware(DirectRoute, method="POST", path="/line/webhook", endpoint=webhook.receive_webhook)
    app.add_middleware(RequestContext)  # outermost: its request id covers the refusals above too
    app.state.line_quota = line_quota
    app.state.notice_forums = forum_audiences.FOR_NOTICES  # a notice's forum audience, from the forums domain
    app.state.error_page = portal_error_page  # public pages' errors in the portal's layout
    app.openapi = openapi_with_errors(app)  # type: ignore[method-assign]
    for router in HTTP_ROUTERS:
        app.include_router(router)
    app.mount(PORTAL_STATIC_URL, StaticFiles(directory=PORTAL_STATIC), name="portal-static")
    install_offline_docs(app)
    install_console(app)
    if settings.simulator_mode:
        from bot.line.simulator import routes as simulator

        app.include_router(simulator.build_router(runtime))

    @app.get("/healthz", tags=["operations"], summary="the process is up")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], summary="the webhook could store an event now")
    async def readyz() -> JSONResponse:
        budget = settings.webhook_store_timeout_seconds
        try:
            await asyncio.wait_for(run_in_threadpool(check_write_path, engine, budget), budget + 0.3)
        except (SQLAlchemyError, TimeoutError) as error:
            return JSONResponse({"status": "unavailable", "error": type(error).__name__}, status_code=503)
        return JSONResponse({"status": "ready", "mode": "simulator" if settings.simulator_mode else "line"})

    return app
