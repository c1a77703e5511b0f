"""Every Thai sentence a complainant reads: filing, tracking, status changes, the 15-day rule."""

from __future__ import annotations

from datetime import datetime

from bot import thai
from bot.chat import messages as m
from bot.chat.messages import Action, Message
from bot.chat.texts import menu_actions
from bot.organisation import Organisation

STATUS_NAMES = {
    "received": "รับเรื่องแล้ว",
    "assigned": "ส่งให้หน่วยงานรับผิดชอบแล้ว",
    "in_progress": "กำลังดำเนินการ",
    "resolved": "ดำเนินการแก้ไขแล้ว รอท่านยืนยัน",
    "closed": "ปิดเรื่องแล้ว",
    "forwarded": "ส่งต่อหน่วยงานอื่น",
    "rejected": "ไม่รับเรื่อง",
    "duplicate": "เรื่องซ้ำกับเรื่องที่มีอยู่แล้ว",
    "withdrawn": "ถอนเรื่องแล้ว",
    "reopened": "เปิดเรื่องอีกครั้ง",
}

SOURCE_NAMES = {
    "line": "LINE",
    "phone": "โทรศัพท์",
    "walk_in": "ติดต่อด้วยตนเอง",
    "letter": "หนังสือ",
    "center_1567": "ศูนย์ดำรงธรรม 1567",
    "web": "เว็บไซต์",
}


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def ask_category(org: Organisation, quick: list[Action]) -> Message:
    return m.text(f"เรื่องที่จะแจ้งอยู่ในหมวดใด{org.question_particle}\nแตะเลือกหมวดด้านล่าง (พิมพ์ “ยกเลิก” เพื่อหยุด)", quick=quick)


def category_unknown(org: Organisation, quick: list[Action]) -> Message:
    return m.text(f"กรุณาแตะเลือกหมวดจากปุ่มด้านล่าง{org.particle}", quick=quick)


def ask_description(org: Organisation, category: str) -> Message:
    return m.text(f"หมวด: {category}\nเล่ารายละเอียดสั้น ๆ ได้เลย{org.particle} ว่าเกิดอะไร ที่ไหน ตั้งแต่เมื่อไร")


def category_set(org: Organisation, category: str) -> Message:
    return m.text(f"รับเรื่องไว้ในหมวด “{category}” {org.particle}\nหากหมวดไม่ถูกต้อง แตะ “เปลี่ยนหมวด” ได้เลย{org.particle}")


def description_empty(org: Organisation) -> Message:
    return m.text(f"กรุณาพิมพ์รายละเอียดเป็นข้อความ{org.particle}")


def description_too_long(org: Organisation, limit: int) -> Message:
    return m.text(f"ข้อความยาวเกินไป{org.particle} กรุณาสรุปให้ไม่เกิน {limit:,} ตัวอักษร")


def ask_attachments(org: Organisation, quick: list[Action], photos: int, has_location: bool) -> Message:
    done = []
    if photos:
        done.append(f"รูป {photos} รูป")
    if has_location:
        done.append("ตำแหน่ง")
    got = f"ได้รับ{'และ'.join(done)}แล้ว{org.particle}\n" if done else ""
    return m.text(f"{got}แนบรูปหรือตำแหน่งเพิ่มได้{org.particle} (ไม่บังคับ)\nเสร็จแล้วแตะ “ถัดไป”", quick=quick)


def too_many_photos(org: Organisation, limit: int) -> Message:
    return m.text(f"แนบรูปได้ไม่เกิน {limit} รูป{org.particle} แตะ “ถัดไป” เพื่อไปต่อ")


def bad_location(org: Organisation) -> Message:
    return m.text(f"ตำแหน่งนี้ไม่ถูกต้อง{org.particle} กรุณาส่งตำแหน่งใหม่ หรือแตะ “ถัดไป”")


def ask_phone(org: Organisation, quick: list[Action]) -> Message:
    return m.text(f"ต้องการให้เจ้าหน้าที่โทรกลับไหม{org.question_particle}\nพิมพ์เบอร์โทร หรือแตะ “ข้าม”", quick=quick)


def bad_phone(org: Organisation, quick: list[Action]) -> Message:
    return m.text(f"เบอร์โทรไม่ถูกต้อง{org.particle} เช่น 0812345678\nพิมพ์ใหม่ หรือแตะ “ข้าม”", quick=quick)


def summary(
    org: Organisation, category: str, description: str, photos: int, place: str | None, phone: str | None
) -> str:
    short = description if len(description) <= 120 else description[:117] + "…"
    lines = [f"หมวด: {category}", f"เรื่อง: {short}"]
    if photos:
        lines.append(f"รูป: {photos} รูป")
    if place:
        lines.append(f"สถานที่: {place}")
    if phone:
        lines.append(f"โทรกลับ: {phone}")
    return "\n".join(lines)


def confirm_question(org: Organisation, text: str, yes: Action, no: Action) -> Message:
    body = f"ตรวจสอบก่อนส่ง{org.particle}\n{text}"
    if len(body) > m.MAX_CONFIRM_TEXT:
        body = body[: m.MAX_CONFIRM_TEXT - 1] + "…"
    return m.confirm("ยืนยันการส่งเรื่องร้องเรียน", body, yes, no)


