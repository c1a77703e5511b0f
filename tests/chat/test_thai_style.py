"""One Thai style for every text (docs/THAI_STYLE.md): the builder's rules, button labels, and a scan of
every text a whole resident session produces — for a เทศบาล, so no "อบต." may slip through."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.chat import messages as m
from bot.organisation import DEFAULT_ORGANISATION_FILE, load_organisation
from tests.fake_line import FakeLine
from tests.harness import Harness

THAI = "\u0e01-\u0e4f"
URL = re.compile(r"(?:https?://|tel:)\S+|[\w.+-]+@[\w-]+\.[\w.]+")
RULES = {
    "Thai touching Latin or a digit": re.compile(f"[{THAI}][A-Za-z0-9]|[A-Za-z0-9][{THAI}]"),
    "ค่ะ after a question word or นะ": re.compile(r"(?:นะ|ไหม|มั้ย|หรือ|ไหน|อย่างไร|เท่าไร|เมื่อไร|ทำไม)ค่ะ"),
    "particle glued to a bracket or quote": re.compile(r"[)”\"](?:ค่ะ|คะ|ครับ)"),
    "double space": re.compile(r"[^\S\n]{2}"),
    "space at a line's end": re.compile(r" \n| $"),
    "hard-coded อบต.": re.compile(r"อบต"),
}


def style_problems(text: str) -> list[str]:
    bare = URL.sub("LINK", text)
    return [name for name, rule in RULES.items() if rule.search(bare)]


@pytest.mark.parametrize(
    ("raw", "polished"),
    [
        ("ขอความยินยอมก่อนนะค่ะ", "ขอความยินยอมก่อนนะคะ"),
        ("ต้องการแก้ไขคำตอบไหมค่ะ", "ต้องการแก้ไขคำตอบไหมคะ"),
        ("แนบได้ (ไม่บังคับ)ค่ะ", "แนบได้ (ไม่บังคับ) ค่ะ"),
        ("ภายใน 2569ค่ะ", "ภายใน 2569 ค่ะ"),
        ("รหัส C2570-00001ค่ะ", "รหัส C2570-00001 ค่ะ"),
        ("รับเรื่องทางLINE", "รับเรื่องทาง LINE"),
        ("หมู่3  บ้านพนา ", "หมู่ 3 บ้านพนา"),
        ("ดูที่ https://phana.example.go.th/about ได้เลยค่ะ", "ดูที่ https://phana.example.go.th/about ได้เลยค่ะ"),
        ("ชนะค่ะ", "ชนะค่ะ"),  # นะ inside a word is no particle
        ("ไฟไหม้ค่ะ", "ไฟไหม้ค่ะ"),  # ไหม้ (burn) is not ไหม
    ],
)
def test_the_builder_polishes_every_text(raw: str, polished: str) -> None:
    assert m.text(raw)["text"] == polished


def test_shortening_cuts_at_a_word_boundary() -> None:
    for name in ("ถนน สะพาน ทางระบายน้ำ", "การให้บริการของเจ้าหน้าที่", "ขยะ ความสะอาด กลิ่น เสียง"):
        short = m.shorten(name)
        assert len(short) <= m.MAX_ACTION_LABEL and short.endswith("…"), short
        assert name.startswith(short[:-1]), short
    assert m.shorten("ร้องเรียน") == "ร้องเรียน"
    assert m.shorten("การให้บริการของเจ้าหน้าที่") == "การให้บริการของ…"


def test_every_category_and_village_has_a_whole_button_label() -> None:
    org = load_organisation()
    for category in org.categories:
        label = category.short or category.name
        assert len(label) <= m.MAX_ACTION_LABEL and "…" not in label, category.key
    for village in org.villages:
        assert len(village.short or village.label) <= m.MAX_ACTION_LABEL


@pytest.fixture
def municipality(tmp_path: Path, database_url: str, engine: Engine, fake_line: FakeLine) -> Iterator[Harness]:
    """The bot deployed for a เทศบาล with a male voice: every sentence must still read right."""
    text = DEFAULT_ORGANISATION_FILE.read_text(encoding="utf-8")
    text = text.replace('short_name = "อบต.พนา"', 'short_name = "ทต.หนองบัว"')
    text = text.replace('particle = "ค่ะ"', 'particle = "ครับ"')
    text = text.replace("องค์การบริหารส่วนตำบลพนา", "เทศบาลตำบลหนองบัว").replace("อบต.พนา", "ทต.หนองบัว")
    path = tmp_path / "nongbua.toml"
    path.write_text(text, encoding="utf-8")
    with Harness(database_url, engine, fake_line, tambon_config=path) as h:
        yield h


def everything_sent(harness: Harness, user: str) -> list[str]:
    found: list[str] = []
    for message in harness.line.state.messages_to(user):
        found.append(message.get("text", ""))
        found.append(message.get("altText", ""))
        template: dict[str, Any] = message.get("template", {})
        found.append(template.get("text", ""))
        found.extend(a["action"].get("label", "") for a in message.get("quickReply", {}).get("items", []))
        found.extend(a.get("label", "") for a in template.get("actions", []))
    return [t for t in found if t]


def test_a_whole_resident_session_reads_right(municipality: Harness) -> None:
    h = municipality
    user = h.new_user()
    h.onboard(user, village=3)
    for typed in (
        "สวัสดีครับ",
        "ขอบคุณครับ",
        "👍",
        "ช่วยเหลือ",
        "ติดต่อ",
        "ข้อมูลของฉัน",
        "ข่าวสาร",
        "ประชาคม",
        "แบบสอบถาม",
        "เมนู",
        "จ่ายภาษีที่ดินได้ที่ไหนครับ",
        "asdfgh",
        "ติดตาม",
    ):
        assert h.say(user, typed), typed
    h.post_events(h.event("sticker", user))
    h.run()
    # a problem typed as a plain message, offered, accepted, filed with a place
    offer = h.say(user, "ไฟดับที่หมู่ 3 ครับ")
    assert "ต้องการแจ้งเรื่องนี้เป็นเรื่องร้องเรียนไหมครับ" in offer[0]
    h.tap(user, h.last_message(user)["template"]["actions"][0]["data"])
    h.say_location(user, 15.9, 104.6, "หน้าวัดหนองผือ")
    h.say(user, "ถัดไป")
    h.say(user, "ข้าม")
    filed = h.say(user, "ยืนยัน")
    code = re.search(r"C\d{4}-\d{5}", filed[0])
    assert code, filed
    h.say(user, f"ติดตาม {code.group()}")
    # the case is resolved, the resident says it is not, then it is
    officer = h.staff_token("officer")
    for status, note in (("resolved", "เปลี่ยนหลอดไฟแล้ว"),):
        url = f"/api/v1/complaints/{code.group()}/transitions"
        assert h.client.post(url, json={"status": status, "public_note": note}, headers=officer).status_code == 200
    h.deliver()
    h.tap(user, h.last_message(user)["template"]["actions"][1]["data"])  # ยังไม่แก้ไข
    h.say(user, "หลอดใหม่ก็ยังไม่ติดครับ")
    # a tip started and cancelled
    h.say(user, "แจ้งทุจริต")
    h.say(user, "ยกเลิก")
    h.say(user, "ลบข้อมูลของฉัน")
    h.say(user, "ไม่ลบ")

    sent = everything_sent(h, user)
    assert len(sent) > 40
    problems = {text: style_problems(text) for text in sent if style_problems(text)}
    assert problems == {}
    assert any("ทต.หนองบัว" in t for t in sent)
    assert [t for t in sent if "ค่ะ" in t or "คะ" in t] == []  # the male voice throughout


def test_answering_fixed_is_a_reply_not_a_push(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "ไฟดับที่หมู่ 1 ค่ะ")
    harness.tap(user, harness.last_message(user)["template"]["actions"][0]["data"])
    harness.say(user, "ถัดไป")
    harness.say(user, "ข้าม")
    code = re.search(r"C\d{4}-\d{5}", harness.say(user, "ยืนยัน")[0])
    assert code
    url = f"/api/v1/complaints/{code.group()}/transitions"
    assert (
        harness.client.post(
            url, json={"status": "resolved", "public_note": "ซ่อมแล้ว"}, headers=harness.staff_token("officer")
        ).status_code
        == 200
    )
    harness.deliver()

    def sent_by(via: str) -> int:
        return sum(
            1 for e in harness.line.state.transcript if e["user_id"] == user and e["from"] == "bot" and e["via"] == via
        )

    pushes, replies = sent_by("push"), sent_by("reply")
    answer = harness.tap(user, harness.last_message(user)["template"]["actions"][0]["data"])  # แก้ไขแล้ว
    assert sent_by("push") == pushes  # nothing pushed (paid quota)
    assert sent_by("reply") == replies + 1
    assert any("พึงพอใจ" in t for t in answer)
    assert not any("ผู้ร้องเรียน" in t for t in harness.line.state.texts_to(user))


def org_style_problems(text: str, short_name: str) -> list[str]:
    """The rules for a session under the default organisation, whose own short name may say อบต."""
    return style_problems(text.replace(short_name, "องค์กร"))
