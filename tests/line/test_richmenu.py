"""`tambon richmenu deploy`: the drawn image, the tap areas, and the calls it makes to LINE."""

from __future__ import annotations

import asyncio
import io
from itertools import combinations
from pathlib import Path

import pytest
from PIL import Image

from bot.chat.texts import MENU_ITEMS
from bot.config import Settings
from bot.line import richmenu
from bot.organisation import load_organisation
from tests.fake_line import FakeLine

KEYWORDS = ["ร้องเรียน", "แจ้งทุจริต", "ติดตาม", "สอบถาม", "แบบสอบถาม", "ข่าวสาร", "ติดต่อ", "ช่วยเหลือ"]


def settings_for(fake_line: FakeLine) -> Settings:
    return Settings(
        _env_file=None,
        line_channel_secret="s",
        line_channel_access_token="t",
        line_api_base_url=fake_line.url,
        line_data_api_base_url=fake_line.url,
        database_url="sqlite://",
    )


def test_deploy_then_redeploy_replaces_the_menu(fake_line: FakeLine, tmp_path: Path) -> None:
    settings = settings_for(fake_line)
    first = asyncio.run(richmenu.deploy(settings, image_out=str(tmp_path / "menu.png")))

    state = fake_line.state
    assert list(state.rich_menus) == [first]
    menu = state.rich_menus[first]
    assert menu["name"] == "Tambon main menu" and menu["chatBarText"] == "เมนู" and menu["selected"] is True
    assert [a["action"]["text"] for a in menu["areas"]] == KEYWORDS
    assert all(a["action"]["type"] == "message" and len(a["action"]["label"]) <= 20 for a in menu["areas"])
    data, content_type = state.rich_menu_images[first]
    assert content_type in ("image/png", "image/jpeg")
    assert len(data) < 1_000_000
    assert Image.open(io.BytesIO(data)).size == (2500, 1686)
    assert (tmp_path / "menu.png").read_bytes() == data
    assert state.default_rich_menu == first
    assert len(fake_line.calls("validateRichMenuObject")) == 1
    assert fake_line.calls("setRichMenuImage")[0].headers["content-type"] == content_type

    second = asyncio.run(richmenu.deploy(settings))
    assert second != first
    assert list(state.rich_menus) == [second]
    assert state.default_rich_menu == second
    assert [c.path.rsplit("/", 1)[-1] for c in fake_line.calls("deleteRichMenu")] == [first]


def test_keywords_are_ones_the_chat_engine_understands() -> None:
    typed = {keyword for _, keyword in MENU_ITEMS}
    assert set(KEYWORDS) <= typed


def test_the_inquiries_tile_is_in_the_menu_and_no_thai_label_is_cut_inside_a_word() -> None:
    org = load_organisation()
    assert ("สอบถาม/ขอข้อมูล", "สอบถาม") in [(label, keyword) for label, keyword, *_ in richmenu.CELLS]
    texts = [(label, subtitle.format(org=org.short_name)) for label, _, subtitle, *_ in richmenu.CELLS]
    for (label, subtitle), (label_lines, subtitle_lines) in zip(texts, richmenu.layout(org), strict=True):
        for text, lines in ((label, label_lines), (subtitle, subtitle_lines)):
            assert 1 <= len(lines) <= 2, (text, lines)
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing dropped or cut off
            if len(lines) == 2:  # the break falls where a Thai word ends
                point = len(lines[0])
                assert point in richmenu.breaks(text) or text[point] == " ", (text, lines)
    # phrases break at their slash or space rather than inside "ขอข้อมูล"
    assert richmenu.layout(org)[3][0] == ["สอบถาม/", "ขอข้อมูล"]


def test_wrapping_never_breaks_inside_a_word() -> None:
    from PIL import ImageFont

    font = ImageFont.truetype(str(richmenu.find_thai_font()), 60, layout_engine=richmenu.LAYOUT)
    text = "ทางระบายน้ำอุดตันหน้าบ้าน"
    width = int(font.getlength(text) * 0.6)
    lines = richmenu.wrap(text, font, width)
    assert len(lines) >= 2 and "".join(lines) == text
    at = 0
    for line in lines[:-1]:
        at += len(line)
        assert at in richmenu.breaks(text)


