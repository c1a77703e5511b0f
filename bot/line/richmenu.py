"""The Thai rich menu: a drawn 4×2 image, its tap areas, and deploying both through the LINE API.

Labels and subtitles that do not fit one line wrap onto a second at a Thai word boundary (pythainlp's
newmm segmentation), never inside a word; the font shrinks only when two lines are not enough."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import aiohttp
import structlog
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    MessageAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
)
from linebot.v3.messaging.exceptions import ApiException
from PIL import Image, ImageDraw, ImageFont, features

from bot.config import Settings
from bot.organisation import Organisation

log = structlog.get_logger(__name__)

WIDTH, HEIGHT = 2500, 1686  # LINE's large rich-menu size
COLUMNS, ROWS = 4, 2
MENU_NAME = "Tambon main menu"
FONT_DIRS = (Path("/usr/share/fonts/truetype/tlwg"), Path("/usr/share/fonts/opentype/tlwg"))
FONT_PREFERENCE = ("Waree-Bold", "Loma-Bold", "Garuda-Bold", "Umpush-Bold", "Sarabun-Bold", "Loma", "Garuda")
# Raqm shapes Thai (stacked vowels and tone marks); the basic engine lets marks collide.
LAYOUT = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
WHITE = (255, 255, 255)

# (label on the image, keyword the chat engine understands, subtitle, background colour, icon)
CELLS: tuple[tuple[str, str, str, tuple[int, int, int], str], ...] = (
    ("ร้องเรียน", "ร้องเรียน", "แจ้งปัญหา ความเดือดร้อน", (47, 111, 130), "megaphone"),
    ("แจ้งเบาะแสทุจริต", "แจ้งทุจริต", "ปกปิดชื่อผู้แจ้งได้", (142, 86, 86), "shield"),
    ("ติดตามเรื่อง", "ติดตาม", "ดูความคืบหน้าเรื่องของท่าน", (84, 128, 96), "magnifier"),
    ("สอบถาม/ขอข้อมูล", "สอบถาม", "ถามเจ้าหน้าที่ ขอข้อมูลข่าวสาร", (38, 120, 160), "question"),
    ("แบบสอบถาม", "แบบสอบถาม", "ประเมินความพึงพอใจ", (107, 92, 148), "clipboard"),
    ("ข่าวสาร/ประชาคม", "ข่าวสาร", "ประกาศ และเวทีประชาคม", (176, 132, 62), "people"),
    ("ติดต่อเรา", "ติดต่อ", "ที่อยู่ เบอร์โทร {org}", (64, 90, 138), "building"),
    ("ช่วยเหลือ", "ช่วยเหลือ", "วิธีใช้งาน คำที่พิมพ์ได้", (90, 104, 112), "lifebuoy"),
)
LABEL_SIZE, SUBTITLE_SIZE = 112, 56  # the largest sizes; shrunk only when two lines are not enough
MAX_LINES = 2


class RichMenuError(RuntimeError):
    """Deploying the rich menu failed; the message says which step and what LINE answered."""


def find_thai_font() -> Path:
    """A Thai-capable TrueType font: $TAMBON_FONT, else a bold face from fonts-thai-tlwg."""
    override = os.environ.get("TAMBON_FONT")
    if override:
        if not Path(override).is_file():
            raise RichMenuError(f"TAMBON_FONT={override} is not a font file")
        return Path(override)
    candidates = (
        folder / f"{name}{ext}" for name in FONT_PREFERENCE for folder in FONT_DIRS for ext in (".ttf", ".otf")
    )
    found = next((path for path in candidates if path.is_file()), None)
    if found:
        return found
    raise RichMenuError(
        "no Thai font found: install fonts-thai-tlwg (apt-get install fonts-thai-tlwg) "
        "or point TAMBON_FONT at a Thai .ttf file"
    )


def cell_bounds() -> list[tuple[int, int, int, int]]:
    """(x, y, width, height) of each grid cell, row by row; edges rounded so the cells tile exactly."""
    xs = [round(WIDTH * i / COLUMNS) for i in range(COLUMNS + 1)]
    ys = [round(HEIGHT * j / ROWS) for j in range(ROWS + 1)]
    return [(xs[i], ys[j], xs[i + 1] - xs[i], ys[j + 1] - ys[j]) for j in range(ROWS) for i in range(COLUMNS)]


def words(text: str) -> list[str]:
    """`text` cut into Thai words (and spaces, slashes): the only places a line may break."""
    from pythainlp.tokenize import word_tokenize  # imported on first use: the dictionary takes a moment

    return [w for w in word_tokenize(text, engine="newmm", keep_whitespace=True) if w]


def breaks(text: str) -> list[int]:
    """Where a line may break: after each Thai word (never inside one), spaces and slashes included."""
    points, at = [], 0
    for word in words(text)[:-1]:
        at += len(word)
        points.append(at)
    return points


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """One line when it fits; else two lines of whole words, breaking at a space or slash (a phrase) when
    one fits, else at another word boundary, the most even split first; else greedy lines of whole words."""
    text = text.strip()
    if font.getlength(text) <= max_width:
        return [text]
    fitting = []
    for point in breaks(text):
        first, second = text[:point].rstrip(), text[point:].strip()
        if first and second and max(font.getlength(first), font.getlength(second)) <= max_width:
            phrase = text[point - 1] in " /" or text[point] == " "
            fitting.append((not phrase, abs(font.getlength(first) - font.getlength(second)), [first, second]))
    if fitting:
        return min(fitting, key=lambda f: (f[0], f[1]))[2]
    lines: list[str] = []
    current = ""
    for word in words(text):
        if current.strip() and font.getlength((current + word).rstrip()) > max_width:
            lines.append(current.strip())
            current = word
        else:
            current += word
    if current.strip():
        lines.append(current.strip())
    return lines


def _fitted(path: Path, texts: list[str], size: int, max_width: int) -> ImageFont.FreeTypeFont:
    """The largest font up to `size` at which every text wraps into at most two lines of whole words."""
    font = ImageFont.truetype(str(path), size, layout_engine=LAYOUT)
    while size > 24 and any(
        len(lines) > MAX_LINES or any(font.getlength(line) > max_width for line in lines)
        for lines in (wrap(t, font, max_width) for t in texts)
    ):
        size -= 4
        font = ImageFont.truetype(str(path), size, layout_engine=LAYOUT)
    return font


def layout(org: Organisation) -> list[tuple[list[str], list[str]]]:
    """Each cell's label lines and subtitle lines as drawn, with the fonts `render_image` uses."""
    font_path, room = find_thai_font(), _room()
    labels = [label for label, *_ in CELLS]
    subtitles = [subtitle.format(org=org.short_name) for _, _, subtitle, _, _ in CELLS]
    title, small = _fitted(font_path, labels, LABEL_SIZE, room), _fitted(font_path, subtitles, SUBTITLE_SIZE, room)
    return [(wrap(label, title, room), wrap(line, small, room)) for label, line in zip(labels, subtitles, strict=True)]


