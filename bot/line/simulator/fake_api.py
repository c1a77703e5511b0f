"""An emulation of the LINE Messaging API routes our SDK calls, answering with LINE's shapes.

Serves the simulator (under `/simulator/line`) and the tests (as their fake LINE server). It checks
what LINE checks that matters to us: bearer token, reply tokens (single use, short-lived), retry
keys (a second request with an accepted key gets 409), and it can be told to fail on purpose.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from bot.line.simulator.state import Call, SimulatorState


class _Reset(Response):
    """Starts an answer and drops the connection half-way (the client sees a reset, no status)."""

    def __init__(self) -> None:
        super().__init__(b"{}")
        self.status_code = 0  # what the recorded call shows: no status ever reached the client

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")],
            }
        )
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        raise ConnectionResetError("simulated connection reset")


def _fault_response(fault: Any) -> Response:
    if fault.reset:
        return _Reset()
    status = fault.status or 500
    return JSONResponse({"message": f"simulated failure {status}"}, status_code=status, headers=fault.headers)


def _sent(messages: list[Any]) -> dict[str, Any]:
    return {
        "sentMessages": [{"id": str(secrets.randbelow(10**18)), "quoteToken": secrets.token_hex(16)} for _ in messages]
    }


class _RecordingRoute(APIRoute):
    """Stores the status each call was finally answered with on its recorded `Call`."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:  # type: ignore[override]
        handle = super().get_route_handler()

        async def recorded(request: Request) -> Response:
            response = await handle(request)
            call = getattr(request.state, "call", None)
            if call is not None:
                call.status = response.status_code
            return response

        return recorded


