"""The staff web console: server-rendered Thai pages over the domain services (templates/, static/)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from bot.console.web import HERE, LOGIN_PATH, SignInFirst


def install(app: FastAPI) -> None:
    """Static files and the redirect to the sign-in form; the routers are in bot.main's list."""
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")

    async def sign_in_first(request: Request, _: Exception) -> RedirectResponse:
        return RedirectResponse(LOGIN_PATH, status_code=303)

    app.add_exception_handler(SignInFirst, sign_in_first)
