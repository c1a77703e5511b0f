"""Real-browser helpers for console tests: the service as `tambon serve` (simulator mode, from the simulator
page test), staff made with the CLI, a resident who chats through the simulator's API, Chromium pages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright import sync_api

from tests.line.test_simulator_page import CHROMIUM, CHROMIUM_ARGS, LINE_ENV, REPO, WAIT_MS, _free_port

PASSWORD = "a long console password"
CODE = re.compile(r"[CT]\d{4}-\d{5}")
# Set to a folder (e.g. docs/screenshots) to keep the pages' screenshots; otherwise they go to tmp_path.
SHOTS = os.environ.get("TAMBON_SCREENSHOTS")


def cli(tmp_path: Path, *args: str, stdin: str | None = None) -> str:
    """`tambon …` against the service's SQLite file (the service runs in tmp_path too)."""
    env = {key: value for key, value in os.environ.items() if key not in LINE_ENV}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def add_staff(tmp_path: Path, name: str, role: str, username: str, unit: str | None = None) -> None:
    cli(
        tmp_path,
        "staff",
        "add",
        "--name",
        name,
        "--role",
        role,
        "--username",
        username,
        *(["--unit", unit] if unit else []),
    )
    cli(tmp_path, "staff", "password", username, stdin=PASSWORD + "\n")


class Resident:
    """A resident chatting with the real bot through the simulator (signed webhooks, the real SDK out)."""

    def __init__(self, base: str, name: str) -> None:
        self.base = base
        self.user_id = httpx.post(f"{base}/simulator/api/users", json={"name": name}, timeout=10).json()["user_id"]

    def bot_messages(self) -> list[dict[str, Any]]:
        entries = httpx.get(
            f"{self.base}/simulator/api/transcript", params={"user_id": self.user_id}, timeout=10
        ).json()
        return [e["message"] for e in entries if e["from"] == "bot"]

    def texts(self) -> list[str]:
        found = []
        for message in self.bot_messages():
            if message.get("type") == "text":
                found.append(message["text"])
            elif message.get("type") == "template":
                found.append(message["template"].get("text", ""))
        return found

    def send(self, kind: str, **content: Any) -> dict[str, Any]:
        """Send one event and wait for the bot's answer; returns the bot's last message."""
        before = len(self.bot_messages())
        response = httpx.post(
            f"{self.base}/simulator/api/send", json={"user_id": self.user_id, "kind": kind, **content}, timeout=10
        )
        assert response.status_code == 200, response.text
        return self.wait_for_more(before)

    def wait_for_more(self, before: int) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_MS / 1000
        while time.monotonic() < deadline:
            messages = self.bot_messages()
            if len(messages) > before:
                time.sleep(0.2)  # a turn may answer with several messages
                return self.bot_messages()[-1]
            time.sleep(0.1)
        raise AssertionError("the bot did not answer")

    def wait_for_text(self, marker: str, timeout_s: float = 60) -> str:
        """The first text from the bot containing `marker`, polling the transcript until it arrives (a push
        goes out through the outbox, so it may take a moment on a busy machine)."""
        deadline = time.monotonic() + timeout_s
        while True:
            found = [text for text in self.texts() if marker in text]
            if found:
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no message with {marker!r} within {timeout_s} s: {self.texts()}")
            time.sleep(0.25)

    def quick(self, label: str) -> str:
        message = self.bot_messages()[-1]
        for item in message.get("quickReply", {}).get("items", []):
            if item["action"].get("label") == label:
                return item["action"]["data"]
        raise AssertionError(f"no quick reply {label!r} in {message}")

    def onboard(self, village: int) -> None:
        self.send("follow")
        self.send("postback", data="consent:1", display_text="ยินยอม")
        self.send("postback", data=f"village:{village}", display_text=f"หมู่ {village}")

    def complain(self, text: str, category: str = "ไฟส่องสว่าง") -> str:  # the short label
        self.send("text", text="ร้องเรียน")
        self.send("postback", data=self.quick(category), display_text=category)
        self.send("text", text=text)
        self.send("postback", data=self.quick("ถัดไป"), display_text="ถัดไป")
        self.send("postback", data=self.quick("ข้าม"), display_text="ข้าม")
        confirm = self.bot_messages()[-1]["template"]["actions"][0]["data"]
        answer = self.send("postback", data=confirm, display_text="ยืนยัน")
        found = CODE.search(answer.get("text", ""))
        assert found, answer
        return found.group(0)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[str]:
    """`python -m bot.cli serve` in tmp_path (simulator mode, SQLite there); the base URL once healthy.
    Like the simulator page test's, with more patience: on a busy 2-core machine start-up can take a while."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in LINE_ENV}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    log_path = tmp_path / "serve.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    pytest.fail(f"service exited with {process.returncode}:\n{log_path.read_text(errors='replace')}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"service not healthy after 120 s:\n{log_path.read_text(errors='replace')}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def browser(service: str) -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def new_page(browser: sync_api.Browser, *, phone: bool = False) -> sync_api.Page:
    size = {"width": 414, "height": 860} if phone else {"width": 1280, "height": 860}
    context = browser.new_context(viewport=size, locale="th-TH", timezone_id="Asia/Bangkok")
    context.set_default_timeout(WAIT_MS)
    sync_api.expect.set_options(timeout=WAIT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: _answer(dialog, errors))
    page.errors = errors  # type: ignore[attr-defined]
    return page


def _answer(dialog: sync_api.Dialog, errors: list[str]) -> None:
    """Our own "are you sure?" questions are answered yes; any other dialog (an alert run by injected
    script) is an error."""
    if dialog.type == "confirm":
        dialog.accept()
    else:
        errors.append(f"{dialog.type} opened: {dialog.message}")
        dialog.dismiss()


def sign_in(page: sync_api.Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/console")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(password)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    sync_api.expect(page.get_by_test_id("signed-in-as")).to_be_visible()


def reload_until(
    page: sync_api.Page, locator: Callable[[], sync_api.Locator], text: str, timeout_s: float = 60
) -> None:
    """Reload until the element shows `text`: for figures written by the worker after the page was drawn."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            sync_api.expect(locator()).to_contain_text(text, timeout=2_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()


def shot(page: sync_api.Page, tmp_path: Path, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