def _room() -> int:
    return WIDTH // COLUMNS - 70


def _icon(draw: ImageDraw.ImageDraw, kind: str, cx: int, cy: int, bg: tuple[int, int, int]) -> None:
    """A simple white pictogram about 300 px across, centred on (cx, cy)."""

    def at(*xy: int) -> list[int]:  # offsets from the centre → absolute coordinates
        return [v + (cx if i % 2 == 0 else cy) for i, v in enumerate(xy)]

    if kind == "megaphone":
        draw.polygon(at(-90, -45, 70, -120, 70, 120, -90, 45), fill=WHITE)
        draw.rounded_rectangle(at(-140, -50, -80, 50), 14, fill=WHITE)
        draw.polygon(at(-110, 40, -60, 40, -30, 130, -80, 130), fill=WHITE)
        for r in (110, 160):  # sound waves
            draw.arc(at(70 - r, -r, 70 + r, r), -35, 35, fill=WHITE, width=18)
    elif kind == "shield":  # with an exclamation mark cut out of it
        draw.polygon(at(0, -150, 125, -100, 110, 40, 0, 150, -110, 40, -125, -100), fill=WHITE)
        draw.rounded_rectangle(at(-16, -95, 16, 30), 12, fill=bg)
        draw.ellipse(at(-20, 55, 20, 95), fill=bg)
    elif kind == "magnifier":
        draw.ellipse(at(-130, -140, 50, 40), outline=WHITE, width=28)
        draw.line(at(25, 15, 130, 120), fill=WHITE, width=44)
        draw.ellipse(at(108, 98, 152, 142), fill=WHITE)
    elif kind == "clipboard":
        draw.rounded_rectangle(at(-110, -130, 110, 150), 24, outline=WHITE, width=18)
        draw.rounded_rectangle(at(-50, -155, 50, -105), 14, fill=WHITE)
        for y in (-50, 25, 100):  # ticked lines
            draw.line(at(-75, y, -50, y + 25, -15, y - 20), fill=WHITE, width=14, joint="curve")
            draw.line(at(10, y + 5, 75, y + 5), fill=WHITE, width=14)
    elif kind == "people":
        for dx, r, body in ((-110, 38, 80), (110, 38, 80), (0, 48, 100)):  # the middle one in front
            top = -int(2.5 * r)
            draw.pieslice(
                at(dx - body, top + 2 * r + 10, dx + body, top + 2 * r + 10 + 2 * body),
                180,
                360,
                fill=WHITE,
                outline=bg,
                width=8,
            )
            draw.ellipse(at(dx - r, top, dx + r, top + 2 * r), fill=WHITE, outline=bg, width=8)
    elif kind == "question":  # a speech bubble with a question mark
        draw.rounded_rectangle(at(-140, -130, 140, 90), 50, fill=WHITE)
        draw.polygon(at(-70, 80, -10, 80, -95, 150), fill=WHITE)
        draw.arc(at(-45, -100, 45, -10), 180, 400, fill=bg, width=26)
        draw.line(at(10, -20, 0, 15), fill=bg, width=26)
        draw.ellipse(at(-16, 32, 16, 64), fill=bg)
    elif kind == "lifebuoy":
        draw.ellipse(at(-140, -140, 140, 140), fill=WHITE)
        draw.ellipse(at(-65, -65, 65, 65), fill=bg)
        for angle_box in ((-140, -25, -70, 25), (70, -25, 140, 25), (-25, -140, 25, -70), (-25, 70, 25, 140)):
            draw.rectangle(at(*angle_box), fill=bg)
    elif kind == "building":  # a columned town hall
        draw.polygon(at(0, -150, 160, -60, -160, -60), fill=WHITE)
        draw.rectangle(at(-135, -45, 135, -20), fill=WHITE)
        draw.rectangle(at(-150, 100, 150, 135), fill=WHITE)
        for x in (-105, -35, 35, 105):
            draw.rectangle(at(x - 16, -20, x + 16, 100), fill=WHITE)


