"""The whole system in two lists: every HTTP router and every chat router, in priority order."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.chat import commands
from bot.chat.engine import Dispatcher, Router
from bot.complaints import api as complaints_api
from bot.complaints import dialogs as complaint_dialogs
from bot.complaints import public as complaints_public
from bot.complaints import reports as complaint_reports
from bot.complaints import tracking
from bot.config import Settings
from bot.console import admin as console_admin
from bot.console import auth as console_auth
from bot.console import complaints as console_complaints
from bot.console import home as console_home
from bot.console import install as install_console
from bot.console import notices as console_notices
from bot.console import tips as console_tips
from bot.db import check_write_path, make_engine
from bot.forums import api as forums_api
from bot.forums import dialogs as forum_dialogs
from bot.forums import public as forums_public
from bot.inquiries import api as inquiries_api
from bot.inquiries import dialogs as inquiry_dialogs
from bot.inquiries import public as inquiries_public
from bot.line import webhook
from bot.logs import configure_logging
from bot.notices import api as notices_api
from bot.notices import dialogs as notice_dialogs
from bot.operations import RequestContext
from bot.operations import router as operations_router
from bot.outbox import api as outbox_api
from bot.outcomes import api as outcomes_api
from bot.outcomes import public as outcomes_public
from bot.portal import intake as portal_intake
from bot.portal import pages as portal_pages
from bot.portal.docs import install_offline_docs
from bot.portal.render import STATIC_DIR as PORTAL_STATIC
from bot.portal.render import STATIC_URL as PORTAL_STATIC_URL
from bot.residents import dialogs as resident_dialogs
from bot.runtime import Runtime
from bot.staff import api as staff_api
from bot.surveys import api as survey_api
from bot.surveys import dialogs as survey_dialogs
from bot.surveys import public as survey_public
from bot.surveys import reports_api as survey_reports
from bot.surveys import roster_api as survey_roster
from bot.tips import api as tips_api
from bot.tips import dialogs as tip_dialogs
from bot.tips import public as tips_public

# Chat routers, first match wins. Global commands (ยกเลิก, เมนู, ช่วยเหลือ) always come first; the
# placeholders for services not built yet come last, so a real router added above them takes over.
CHAT_ROUTERS: list[Router] = [
    resident_dialogs.router,
    complaint_dialogs.router,
    tip_dialogs.router,
    inquiry_dialogs.router,
    tracking.router,
    survey_dialogs.router,
    notice_dialogs.router,
    forum_dialogs.router,
    commands.office,
    commands.coming_soon,
]

HTTP_ROUTERS: list[APIRouter] = [
    webhook.router,
    operations_router,
    staff_api.router,
    outbox_api.router,
    survey_api.router,
    survey_reports.router,
    survey_roster.router,
    survey_public.router,
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
    portal_intake.router,
    complaint_reports.router,
    complaint_reports.public_router,
    console_auth.router,
    console_home.router,
    console_complaints.router,
    console_tips.router,
    console_admin.router,
    console_notices.router,
]


def build_dispatcher(runtime: Runtime) -> Dispatcher:
    return Dispatcher(
        CHAT_ROUTERS,
        commands.hooks(needs_consent=resident_dialogs.ask_consent),
        settings=runtime.settings,
        sealer=runtime.sealer,
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
            from bot.line.content import ContentFetcher
            from bot.line.sender import Sender
            from bot.worker import InboxProcessor
            from bot.worker import run_worker as worker_loop

            line_host = simulator_base_url if settings.simulator_mode else None
            processor = InboxProcessor(runtime, build_dispatcher(runtime))
            fetcher = ContentFetcher(runtime, data_api_base_url=line_host)
            task = asyncio.create_task(worker_loop(runtime, processor, Sender(runtime, api_base_url=line_host), stop,
                                                   fetcher))
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
    app.add_middleware(RequestContext)
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
