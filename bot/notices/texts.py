"""Every Thai sentence a resident reads about notices: the notice itself, ข่าวสาร, opting out and in."""

from __future__ import annotations

from bot import thai
from bot.chat import messages as m
from bot.chat.messages import Action, Message
from bot.notices.models import Notice
from bot.organisation import Organisation

EXCERPT_CHARS = 300


def notice_body(title: str, text: str, link: str | None) -> str:
    """The text message of a notice: heading, body and the link to read more."""
    body = f"📢 {title.strip()}\n\n{text.strip()}"
    if link:
        body += f"\n\n🔗 อ่านเพิ่มเติม: {link}"
    return body


def image(url: str) -> Message:
    return {"type": "image", "originalContentUrl": url, "previewImageUrl": url}


def _quick(opted_out: bool) -> list[Action]:
    toggle = m.say("รับข่าวสาร") if opted_out else m.say("ไม่รับข่าวสาร")
    return [m.say("ประชาคม"), toggle, m.say("เมนู")]


def recent(org: Organisation, notices: list[Notice], village_label: str | None, opted_out: bool) -> Message:
    """ข่าวสาร: the latest notices for the resident's village, newest first."""
    p = org.particle
    if not notices:
        lead = f"ช่วงนี้ยังไม่มีข่าวสารใหม่{p}"
        if village_label:
            lead = f"ช่วงนี้ยังไม่มีข่าวสารใหม่สำหรับ{village_label}{p}"
        return m.text(lead + f"\nเมื่อมีประกาศ เราจะส่งมาทาง LINE นี้{p}", quick=_quick(opted_out))
    lines = [f"ข่าวสารล่าสุดของ {org.short_name}{p}"]
    for notice in notices:
        excerpt = notice.text.strip()
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[:EXCERPT_CHARS].rstrip() + "…"
        when = thai.format_date(notice.sent_at or notice.created_at, short=True)
        lines.append(f"\n📢 {notice.title} ({when})\n{excerpt}")
        if notice.link:
            lines.append(f"🔗 {notice.link}")
    if opted_out:
        lines.append(f"\nตอนนี้ท่านปิดรับข่าวสารอยู่ หากต้องการรับ พิมพ์ “รับข่าวสาร” ได้เลย{p}")
    return m.text("\n".join(lines), quick=_quick(opted_out))


def opted_out(org: Organisation) -> Message:
    p = org.particle
    return m.text(
        f"รับทราบ{p} จะไม่ส่งข่าวสารทั่วไปให้ท่านอีก\n"
        "ยกเว้นประกาศสำคัญเร่งด่วน (เช่น ภัยพิบัติ น้ำประปาหยุดจ่าย) "
        "และเรื่องของเวทีประชาคมที่ท่านตอบรับไว้\n"
        f"หากต้องการรับอีก พิมพ์ “รับข่าวสาร” ได้ทุกเมื่อ{p}",
        quick=_quick(True),
    )


def opted_in(org: Organisation) -> Message:
    return m.text(
        f"ยินดี{org.particle} 🙏 ท่านจะได้รับข่าวสารของ {org.short_name} ทาง LINE นี้\n"
        f"หากไม่ต้องการรับ พิมพ์ “ไม่รับข่าวสาร” ได้ทุกเมื่อ{org.particle}",
        quick=_quick(False),
    )


def staff_ask_code(org: Organisation) -> Message:
    return m.text(f"กรุณาพิมพ์ “ผูกบัญชีเจ้าหน้าที่” ตามด้วยรหัส 6 หลักที่ได้จากระบบเจ้าหน้าที่{org.particle}")


def staff_linked(org: Organisation, name: str) -> Message:
    return m.text(f"ผูก LINE นี้กับบัญชีเจ้าหน้าที่ “{name}” แล้ว{org.particle}\nประกาศถึงเจ้าหน้าที่จะส่งมาที่นี่{org.particle}")


def staff_code_wrong(org: Organisation) -> Message:
    return m.text(f"รหัสไม่ถูกต้องหรือหมดอายุแล้ว{org.particle}\nกรุณาขอรหัสใหม่จากระบบเจ้าหน้าที่{org.particle}")