def render_image(org: Organisation) -> bytes:
    """The 2500×1686 PNG: eight coloured cells, each with an icon, a large Thai label and a subtitle."""
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    font_path, room = find_thai_font(), _room()
    labels = [label for label, *_ in CELLS]
    subtitles = [subtitle.format(org=org.short_name) for _, _, subtitle, _, _ in CELLS]
    # One size for every label (and one for every subtitle): the largest at which each wraps into two lines.
    title, small = _fitted(font_path, labels, LABEL_SIZE, room), _fitted(font_path, subtitles, SUBTITLE_SIZE, room)
    title_step, small_step = int(title.size * 1.25), int(small.size * 1.3)
    for (label, _, _, colour, icon), line, (x, y, w, h) in zip(CELLS, subtitles, cell_bounds(), strict=True):
        # A thin white gutter between cells so neighbouring taps look separate.
        draw.rectangle((x + 4, y + 4, x + w - 5, y + h - 5), fill=colour)
        cx = x + w // 2
        _icon(draw, icon, cx, y + int(h * 0.25), colour)
        label_lines, sub_lines = wrap(label, title, room), wrap(line, small, room)
        top = y + int(h * 0.58) - (len(label_lines) - 1) * title_step // 2
        for i, text in enumerate(label_lines):
            draw.text((cx, top + i * title_step), text, font=title, fill=WHITE, anchor="mm")
        top = y + int(h * 0.82) - (len(sub_lines) - 1) * small_step // 2
        for i, text in enumerate(sub_lines):
            draw.text((cx, top + i * small_step), text, font=small, fill=(236, 240, 243), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def menu_request(org: Organisation) -> RichMenuRequest:
    """The rich menu object: eight message areas that type the chat engine's keywords."""
    areas = [
        RichMenuArea(
            bounds=RichMenuBounds(x=x, y=y, width=w, height=h), action=MessageAction(label=label, text=keyword)
        )
        for (label, keyword, *_), (x, y, w, h) in zip(CELLS, cell_bounds(), strict=True)
    ]
    return RichMenuRequest(
        size=RichMenuSize(width=WIDTH, height=HEIGHT), selected=True, name=MENU_NAME, chatBarText="เมนู", areas=areas
    )


def _configuration(settings: Settings, host: str) -> Configuration:
    """SDK configuration for one LINE host; the blob API needs its own (api-data.line.me)."""
    # A helper, so the raw token never sits among deploy's locals in a traceback.
    token = settings.line_channel_access_token
    return Configuration(host=host, access_token=token.get_secret_value() if token else "simulator")


def _failure(step: str, error: ApiException) -> RichMenuError:
    """LINE's status and own message; never headers (ours carry the token)."""
    body = error.body.decode("utf-8", "replace") if isinstance(error.body, bytes) else str(error.body or "")
    try:  # LINE answers {"message": ..., "details": [{"message": ..., "property": ...}]}
        answer = json.loads(body)
        details = [f"{d.get('property', '')}: {d.get('message', '')}" for d in answer.get("details", [])]
        message = "; ".join([answer.get("message", body), *details])
    except (ValueError, AttributeError):
        message = body or error.reason or ""
    return RichMenuError(f"LINE refused {step}: HTTP {error.status} {message}".strip())


async def deploy(settings: Settings, image_out: str | None = None) -> str:
    """Create the menu, upload its image, make it everyone's default, delete older copies; returns its id."""
    org = settings.organisation
    request, image = menu_request(org), render_image(org)
    if image_out:
        Path(image_out).write_bytes(image)
    api_config = _configuration(settings, settings.line_api_base_url)
    data_config = _configuration(settings, settings.line_data_api_base_url)
    step = "validateRichMenuObject"
    new_id: str | None = None
    try:
        async with AsyncApiClient(api_config) as client, AsyncApiClient(data_config) as data_client:
            api, blob = AsyncMessagingApi(client), AsyncMessagingApiBlob(data_client)
            await api.validate_rich_menu_object(request)
            step = "createRichMenu"
            new_id = (await api.create_rich_menu(request)).rich_menu_id
            try:
                step = "setRichMenuImage"
                await blob.set_rich_menu_image(new_id, image, _headers={"Content-Type": "image/png"})
                step = "setDefaultRichMenu"
                await api.set_default_rich_menu(new_id)
            except ApiException:
                with contextlib.suppress(ApiException, aiohttp.ClientError, TimeoutError):
                    await api.delete_rich_menu(new_id)  # a menu without image or default is only clutter
                raise
            step = "getRichMenuList"
            for menu in (await api.get_rich_menu_list()).richmenus:
                if menu.name == MENU_NAME and menu.rich_menu_id != new_id:
                    step = "deleteRichMenu"
                    await api.delete_rich_menu(menu.rich_menu_id)
    except ApiException as error:
        raise _failure(step, error) from None  # from None: the SDK's frames hold the Authorization header
    except (aiohttp.ClientError, TimeoutError) as error:
        raise RichMenuError(f"could not reach LINE during {step}: {type(error).__name__}: {error}") from None
    assert new_id is not None
    log.info("richmenu.deployed", rich_menu_id=new_id, image_bytes=len(image), layout=LAYOUT.name)
    return new_id
