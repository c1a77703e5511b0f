"""Residents give the type of a corruption tip when they file it (LINE and the web form): the types of the
organisation file's tip_types, so the outcome indicators count tips by type; "not sure" leaves it to the
integrity officer, who may still re-classify (audited)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from bot.tips.models import Tip
from tests.chat.test_thai_style import org_style_problems
from tests.harness import Harness


def _tip(harness: Harness) -> Tip:
    with Session(harness.engine) as session:
        return session.exec(select(Tip).order_by(Tip.id.desc())).first()  # type: ignore[union-attr]


def _start(harness: Harness) -> str:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "แจ้งทุจริต")
    harness.say(user, "ไม่เปิดเผยชื่อ")
    return user


def _finish(harness: Harness, user: str) -> list[str]:
    for said in ("ข้าม", "ข้าม", "ข้าม", "ถัดไป"):
        harness.say(user, said)
    return harness.say(user, "ยืนยัน")


def _row(harness: Harness, headers: dict[str, str], indicator: str) -> dict[str, Any]:
    rows = harness.client.get("/api/v1/targets", headers=headers).json()
    return next(r for r in rows if r["indicator"] == indicator)


def test_a_resident_picks_the_tip_type_in_line_and_the_indicator_counts_it(harness: Harness) -> None:
    manager = harness.staff_token("manager")
    before = _row(harness, manager, "procurement")["count"]
    user = _start(harness)
    asked = harness.say(user, "ผู้รับเหมารายเดียวชนะทุกโครงการ")[0]
    assert "ประเภทใด" in asked and "2. ทุจริตการจัดซื้อจัดจ้าง" in asked
    labels = [q["label"] for q in harness.quick_replies(user)]
    assert "2 จัดซื้อจัดจ้าง" in labels and "ไม่แน่ใจ" in labels and all(len(lb) <= 20 for lb in labels)
    assert "ผู้เกี่ยวข้อง" in harness.tap(user, "ttype:procurement")[0]
    assert "T" in _finish(harness, user)[0]
    assert _tip(harness).type == "procurement"
    assert _row(harness, manager, "procurement")["count"] == before + 1


def test_typed_numbers_names_and_not_sure(harness: Harness) -> None:
    user = _start(harness)
    harness.say(user, "มีการเรียกเงินค่าอนุญาต")
    refused = harness.say(user, "9")
    assert "ขออภัย" in refused[0] and "ประเภทใด" in refused[0]
    assert "ผู้เกี่ยวข้อง" in harness.say(user, "๑")[0]  # Thai digit one: bribery
    _finish(harness, user)
    assert _tip(harness).type == "bribery"
    sent = harness.line.state.texts_to(user)
    assert {
        t: org_style_problems(t, harness.org.short_name) for t in sent if org_style_problems(t, harness.org.short_name)
    } == {}  # docs/THAI_STYLE.md

    user = _start(harness)
    harness.say(user, "ยักยอกน้ำมันรถส่วนกลาง")
    harness.say(user, "ยักยอกทรัพย์ราชการ")  # the short label typed
    _finish(harness, user)
    assert _tip(harness).type == "embezzlement"

    user = _start(harness)
    harness.say(user, "ไม่แน่ใจว่าเป็นทุจริตแบบไหน")
    harness.say(user, "ไม่แน่ใจ")
    _finish(harness, user)
    assert _tip(harness).type is None  # left to the integrity officer


def test_a_forged_type_button_is_ignored(harness: Harness) -> None:
    user = _start(harness)
    harness.say(user, "เรื่องหนึ่ง")
    assert "ผู้เกี่ยวข้อง" in harness.tap(user, "ttype:nonsense")[0]
    _finish(harness, user)
    assert _tip(harness).type is None


def test_the_web_form_takes_a_type_and_refuses_an_unknown_one(harness: Harness) -> None:
    page = harness.client.get("/public/report-corruption")
    assert 'name="type"' in page.text and "ทุจริตการจัดซื้อจัดจ้าง" in page.text
    bad = harness.client.post("/public/report-corruption", data={"description": "ฮั้วประมูล", "type": "picnic"})
    assert bad.status_code == 422 and "ประเภทเรื่อง" in bad.text
    good = harness.client.post("/public/report-corruption", data={"description": "ฮั้วประมูล", "type": "procurement"})
    assert good.status_code == 200
    assert _tip(harness).type == "procurement"
    plain = harness.client.post("/public/report-corruption", data={"description": "อีกเรื่อง"})
    assert plain.status_code == 200 and _tip(harness).type is None
