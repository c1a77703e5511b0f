"""The simulator's page and the small JSON API it drives (only mounted in simulator mode).

The page never calls our handlers directly: it asks this API to post a *signed* webhook to our own
`/line/webhook`, and reads back what the real SDK sent to the emulated LINE API.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any, Literal

import httpx
import structlog
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from bot.line import richmenu, signature
from bot.line.simulator import events
from bot.line.simulator.fake_api import build_fake_line_router
from bot.line.simulator.state import SimulatorState
from bot.organisation import Organisation
from bot.runtime import Runtime

log = structlog.get_logger(__name__)

PAGE = Path(__file__).with_name("page.html")
LINE_PREFIX = "/simulator/line"
MAX_IMAGE_BYTES = 10 * 1024 * 1024


class NewUser(BaseModel):
    name: str = Field(min_length=1, max_length=40)


class Send(BaseModel):
    user_id: str = Field(pattern=r"^U[0-9a-f]{32}$")
    kind: Literal["follow", "unfollow", "text", "postback", "location", "image", "sticker"]
    text: str | None = Field(default=None, max_length=5000)
    data: str | None = Field(default=None, max_length=300)
    display_text: str | None = Field(default=None, max_length=300)
    params: dict[str, str] | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = Field(default=None, max_length=100)
    image_base64: str | None = None
    image_type: str = "image/jpeg"


def deploy_rich_menu(state: SimulatorState, org: Organisation) -> str | None:
    """Simulator mode: the rich menu is there from the start (the page shows it at once), the one
    `tambon richmenu deploy` makes. Without a Thai font the page simply has no menu (logged)."""
    try:
        image = richmenu.render_image(org)
    except (richmenu.RichMenuError, OSError) as error:
        log.warning("simulator.richmenu_not_deployed", error=str(error))
        return None
    return state.install_rich_menu(richmenu.menu_request(org).to_dict(), image)


def build_router(runtime: Runtime, state: SimulatorState | None = None) -> APIRouter:
    if state is None:
        state = SimulatorState(reply_token_ttl=runtime.settings.reply_token_ttl_seconds + 10)
        deploy_rich_menu(state, runtime.org)
    router = APIRouter(prefix="/simulator", tags=["simulator"])
    router.include_router(build_fake_line_router(state), prefix="/line")

    @router.get("", response_class=HTMLResponse, summary="LINE simulator page")
    def page() -> HTMLResponse:
        return HTMLResponse(PAGE.read_text(encoding="utf-8"))

    @router.get("/api/users")
    def list_users() -> list[dict[str, Any]]:
        """Each simulated resident, and whether they have the bot as a friend (the page's เพิ่มเพื่อน / บล็อก)."""
        return [{"user_id": uid, "name": name, "followed": uid in state.friends} for uid, name in state.users.items()]

    @router.post("/api/users")
    def add_user(body: NewUser) -> dict[str, Any]:
        return {"user_id": state.add_user(body.name), "name": body.name, "followed": False}

    @router.get("/api/transcript")
    def transcript(user_id: str, after: int = 0) -> list[dict[str, Any]]:
        with state.lock:
            return [e for e in state.transcript if e["user_id"] == user_id and e["seq"] > after]

    @router.get("/api/richmenu")
    def rich_menu() -> dict[str, Any]:
        menu_id = state.default_rich_menu
        return {"rich_menu_id": menu_id, "menu": state.rich_menus.get(menu_id) if menu_id else None}

    @router.get("/api/richmenu/image")
    def rich_menu_image() -> Response:
        menu_id = state.default_rich_menu
        if not menu_id or menu_id not in state.rich_menu_images:
            raise HTTPException(404, "no rich menu deployed: run `tambon richmenu deploy`")
        data, media_type = state.rich_menu_images[menu_id]
        return Response(data, media_type=media_type or "image/png")

    @router.post("/api/send")
    async def send(body: Send, request: Request) -> dict[str, Any]:
        """Act as LINE: build the event, sign it with the channel secret, post it to our webhook."""
        if body.user_id not in state.users:
            raise HTTPException(404, "unknown simulated user")
        content: dict[str, Any] = {}
        if body.kind == "text":
            if not body.text:
                raise HTTPException(422, "text is required")
            content["text"] = body.text
        elif body.kind == "postback":
            if not body.data:
                raise HTTPException(422, "data is required")
            content.update(data=body.data, params=body.params)
        elif body.kind == "location":
            if body.latitude is None or body.longitude is None:
                raise HTTPException(422, "latitude and longitude are required")
            content.update(latitude=body.latitude, longitude=body.longitude, address=body.address or "")
        elif body.kind == "image":
            content["message_id"] = _store_image(state, body)
        if body.kind == "follow":
            content["unblocked"] = body.user_id in state.blocked
            state.blocked.discard(body.user_id)
            state.friends.add(body.user_id)
        elif body.kind == "unfollow":
            state.blocked.add(body.user_id)
            state.friends.discard(body.user_id)
        token = state.issue_reply_token(body.user_id) if body.kind != "unfollow" else None
        stamp = int(runtime.clock().timestamp() * 1000)  # simulated LINE keeps the runtime's time
        event = events.event(body.kind, body.user_id, reply_token=token, timestamp_ms=stamp, **content)
        if body.kind in ("text", "location", "image", "sticker"):
            state.record(body.user_id, "user", "webhook", [event["message"]])
        elif body.kind == "postback":
            shown = {"type": "postback", "data": body.data, "displayText": body.display_text}
            state.record(body.user_id, "user", "webhook", [shown])
        raw = events.body([event], destination=state.bot_user_id)
        headers = {"content-type": "application/json", "x-line-signature": signature.sign(runtime.channel_secret, raw)}
        transport = httpx.ASGITransport(app=request.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://simulator") as client:
            answer = await client.post("/line/webhook", content=raw, headers=headers)
        return {"webhook_status": answer.status_code, "event_id": event["webhookEventId"]}

    return router


def _store_image(state: SimulatorState, body: Send) -> str:
    if not body.image_base64:
        raise HTTPException(422, "image_base64 is required")
    try:
        data = base64.b64decode(body.image_base64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise HTTPException(422, "image_base64 is not base64") from error
    if len(data) > MAX_IMAGE_BYTES:
        raise HTTPException(413, "image larger than 10 MB")
    message_id = events.new_message_id()
    state.content[message_id] = (data, body.image_type)
    return message_id