def build_fake_line_router(state: SimulatorState) -> APIRouter:
    """Routes for both LINE hosts (api and api-data), mounted wherever the caller prefixes them."""
    router = APIRouter(include_in_schema=False, route_class=_RecordingRoute)

    async def guard(request: Request, operation: str) -> tuple[Any, Response | None]:
        """Parse, authenticate and record one call; a Response means answer with it at once."""
        raw = await request.body()
        content_type = request.headers.get("content-type", "")
        body: Any = json.loads(raw) if raw and "json" in content_type else (raw or None)
        headers = {k.lower(): v for k, v in request.headers.items() if k.lower() != "authorization"}
        auth = request.headers.get("authorization", "")
        status = 200
        early: Response | None = None
        hang = 0.0
        if not auth.startswith("Bearer ") or (state.expected_token and auth != f"Bearer {state.expected_token}"):
            status, early = 401, JSONResponse({"message": "Authentication failed"}, status_code=401)
        else:
            fault = state.take_fault(operation)
            if fault is not None and not fault.after_processing:
                if fault.status == 0 and not fault.reset:
                    hang = fault.delay_seconds or 30
                else:
                    status = 0 if fault.reset else fault.status
                    early = _fault_response(fault)
            elif fault is not None:
                request.state.late_fault = fault
        call = Call(operation, request.url.path, headers, body, status)
        request.state.call = call
        with state.lock:  # recorded on arrival, so a test that moved on never sees it late
            state.calls.append(call)
        if hang:  # the client gives up; LINE still goes on to process the request
            await asyncio.sleep(hang)
        return body, early

    async def late(request: Request, ok: Response) -> Response:
        """A fault after processing: LINE did the work but our client never hears it."""
        fault = getattr(request.state, "late_fault", None)
        if fault is None:
            return ok
        if fault.status == 0 and not fault.reset:  # LINE took it, then answers too late for our client
            await asyncio.sleep(fault.delay_seconds or 30)
            return ok
        return _fault_response(fault)

    def retry_conflict(request: Request) -> Response | None:
        key = request.headers.get("x-line-retry-key")
        if key and key in state.accepted_retry_keys:
            return JSONResponse(
                {"message": "The retry key is already accepted"},
                status_code=409,
                headers={"x-line-accepted-request-id": state.accepted_retry_keys[key]},
            )
        return None

    def accept_retry_key(request: Request) -> None:
        key = request.headers.get("x-line-retry-key")
        if key:
            with state.lock:
                state.accepted_retry_keys[key] = secrets.token_hex(16)

    @router.post("/v2/bot/message/reply")
    async def reply_message(request: Request) -> Response:
        body, early = await guard(request, "replyMessage")
        if early:
            return early
        user_id = state.use_reply_token(body.get("replyToken", ""))
        if user_id is None:
            return JSONResponse({"message": "Invalid reply token"}, status_code=400)
        state.record(user_id, "bot", "reply", body["messages"])
        return await late(request, JSONResponse(_sent(body["messages"])))

    @router.post("/v2/bot/message/push")
    async def push_message(request: Request) -> Response:
        body, early = await guard(request, "pushMessage")
        if early:
            return early
        if conflict := retry_conflict(request):
            return conflict
        if body.get("to") not in state.users:
            return JSONResponse({"message": "Failed to send messages"}, status_code=400)
        accept_retry_key(request)
        state.record(body["to"], "bot", "push", body["messages"])
        return await late(request, JSONResponse(_sent(body["messages"])))

    @router.post("/v2/bot/message/multicast")
    async def multicast(request: Request) -> Response:
        body, early = await guard(request, "multicast")
        if early:
            return early
        if conflict := retry_conflict(request):
            return conflict
        if not 1 <= len(body.get("to", [])) <= 500:
            return JSONResponse({"message": "The request body has 1 error(s)"}, status_code=400)
        accept_retry_key(request)
        for user_id in body["to"]:
            if user_id in state.users:
                state.record(user_id, "bot", "multicast", body["messages"])
        return await late(request, JSONResponse({}))

    @router.post("/v2/bot/message/broadcast")
    async def broadcast(request: Request) -> Response:
        body, early = await guard(request, "broadcast")
        if early:
            return early
        if conflict := retry_conflict(request):
            return conflict
        accept_retry_key(request)
        for user_id in list(state.users):
            state.record(user_id, "bot", "broadcast", body["messages"])
        return await late(request, JSONResponse({}))

    @router.get("/v2/bot/profile/{user_id}")
    async def get_profile(user_id: str, request: Request) -> Response:
        _, early = await guard(request, "getProfile")
        if early:
            return early
        if user_id not in state.users:
            return JSONResponse({"message": "Not found"}, status_code=404)
        return JSONResponse({"userId": user_id, "displayName": state.users[user_id], "language": "th"})

    @router.get("/v2/bot/message/{message_id}/content")
    async def get_message_content(message_id: str, request: Request) -> Response:
        _, early = await guard(request, "getMessageContent")
        if early:
            return early
        if message_id not in state.content:
            return JSONResponse({"message": "Not found"}, status_code=404)
        data, media_type = state.content[message_id]
        return Response(data, media_type=media_type)

    @router.post("/v2/bot/chat/loading/start")
    async def show_loading_animation(request: Request) -> Response:
        _, early = await guard(request, "showLoadingAnimation")
        return early or JSONResponse({}, status_code=202)

    @router.get("/v2/bot/info")
    async def get_bot_info(request: Request) -> Response:
        _, early = await guard(request, "getBotInfo")
        return early or JSONResponse(
            {
                "userId": state.bot_user_id,
                "basicId": "@tambon",
                "displayName": "Tambon",
                "chatMode": "bot",
                "markAsReadMode": "auto",
            }
        )

    @router.get("/v2/bot/message/quota")
    async def get_message_quota(request: Request) -> Response:
        _, early = await guard(request, "getMessageQuota")
        return early or JSONResponse({"type": "limited", "value": 500})

    @router.get("/v2/bot/message/quota/consumption")
    async def get_message_quota_consumption(request: Request) -> Response:
        _, early = await guard(request, "getMessageQuotaConsumption")
        pushed = sum(1 for c in state.calls if c.operation in ("pushMessage", "multicast") and c.status == 200)
        return early or JSONResponse({"totalUsage": pushed})

    @router.post("/v2/bot/richmenu")
    async def create_rich_menu(request: Request) -> Response:
        body, early = await guard(request, "createRichMenu")
        if early:
            return early
        rich_menu_id = "richmenu-" + secrets.token_hex(16)
        with state.lock:
            state.rich_menus[rich_menu_id] = body
        return JSONResponse({"richMenuId": rich_menu_id})

    @router.post("/v2/bot/richmenu/validate")
    async def validate_rich_menu_object(request: Request) -> Response:
        _, early = await guard(request, "validateRichMenuObject")
        return early or JSONResponse({})

    @router.post("/v2/bot/richmenu/{rich_menu_id}/content")
    async def set_rich_menu_image(rich_menu_id: str, request: Request) -> Response:
        body, early = await guard(request, "setRichMenuImage")
        if early:
            return early
        if rich_menu_id not in state.rich_menus:
            return JSONResponse({"message": "Not found"}, status_code=404)
        with state.lock:
            state.rich_menu_images[rich_menu_id] = (body or b"", request.headers.get("content-type", ""))
        return JSONResponse({})

    @router.post("/v2/bot/user/all/richmenu/{rich_menu_id}")
    async def set_default_rich_menu(rich_menu_id: str, request: Request) -> Response:
        _, early = await guard(request, "setDefaultRichMenu")
        if early:
            return early
        if rich_menu_id not in state.rich_menus:
            return JSONResponse({"message": "Not found"}, status_code=404)
        state.default_rich_menu = rich_menu_id
        return JSONResponse({})

    @router.get("/v2/bot/richmenu/list")
    async def get_rich_menu_list(request: Request) -> Response:
        _, early = await guard(request, "getRichMenuList")
        menus = [{"richMenuId": key, **value} for key, value in state.rich_menus.items()]
        return early or JSONResponse({"richmenus": menus})

    @router.delete("/v2/bot/richmenu/{rich_menu_id}")
    async def delete_rich_menu(rich_menu_id: str, request: Request) -> Response:
        _, early = await guard(request, "deleteRichMenu")
        if early:
            return early
        with state.lock:
            state.rich_menus.pop(rich_menu_id, None)
            state.rich_menu_images.pop(rich_menu_id, None)
            if state.default_rich_menu == rich_menu_id:  # as LINE does: no default any more
                state.default_rich_menu = None
        return JSONResponse({})

    return router
