"""What every HTTP route shares: the runtime, one unit of work per request, and one way to fail.

Routes stay thin: they take `SessionDep` (the request's unit of work), call services and return. They never
commit: the unit of work commits when the route returns, rolls back when it raises, and wakes the outbox
sender after the commit when the request wrote outbox rows. Services refuse with `bot.errors` exceptions;
`handle_error` (registered once in `bot.main`) turns those, request validation failures, HTTP errors and
database outages into one body shape, `ErrorBody`, or into a short Thai HTML page for the public pages.
Who may call a route is in `bot.staff.roles`.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from html import escape
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import errors
from bot.db import MAX_INT32, take_outbox_pending
from bot.runtime import Runtime
from surveys.catalogue import SurveyConflict
from surveys.definition import DefinitionError
from surveys.flow import AnswerError

log = logging.getLogger(__name__)

# 422 under one name: Starlette renamed its constant (…_ENTITY → …_CONTENT) and warns about the old one.
UNPROCESSABLE = 422


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def request_time(runtime: RuntimeDep) -> datetime:
    """The request's business time, read once from the runtime's clock (the one clock tests pin)."""
    return runtime.clock()


Now = Annotated[datetime, Depends(request_time)]

# Bounds for every integer a caller sends: the columns are 32-bit, so a bigger number is simply not there.
MAX_ID = MAX_INT32
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="a record's id")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="how many rows to skip")]
VillageNo = Annotated[int | None, Query(ge=1, le=999, description="village (หมู่ที่) number")]
Code = Annotated[str, Path(min_length=1, max_length=40, description="a case code, e.g. C2570-00042")]
Key = Annotated[str, Path(min_length=1, max_length=48, description="a survey's key")]


# --- the unit of work -----------------------------------------------------------------------------


def unit_of_work(runtime: RuntimeDep) -> Iterator[Session]:
    """The request's session: committed if the route returns, rolled back if it raises; after a commit
    that queued messages (the outbox marks the session: `bot.db.mark_outbox_pending`) the in-process
    sender is woken, so the messages leave at once."""
    session = Session(runtime.engine, expire_on_commit=False)
    try:
        yield session
        wake = take_outbox_pending(session)
        session.commit()
        if wake:
            runtime.wake_outbox()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# "function": the commit happens before the response leaves, so a failed commit is answered, not hidden.
SessionDep = Annotated[Session, Depends(unit_of_work, scope="function")]


# --- one way to fail ------------------------------------------------------------------------------


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(default_factory=list, description='where: e.g. ["query", "offset"]')
    msg: str
    type: str


class ErrorBody(BaseModel):
    """Every error answered by /api (and /line, /simulator): a message for people, a code for programs."""

    detail: str = Field(description="what went wrong, in Thai, for the person who sent the request")
    code: str = Field(
        description="not_found, conflict, invalid, unauthorized, forbidden, unavailable, "
        "validation, bad_request, method_not_allowed, too_large, error"
    )
    errors: list[ErrorItem] = Field(default_factory=list, description="each problem, for 422 answers")
    allowed: list[str] | None = Field(
        default=None,
        description="a refused change of status (409): the statuses the record may move to; absent otherwise",
    )


STATUS_OF_KIND = {"not_found": 404, "conflict": 409, "invalid": UNPROCESSABLE, "unavailable": 503}
CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation",
    503: "unavailable",
}
DATABASE_DOWN = "ระบบฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่อีกครั้งในอีกสักครู่"
# Connection-level failures: the database is down, unreachable, restarting, or too slow to answer.
OUTAGES: tuple[type[BaseException], ...] = (
    sa.OperationalError,
    sa.InterfaceError,
    sa.DisconnectionError,
    sa.TimeoutError,
    TimeoutError,
)
# Errors of the standalone `surveys` package, which imports nothing from `bot` and so cannot use bot.errors.
SURVEY_ERRORS: dict[type[Exception], str] = {
    SurveyConflict: "conflict",
    AnswerError: "invalid",
    DefinitionError: "invalid",
}


def _describe(error: Exception) -> tuple[int, ErrorBody, dict[str, str] | None]:
    """The status, body and headers for an error, or re-raise what we cannot answer for (a real bug)."""
    if isinstance(error, errors.DomainError):
        kind = errors.kind(error)
        return (
            STATUS_OF_KIND[kind],
            ErrorBody(
                detail=str(error),
                code=kind,
                errors=[ErrorItem(msg=problem, type=kind) for problem in error.problems],
                allowed=error.allowed,
            ),
            None,
        )
    for cls, kind in SURVEY_ERRORS.items():
        if isinstance(error, cls):
            problems = getattr(error, "problems", None) or []
            detail = "; ".join(problems) if problems else str(error)
            return (
                STATUS_OF_KIND[kind],
                ErrorBody(detail=detail, code=kind, errors=[ErrorItem(msg=p, type=kind) for p in problems]),
                None,
            )
    if isinstance(error, RequestValidationError):
        items = [
            ErrorItem(
                loc=[str(part) if not isinstance(part, int) else part for part in e.get("loc", ())],
                msg=str(e.get("msg", "")),
                type=str(e.get("type", "")),
            )
            for e in error.errors()
        ]
        where = ", ".join(".".join(str(p) for p in item.loc[1:] or item.loc) for item in items)
        return (
            UNPROCESSABLE,
            ErrorBody(
                detail=f"ข้อมูลที่ส่งมาไม่ถูกต้อง: {where}" if where else "ข้อมูลที่ส่งมาไม่ถูกต้อง", code="validation", errors=items
            ),
            None,
        )
    if isinstance(error, StarletteHTTPException):
        detail = error.detail if isinstance(error.detail, str) else str(error.detail)
        return (
            error.status_code,
            ErrorBody(detail=detail, code=CODE_OF_STATUS.get(error.status_code, "error")),
            dict(error.headers) if error.headers else None,
        )
    if isinstance(error, OUTAGES):
        log.warning("database unavailable: %s", type(error).__name__)
        return 503, ErrorBody(detail=DATABASE_DOWN, code="unavailable"), {"Retry-After": "5"}
    if isinstance(error, sa.DataError | OverflowError):  # a value the database refuses (out of range…): the caller's
        return UNPROCESSABLE, ErrorBody(detail="ข้อมูลที่ส่งมาไม่ถูกต้อง", code="invalid"), None
    if isinstance(error, sa.IntegrityError):  # a duplicate that slipped past the service's own check
        return 409, ErrorBody(detail="ข้อมูลนี้ขัดกับข้อมูลที่มีอยู่แล้ว กรุณาโหลดข้อมูลใหม่แล้วลองอีกครั้ง", code="conflict"), None
    raise error


# Paths answered in JSON; everything else is a page people read, answered with a Thai HTML page.
JSON_PREFIXES = ("/api/", "/line/", "/simulator", "/healthz", "/readyz", "/openapi.json", "/docs", "/redoc")


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(JSON_PREFIXES) or path.endswith(".json")


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """The one error page of the public site: short, Thai, no details of the system. `main.py` sets the
    portal's version, in the site's layout, as `app.state.error_page`; this bare one stands in without it."""
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    org = escape(runtime.org.name) if runtime is not None else ""
    title = {404: "ไม่พบหน้านี้", 503: "ระบบไม่พร้อมให้บริการชั่วคราว"}.get(status, "ไม่สามารถแสดงหน้านี้ได้")
    html = (
        "<!doctype html><html lang='th'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)}</title></head><body style='font-family:sans-serif;max-width:40rem;"
        f"margin:2rem auto;padding:0 1rem'><p>{org}</p><h1>{escape(title)}</h1><p>{escape(message)}</p>"
        "<p><a href='/public/complaints'>กลับสู่หน้าหลัก</a></p></body></html>"
    )
    return HTMLResponse(html, status_code=status)


def _routes(app: Any) -> Iterator[tuple[str, set[str]]]:
    """Every HTTP route of the app as (full path template, methods). FastAPI ≥ 0.16x keeps an included router as
    one `_IncludedRouter` entry whose routes are listed by `effective_route_contexts()`; older versions copy the
    routes into `app.router.routes`. Both are read."""
    for route in app.router.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        for item in contexts() if callable(contexts) else (route,):
            path, methods = getattr(item, "path", None), getattr(item, "methods", None)
            if isinstance(path, str) and methods:
                yield path, set(methods)


@functools.lru_cache(maxsize=1024)
def _path_pattern(template: str) -> re.Pattern[str]:
    return compile_path(template)[0]


def allowed_methods(request: Request) -> str:
    """`Allow` for a 405: every method of the routes for this path (Starlette names only the first route's),
    the routes written for exactly this path winning over templated ones (`/notices/staff-link` is not a
    `/notices/{notice_id}`)."""
    path = request.url.path
    routes = [(template, methods) for template, methods in _routes(request.app) if _path_pattern(template).match(path)]
    exact = [(template, methods) for template, methods in routes if template == path]
    allowed = {m for _, methods in exact or routes for m in methods} - {"HEAD", "OPTIONS"}
    return ", ".join(sorted(allowed))


def _literal_path_of_other_methods(request: Request, error: Exception) -> bool:
    """A path id that is not an id because the path is another route's literal one (`GET /notices/staff-link`,
    which only has POST, reached `GET /notices/{notice_id}`): the method is what is wrong, so 405, not 422."""
    if not isinstance(error, RequestValidationError):
        return False
    if not any(tuple(e.get("loc", ()))[:1] == ("path",) for e in error.errors()):
        return False
    return any(
        template == request.url.path and request.method not in methods for template, methods in _routes(request.app)
    )


async def handle_error(request: Request, error: Exception) -> Response:
    """The single mapping from an error to an answer (see the module docstring)."""
    if _literal_path_of_other_methods(request, error):
        error = StarletteHTTPException(405)  # the same answer as any other method a path lacks
    status, body, headers = _describe(error)
    if status == 405:
        headers = {**(headers or {}), "Allow": allowed_methods(request)}
    if not wants_json(request):
        page = getattr(request.app.state, "error_page", error_page)
        response: Response = page(request, status, body.detail)
        if headers:
            response.headers.update(headers)
        return response
    return JSONResponse(jsonable_encoder(body, exclude_none=True), status_code=status, headers=headers)


HANDLED: tuple[type[Exception], ...] = (
    errors.DomainError,
    *SURVEY_ERRORS,
    RequestValidationError,
    StarletteHTTPException,
    sa.SQLAlchemyError,
    TimeoutError,
    OverflowError,
)


# --- text no database stores ----------------------------------------------------------------------

_NUL_IN_JSON = re.compile(rb"\\u0000")
_SURROGATE_PAIR = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
UNSTORABLE = "ข้อความมีอักขระที่ระบบรับไม่ได้ (NUL หรือ surrogate ที่ไม่ครบคู่)"


def _unstorable_body(body: bytes) -> bool:
    """NUL (PostgreSQL refuses it in text) or a lone surrogate (no encoding can store it), JSON-escaped."""
    return bool(_NUL_IN_JSON.search(body) or _SURROGATE.search(_SURROGATE_PAIR.sub(b"", body)))


class RejectUnstorableText:
    """422 for a NUL or lone surrogate anywhere in the path, the query or a JSON body, before any route reads
    it: such text cannot be stored, and would otherwise fail deep in the database driver. The LINE webhook
    keeps its own rules (it quarantines such events instead)."""

    def __init__(self, app: ASGIApp, skip_prefixes: tuple[str, ...] = ("/line/",)) -> None:
        self.app = app
        self.skip_prefixes = skip_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.skip_prefixes):
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        bad = "\x00" in scope["path"] or b"%00" in query or b"\x00" in query
        replay = receive
        if not bad and scope["method"] in ("POST", "PUT", "PATCH"):
            chunks, more = [], True
            while more:
                message = await receive()
                if message["type"] != "http.request":  # the client went away
                    await self.app(scope, _replaying([message], receive), send)
                    return
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
            body = b"".join(chunks)
            bad = _unstorable_body(body)
            replay = _replaying([{"type": "http.request", "body": body, "more_body": False}], receive)
        if bad:
            error = RequestValidationError([{"loc": ("request",), "msg": UNSTORABLE, "type": "unstorable_text"}])
            response = await handle_error(Request(scope), error)
            await response(scope, receive, send)
            return
        await self.app(scope, replay, send)


def _replaying(messages: list[Message], then: Receive) -> Receive:
    """`messages` first, then the client's own (a later receive waits for the disconnect, as usual)."""
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await then()

    return replay