def filed(org: Organisation, code: str, due: datetime) -> Message:
    p = org.particle
    return m.text(
        f"รับเรื่องแล้ว{p} 🙏\nรหัสติดตาม: {code}\n"
        f"จะดำเนินการให้แล้วเสร็จภายในวันที่ {thai.format_date(due)}\n"
        f"ติดตามได้โดยพิมพ์ “ติดตาม {code}” {p}",
        quick=[m.say("ติดตามเรื่อง", f"ติดตาม {code}"), m.say("เมนู")],
    )


def cancelled(org: Organisation) -> Message:
    return m.text(f"ยกเลิกการร้องเรียนแล้ว{org.particle}", quick=menu_actions(org))


def not_found(org: Organisation) -> Message:
    return m.text(f"ไม่พบเรื่องรหัสนี้ในรายการของท่าน{org.particle}\nพิมพ์ “ติดตาม” เพื่อดูเรื่องทั้งหมดของท่าน")


def timeline(org: Organisation, code: str, status: str, due: datetime, events: list[tuple[datetime, str]]) -> Message:
    lines = [f"เรื่อง {code}", f"สถานะ: {status_name(status)}", f"กำหนดแล้วเสร็จ: {thai.format_date(due)}", ""]
    for at, text in events[-8:]:
        lines.append(f"• {thai.format_date(at, short=True)} {text}")
    return m.text("\n".join(lines)[: m.MAX_TEXT_CHARS], quick=[m.say("ติดตาม"), m.say("เมนู")])


def status_changed(org: Organisation, code: str, status: str, note: str | None) -> Message:
    body = f"อัปเดตเรื่อง {code}{org.particle}\nสถานะ: {status_name(status)}"
    if note:
        body += f"\n{note}"
    return m.text(body[: m.MAX_TEXT_CHARS], quick=[m.say("ดูความคืบหน้า", f"ติดตาม {code}")])


def delay_explained(org: Organisation, code: str, reason: str, new_due: datetime) -> Message:
    return m.text(
        f"เรื่อง {code} ใช้เวลานานกว่ากำหนด{org.particle}\nเหตุผล: {reason}\n"
        f"คาดว่าจะแล้วเสร็จภายในวันที่ {thai.format_date(new_due)}",
        quick=[m.say("ดูความคืบหน้า", f"ติดตาม {code}")],
    )


def late_escalated(org: Organisation, code: str) -> Message:
    return m.text(
        f"ขออภัย{org.particle} เรื่อง {code} ยังไม่แล้วเสร็จตามกำหนด 15 วัน\n"
        f"ได้แจ้งผู้บริหารให้เร่งติดตามแล้ว และจะแจ้งความคืบหน้าให้ทราบโดยเร็ว{org.particle}",
        quick=[m.say("ดูความคืบหน้า", f"ติดตาม {code}")],
    )


def confirm_fixed(org: Organisation, code: str, note: str | None, yes: Action, no: Action) -> list[Message]:
    head = f"เรื่อง {code} ดำเนินการแก้ไขแล้ว{org.particle}"
    first = m.text(f"{head}\n{note}"[: m.MAX_TEXT_CHARS] if note else head)
    return [first, m.confirm("ยืนยันผลการแก้ไข", f"ปัญหาได้รับการแก้ไขแล้วหรือยัง{org.question_particle}", yes, no)]


def reopened(org: Organisation, code: str) -> Message:
    p = org.particle
    return m.text(
        f"รับทราบ{p} เปิดเรื่อง {code} อีกครั้ง และแจ้งเจ้าหน้าที่ให้ดำเนินการต่อแล้ว{p}\n"
        f"ยังมีปัญหาตรงไหนอยู่บ้าง{org.question_particle} พิมพ์เล่าสั้น ๆ ได้เลย "
        "เจ้าหน้าที่จะได้แก้ไขให้ตรงจุด"
    )


def still_wrong_noted(org: Organisation, code: str) -> Message:
    return m.text(
        f"ขอบคุณ{org.particle} ส่งรายละเอียดให้เจ้าหน้าที่ที่ดูแลเรื่อง {code} แล้ว{org.particle}",
        quick=[m.say("ดูความคืบหน้า", f"ติดตาม {code}"), m.say("เมนู")],
    )


def still_wrong_skipped(org: Organisation) -> Message:
    return m.text(f"รับทราบ{org.particle} เจ้าหน้าที่จะติดต่อกลับเพื่อสอบถามรายละเอียด{org.particle}", quick=menu_actions(org))


def ask_rating(org: Organisation, code: str, quick: list[Action]) -> Message:
    return m.text(
        f"ปิดเรื่อง {code} แล้ว{org.particle} ขอบคุณที่แจ้งเรื่องมา 🙏\n"
        f"ท่านพึงพอใจการจัดการเรื่องร้องเรียนนี้มากน้อยเพียงใด{org.question_particle}",
        quick=quick,
    )


def rated(org: Organisation) -> Message:
    return m.text(f"ขอบคุณสำหรับคะแนน{org.particle} เราจะนำไปปรับปรุงการให้บริการ{org.particle}", quick=menu_actions(org))


def already_rated(org: Organisation) -> Message:
    return m.text(f"ท่านให้คะแนนเรื่องนี้แล้ว{org.particle} ขอบคุณ{org.particle}")


def photo_refused(org: Organisation, code: str, reason: str) -> Message:
    return m.text(f"รูปที่แนบกับเรื่อง {code} ใช้ไม่ได้ 1 รูป จึงไม่ได้แนบไว้{org.particle} ({reason})")