def test_image_is_not_blank() -> None:
    image = Image.open(io.BytesIO(richmenu.render_image(load_organisation()))).convert("RGB")
    assert image.size == (2500, 1686)
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 6
    # Each cell's own background occurs, and its label band holds many pixels of another colour.
    for (_, _, _, colour, _), (x, y, w, h) in zip(richmenu.CELLS, richmenu.cell_bounds(), strict=True):
        assert image.getpixel((x + 30, y + 30)) == colour
        band = image.crop((x, y + int(h * 0.55), x + w, y + int(h * 0.75)))
        differing = sum(count for count, pixel in band.getcolors(maxcolors=1_000_000) if pixel != colour)
        assert differing > 0.03 * band.width * band.height


def test_line_failure_is_reported_with_its_status_and_leaves_no_default(fake_line: FakeLine) -> None:
    fake_line.state.fail_next("createRichMenu", 500)
    with pytest.raises(richmenu.RichMenuError, match="500") as caught:
        asyncio.run(richmenu.deploy(settings_for(fake_line)))
    assert "simulated failure" in str(caught.value)  # LINE's own message
    assert "Bearer" not in str(caught.value) and caught.value.__cause__ is None
    assert fake_line.state.default_rich_menu is None
    assert fake_line.state.rich_menus == {}


def test_failed_upload_deletes_the_half_made_menu(fake_line: FakeLine) -> None:
    fake_line.state.fail_next("setRichMenuImage", 400)
    with pytest.raises(richmenu.RichMenuError, match="400"):
        asyncio.run(richmenu.deploy(settings_for(fake_line)))
    assert fake_line.state.rich_menus == {}
    assert fake_line.state.default_rich_menu is None


def test_areas_tile_the_whole_menu_without_overlap() -> None:
    request = richmenu.menu_request(load_organisation())
    assert (request.size.width, request.size.height) == (2500, 1686)
    boxes = [(a.bounds.x, a.bounds.y, a.bounds.x + a.bounds.width, a.bounds.y + a.bounds.height) for a in request.areas]
    assert len(boxes) == 8
    assert all(0 <= x0 < x1 <= 2500 and 0 <= y0 < y1 <= 1686 for x0, y0, x1, y1 in boxes)
    for (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) in combinations(boxes, 2):
        assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0
    assert sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in boxes) == 2500 * 1686


def test_the_simulator_has_the_rich_menu_from_the_start_and_knows_who_is_a_friend(database_url: str, engine) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from bot.main import create_app

    settings = Settings(_env_file=None, database_url=database_url)  # no channel: simulator mode
    with TestClient(create_app(settings, engine)) as client:
        info = client.get("/simulator/api/richmenu").json()
        assert info["rich_menu_id"] and [a["action"]["text"] for a in info["menu"]["areas"]] == KEYWORDS
        image = client.get("/simulator/api/richmenu/image")
        assert image.status_code == 200 and Image.open(io.BytesIO(image.content)).size == (2500, 1686)
        user = client.post("/simulator/api/users", json={"name": "ทดลอง"}).json()
        assert user["followed"] is False
        followed = client.post("/simulator/api/send", json={"user_id": user["user_id"], "kind": "follow"})
        assert followed.status_code == 200
        assert client.get("/simulator/api/users").json()[0]["followed"] is True  # เพิ่มเพื่อน is done
        client.post("/simulator/api/send", json={"user_id": user["user_id"], "kind": "unfollow"})
        assert client.get("/simulator/api/users").json()[0]["followed"] is False


def test_deploy_in_simulator_mode_reaches_the_running_server(
    fake_line: FakeLine, database_url: str, engine, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from bot.cli import app
    from bot.line.simulator import address

    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "LINE_API_BASE_URL", "LINE_DATA_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    refused = CliRunner().invoke(app, ["richmenu", "deploy"])
    assert refused.exit_code == 2 and "tambon serve" in refused.output and "8000" not in refused.output
    address.remember(engine, fake_line.url)  # what `tambon serve --port N` records in simulator mode
    deployed = CliRunner().invoke(app, ["richmenu", "deploy"])
    assert deployed.exit_code == 0, deployed.output
    assert fake_line.url in deployed.output and fake_line.state.default_rich_menu in deployed.output