# --- the OpenAPI document tells the truth about errors ---------------------------------------------

ERROR_DESCRIPTIONS = {
    "400": "the body could not be read (not UTF-8 or not JSON at all)",
    "401": "no valid API token (`Authorization: Bearer …`)",
    "403": "the token's role may not use this route",
    "404": "no such record (or page)",
    "409": "the record's current state forbids this",
    "422": "the request breaks a rule: `errors` names each problem",
    "503": "the database (or LINE) cannot answer now; try again (`Retry-After`)",
}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare on every operation the errors `handle_error` may answer, in the one body shape (HTML for
    public pages): 422 and 503 anywhere, 404 where the path names a record, 409 on writes, 401/403 where a
    token is required."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(body.pop("$defs", {}))
    components["ErrorBody"] = body
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    json_error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    html_error = {"text/html": {"schema": {"type": "string"}}}
    for path, operations in schema.get("paths", {}).items():
        is_json = path.startswith(JSON_PREFIXES) or path.endswith(".json")
        for method, operation in operations.items():
            codes = {"422", "503"}
            if "{" in path or not is_json:
                codes.add("404")
            if method in ("post", "put", "patch", "delete"):
                codes.add("409")
            if "requestBody" in operation:
                codes.add("400")
            if operation.get("security"):
                codes |= {"401", "403", "404"}
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses[code] = {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": json_error if is_json else html_error,
                }
    return schema


def openapi_with_errors(app: Any) -> Any:
    """`app.openapi`, with `document_errors` applied once."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(generate())
        return app.openapi_schema

    return openapi


class DirectRoute:
    """ASGI middleware answering one hot route itself, before routing, dependency solving and the other
    middleware: LINE's webhook, which must acknowledge thousands of events a second and needs none of them
    (it reads its raw body and handles its own errors). The route stays declared on its router for the
    OpenAPI document."""

    def __init__(
        self, app: ASGIApp, method: str, path: str, endpoint: Callable[[Request], Awaitable[Response]]
    ) -> None:
        self.app, self.method, self.path, self.endpoint = app, method, path, endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path and scope["method"] == self.method:
            response = await self.endpoint(Request(scope, receive))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
