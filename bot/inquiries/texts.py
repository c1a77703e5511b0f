"""Every Thai sentence an asker reads: choosing the kind, writing, the code and promised date, the answer."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot import thai
from bot.chat import messages as m
from bot.chat.messages import Action, Message
from bot.chat.texts import menu_actions
from bot.organisation import Organisation

if TYPE_CHECKING:
    from bot.inquiries.models import Inquiry

KIND_NAMES = {
    "question": "สอบถาม",
    "information_request": "ขอข้อมูลข่าวสาร",
    "suggestion": "ข้อเสนอแนะ",
    "feedback": "คำติชม",
}
# Short labels for buttons (≤ 20 characters).
KIND_BUTTONS = {
    "question": "สอบถาม",
    "information_request": "ขอข้อมูลข่าวสาร",
    "suggestion": "เสนอแนะ",
    "feedback": "ติชม",
}
CHANNEL_NAMES = {
    "line": "LINE",
    "phone": "โทรศัพท์",
    "walk_in": "ติดต่อด้วยตนเอง",
    "letter": "หนังสือ",
    "email": "อีเมล",
    "web": "เว็บไซต์",
}
STATUS_NAMES = {"received": "รับเรื่องแล้ว รอคำตอบ", "answered": "ตอบแล้ว"}

_ASK = {
    "question": "พิมพ์คำถามของท่านได้เลย{p}",
    "information_request": (
        "พิมพ์ข้อมูลข่าวสารที่ต้องการได้เลย{p} เช่น ชื่อเอกสาร เรื่อง ช่วงเวลา\n(ขอตามพระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. 2540)"
    ),
    "suggestion": "พิมพ์ข้อเสนอแนะของท่านได้เลย{p}",
    "feedback": "พิมพ์คำติชมของท่านได้เลย{p} ทั้งคำชมและข้อที่ควรปรับปรุง",
}


def ask_kind(org: Organisation, quick: list[Action]) -> Message:
    return m.text(
        f"ศูนย์ข้อมูลข่าวสาร {org.short_name} ยินดีให้บริการ{org.particle}\n"
        f"ต้องการติดต่อเรื่องใด{org.question_particle} แตะเลือกด้านล่าง (พิมพ์ “ยกเลิก” เพื่อหยุด)",
        quick=quick,
    )


def kind_unknown(org: Organisation, quick: list[Action]) -> Message:
    return m.text(f"กรุณาแตะเลือกจากปุ่มด้านล่าง{org.particle}", quick=quick)


def ask_text(org: Organisation, kind: str, days: int) -> Message:
    return m.text(f"{KIND_NAMES[kind]}\n{_ASK[kind].format(p=org.particle)}\nเจ้าหน้าที่จะตอบภายใน {days} วัน")


def text_empty(org: Organisation) -> Message:
    return m.text(f"กรุณาพิมพ์เป็นข้อความ{org.particle}")


def text_too_long(org: Organisation, limit: int) -> Message:
    return m.text(f"ข้อความยาวเกินไป{org.particle} กรุณาสรุปให้ไม่เกิน {limit:,} ตัวอักษร")


def confirm_question(org: Organisation, kind: str, text: str, yes: Action, no: Action) -> Message:
    short = text if len(text) <= 150 else text[:147] + "…"
    body = f"ตรวจสอบก่อนส่ง{org.particle}\n{KIND_NAMES[kind]}: {short}"
    if len(body) > m.MAX_CONFIRM_TEXT:
        body = body[: m.MAX_CONFIRM_TEXT - 1] + "…"
    return m.confirm("ยืนยันการส่งเรื่อง", body, yes, no)


def recorded(org: Organisation, code: str, due: datetime) -> Message:
    p = org.particle
    return m.text(
        f"รับเรื่องแล้ว{p} 🙏\nรหัสติดตาม: {code}\nเจ้าหน้าที่จะตอบภายใน {thai.format_date(due)}\nติดตามได้โดยพิมพ์ “ติดตาม {code}”",
        quick=[m.say("ติดตามเรื่อง", f"ติดตาม {code}"), m.say("เมนู")],
    )


def cancelled(org: Organisation) -> Message:
    return m.text(f"ยกเลิกแล้ว{org.particle}", quick=menu_actions(org))


def answered(org: Organisation, inquiry: Inquiry, quick: list[Action]) -> list[Message]:
    p = org.particle
    body = f"คำตอบเรื่อง {inquiry.code} ({KIND_NAMES.get(inquiry.kind, inquiry.kind)}){p}\n{inquiry.answer_text}"
    if inquiry.answer_attachments_url:
        body += f"\nเอกสารประกอบ: {inquiry.answer_attachments_url}"
    return [
        m.text(body[: m.MAX_TEXT_CHARS]),
        m.text(f"ท่านพึงพอใจการให้บริการข้อมูลครั้งนี้มากน้อยเพียงใด{org.question_particle}", quick=quick),
    ]


def timeline(org: Organisation, inquiry: Inquiry) -> Message:
    lines = [
        f"เรื่อง {inquiry.code} ({KIND_NAMES.get(inquiry.kind, inquiry.kind)})",
        f"สถานะ: {STATUS_NAMES.get(inquiry.status, inquiry.status)}",
        f"กำหนดตอบ: {thai.format_date(inquiry.due_at)}",
        m.polish(
            f"• {thai.format_date(inquiry.created_at, short=True)} รับเรื่องทาง{CHANNEL_NAMES.get(inquiry.channel, '')}"
        ),
    ]
    if inquiry.answered_at is not None:
        lines.append(f"• {thai.format_date(inquiry.answered_at, short=True)} ตอบแล้ว: {inquiry.answer_text}")
        if inquiry.answer_attachments_url:
            lines.append(f"เอกสารประกอบ: {inquiry.answer_attachments_url}")
    return m.text("\n".join(lines)[: m.MAX_TEXT_CHARS], quick=[m.say("ติดตาม"), m.say("เมนู")])


def status_line(inquiry: Inquiry) -> str:
    return (
        f"• {inquiry.code} {STATUS_NAMES.get(inquiry.status, inquiry.status)} "
        f"(กำหนดตอบ {thai.format_date(inquiry.due_at, short=True)})"
    )


def not_found(org: Organisation) -> Message:
    return m.text(f"ไม่พบเรื่องรหัสนี้ในรายการของท่าน{org.particle}\nพิมพ์ “ติดตาม” เพื่อดูเรื่องทั้งหมดของท่าน")


def rated(org: Organisation) -> Message:
    return m.text(f"ขอบคุณสำหรับคะแนน{org.particle} จะนำไปปรับปรุงการให้บริการ", quick=menu_actions(org))


def already_rated(org: Organisation) -> Message:
    return m.text(f"ท่านให้คะแนนเรื่องนี้แล้ว{org.particle} ขอบคุณ{org.particle}")
