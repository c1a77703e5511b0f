"""Every Thai sentence a resident reads about forums: the invitation, reminder, cancellation, outcome,
and the chat replies (ประชาคม, RSVP, opinions, check-in)."""

from __future__ import annotations

from bot import thai
from bot.chat import messages as m
from bot.chat.messages import Action, Message
from bot.forums.models import Forum, ForumOutcome, RsvpAnswer
from bot.organisation import Organisation

ANSWER_LABELS = {RsvpAnswer.GOING: "ไป", RsvpAnswer.NOT_GOING: "ไม่ไป", RsvpAnswer.MAYBE: "ยังไม่แน่ใจ"}
OUTCOME_PART_CHARS = 1200  # each part of an outcome pushed in LINE; the public page has all of it


def ask(org: Organisation) -> str:
    """The particle ending a question: คะ (not ค่ะ) or ครับ."""
    return org.question_particle


def when(forum: Forum) -> str:
    return f"🗓 {thai.format_datetime(forum.starts_at)}"


def where(forum: Forum) -> str:
    lines = [f"📍 สถานที่: {forum.place}"]
    if forum.map_url:
        lines.append(f"🗺 แผนที่: {forum.map_url}")
    return "\n".join(lines)


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def invitation(org: Organisation, forum: Forum, village_labels: list[str], actions: list[Action]) -> list[Message]:
    """The announcement: details in the text itself, then the RSVP / opinion buttons."""
    p = org.particle
    body = "\n".join(
        [
            f"📣 ขอเชิญร่วมเวทีประชาคม{p}",
            f"เรื่อง: {forum.topic}",
            when(forum),
            where(forum),
            f"สำหรับ: {', '.join(village_labels)}",
            "",
            "วาระ:",
            _clip(forum.agenda, 3000),
            "",
            f"ทุกคนเข้าร่วมได้ มาร่วมเสนอปัญหาและความต้องการของหมู่บ้านกัน{p}",
        ]
    )
    question = m.buttons(f"เวทีประชาคม: {forum.topic}"[:400], f"ท่านจะไปร่วมเวทีนี้ไหม{ask(org)}", actions)
    return [m.text(body), question]


def reminder(org: Organisation, forum: Forum, quick: list[Action]) -> list[Message]:
    p = org.particle
    body = "\n".join(
        [
            f"⏰ แจ้งเตือนเวทีประชาคม{p}",
            f"เรื่อง: {forum.topic}",
            when(forum),
            where(forum),
            "",
            "เมื่อถึงงาน พิมพ์ “ลงชื่อ” ตามด้วยรหัสที่ติดไว้หน้างาน เพื่อลงชื่อเข้าร่วม",
            f"หากไปไม่ได้ แตะ “ไม่ไป” ด้านล่างได้เลย{p}",
        ]
    )
    return [m.text(body, quick=quick)]


def cancelled_notice(org: Organisation, forum: Forum, reason: str) -> list[Message]:
    p = org.particle
    body = "\n".join(
        [
            f"ขออภัย{p} 🙏 เวทีประชาคมต่อไปนี้ยกเลิกแล้ว",
            f"เรื่อง: {forum.topic}",
            when(forum),
            f"เหตุผล: {reason}",
            f"หากมีการจัดใหม่ จะแจ้งให้ทราบอีกครั้ง{p}",
        ]
    )
    return [m.text(body)]


def outcome_message(org: Organisation, forum: Forum, outcome: ForumOutcome) -> list[Message]:
    p = org.particle
    lines = [
        f"📝 สรุปผลเวทีประชาคม{p}",
        f"เรื่อง: {forum.topic} ({thai.format_date(forum.starts_at)})",
        "",
        "ข้อสรุปและมติ:",
        _clip(outcome.decisions, OUTCOME_PART_CHARS),
        "",
        "ความคิดเห็นของประชาชนนำไปใช้อย่างไร:",
        _clip(outcome.opinions_used, OUTCOME_PART_CHARS),
    ]
    links = outcome.link_list()
    if links:
        lines += ["", "แผนพัฒนาท้องถิ่นที่เกี่ยวข้อง:", *(f"• {link['title']}\n  {link['url']}" for link in links[:5])]
    lines += ["", f"ขอบคุณที่ร่วมเวทีและแสดงความคิดเห็น{p} 🙏"]
    return [m.text("\n".join(lines))]


# --- chat replies -------------------------------------------------------------------------------


def card(org: Organisation, forum: Forum, answer: str | None, actions: list[Action]) -> list[Message]:
    """One upcoming forum in ประชาคม: its details, the resident's answer so far, and the buttons."""
    lines = [f"🏛 {forum.topic}", when(forum), where(forum)]
    if answer:
        lines.append(f"คำตอบของท่าน: {ANSWER_LABELS[RsvpAnswer(answer)]} (เปลี่ยนได้จนถึงวันงาน)")
    return [
        m.text("\n".join(lines)),
        m.buttons(f"เวทีประชาคม: {forum.topic}"[:400], f"ท่านจะไปร่วมเวทีนี้ไหม{ask(org)}", actions),
    ]


def none_upcoming(org: Organisation, village_label: str | None, quick: list[Action]) -> Message:
    p = org.particle
    whose = f"ของ{village_label}" if village_label else ""
    return m.text(f"ตอนนี้ยังไม่มีเวทีประชาคม{whose}ที่กำลังจะจัด{p}\nเมื่อมีกำหนดการ เราจะแจ้งทาง LINE นี้{p}", quick=quick)


def more_upcoming(org: Organisation, count: int) -> Message:
    return m.text(f"ยังมีเวทีประชาคมอีก {count} เวที{org.particle} สอบถามรายละเอียดได้ที่ โทร {org.contact.phone}")


def no_village(org: Organisation) -> Message:
    return m.text(f"กรุณาเลือกหมู่บ้านของท่านก่อน{org.particle} โดยพิมพ์ “เปลี่ยนหมู่บ้าน”", quick=[m.say("เปลี่ยนหมู่บ้าน")])


def rsvp_saved(org: Organisation, forum: Forum, answer: str, registration: int, quick: list[Action]) -> Message:
    p = org.particle
    if answer == RsvpAnswer.GOING:
        lead = f"ขอบคุณ{p} 🙏 บันทึกว่าท่านจะไปร่วมเวที\nหมายเลขลงทะเบียนของท่าน: {registration}"
        tail = f"\nเราจะแจ้งเตือนก่อนวันงาน{p}"
    elif answer == RsvpAnswer.MAYBE:
        lead = f"รับทราบ{p} บันทึกว่าท่านยังไม่แน่ใจ\nหมายเลขลงทะเบียนของท่าน: {registration}"
        tail = f"\nเราจะแจ้งเตือนก่อนวันงาน และเปลี่ยนคำตอบได้ทุกเมื่อก่อนเริ่มงาน{p}"
    else:
        lead = f"รับทราบ{p} บันทึกว่าท่านไม่สะดวกไป"
        tail = f"\nท่านยังส่งความคิดเห็นถึงเวทีได้ก่อนวันงาน{p}"
    return m.text(f"{lead}\nเรื่อง: {forum.topic}\n{when(forum)}\n{where(forum)}{tail}", quick=quick)


REFUSALS = {
    "unknown": "ไม่พบเวทีประชาคมนี้แล้ว{p}",
    "cancelled": "ขออภัย{p} เวทีประชาคมนี้ยกเลิกแล้ว",
    "started": "ขออภัย{p} เวทีประชาคมนี้เริ่มไปแล้ว จึงเปลี่ยนคำตอบหรือส่งความคิดเห็นล่วงหน้าไม่ได้แล้ว",
    "full": "ขออภัย{p} เวทีนี้มีผู้ตอบว่าจะไปครบจำนวนที่รับได้แล้ว\nท่านยังส่งความคิดเห็นถึงเวทีได้",
    "no_opinions": "เวทีนี้ไม่ได้เปิดรับความคิดเห็นล่วงหน้า{p}",
}


def refused(org: Organisation, reason: str) -> Message:
    return m.text(REFUSALS[reason].format(p=org.particle), quick=[m.say("ประชาคม"), m.say("เมนู")])


def ask_opinion(org: Organisation, forum: Forum, limit: int) -> Message:
    p = org.particle
    return m.text(
        f"พิมพ์ความคิดเห็น ปัญหา หรือความต้องการของท่าน ถึงเวทีเรื่อง “{forum.topic}” ได้เลย{p}\n"
        f"(ไม่เกิน {limit:,} ตัวอักษร) หรือพิมพ์ “ยกเลิก”"
    )


def opinion_too_long(org: Organisation, length: int, limit: int) -> Message:
    return m.text(
        f"ข้อความยาว {length:,} ตัวอักษร เกินที่รับได้ {limit:,} ตัวอักษร{org.particle}\n"
        "กรุณาสรุปให้สั้นลง แล้วส่งมาใหม่ หรือแบ่งส่งเป็นหลายเรื่อง"
    )


def opinion_text_first(org: Organisation) -> Message:
    return m.text(f"กรุณาพิมพ์ความคิดเห็นเป็นข้อความก่อน แล้วจึงแนบรูปได้{org.particle}")


def opinion_saved(org: Organisation, quick: list[Action]) -> Message:
    p = org.particle
    return m.text(
        f"ได้รับความคิดเห็นของท่านแล้ว{p} ขอบคุณ 🙏\nจะนำเข้าสู่เวทีประชาคม และแจ้งผลให้ทราบหลังจบเวที\n"
        f"ต้องการแนบรูปประกอบไหม{ask(org)} (ถ่ายรูปหรือเลือกรูปได้เลย)",
        quick=quick,
    )


def photo_saved(org: Organisation) -> Message:
    return m.text(f"แนบรูปเรียบร้อยแล้ว{org.particle} ขอบคุณที่ร่วมแสดงความคิดเห็น 🙏", quick=[m.say("ประชาคม"), m.say("เมนู")])


def opinion_done(org: Organisation) -> Message:
    return m.text(f"เรียบร้อย{org.particle} ขอบคุณที่ร่วมแสดงความคิดเห็น 🙏", quick=[m.say("ประชาคม"), m.say("เมนู")])


def photo_or_done(org: Organisation) -> Message:
    return m.text(
        f"ส่งรูปประกอบ หรือแตะ “ไม่แนบรูป” ได้เลย{org.particle}", quick=[m.camera(), m.camera_roll(), m.say("ไม่แนบรูป")]
    )


def ask_code(org: Organisation) -> Message:
    return m.text(f"กรุณาพิมพ์รหัสลงชื่อ 4 หลักที่ติดไว้หน้างานเวทีประชาคม{org.particle}")


def not_rostered(org: Organisation) -> Message:
    return m.text(
        f"รหัสนี้เป็นของเวทีสำหรับบุคลากร แต่บัญชี LINE นี้ยังไม่อยู่ในรายชื่อผู้เข้าร่วม{org.particle}\n"
        f"เจ้าหน้าที่: พิมพ์ “ผูกบัญชีเจ้าหน้าที่” ตามด้วยรหัส 6 หลักจากระบบเจ้าหน้าที่ก่อน\n"
        f"หรือแจ้งเจ้าหน้าที่ที่หน้างานให้ลงชื่อแทน{org.particle}"
    )


def check_in_not_started(org: Organisation, forum: Forum) -> Message:
    return m.text(
        f"เวที “{forum.topic}” ยังไม่เริ่ม{org.particle}\n"
        f"ลงชื่อเข้าร่วมได้ตั้งแต่เวลาเริ่มเวที {thai.format_datetime(forum.starts_at)}\n"
        f"เมื่อถึงเวลา กรุณาพิมพ์ “ลงชื่อ” ตามด้วยรหัสเดิมอีกครั้ง{org.particle}"
    )


def code_wrong(org: Organisation) -> Message:
    return m.text(
        f"รหัสนี้ไม่ตรงกับเวทีที่กำลังจัด{org.particle}\nกรุณาตรวจรหัสที่หน้างานแล้วพิมพ์ใหม่ หรือแจ้งเจ้าหน้าที่ให้ลงชื่อให้ หรือพิมพ์ “ยกเลิก”"
    )


def checked_in(org: Organisation, forum: Forum, again: bool) -> Message:
    p = org.particle
    if again:
        return m.text(f"ท่านลงชื่อเข้าร่วมเวที “{forum.topic}” ไว้แล้ว{p} ขอบคุณ 🙏")
    if forum.audience == "staff":
        return m.text(f"ลงชื่อเข้าร่วม “{forum.topic}” เรียบร้อยแล้ว{p} ขอบคุณ 🙏")
    return m.text(
        f"ลงชื่อเข้าร่วมเวที “{forum.topic}” เรียบร้อยแล้ว{p} ขอบคุณที่มาร่วมเวที 🙏\nหลังจบเวที เราจะส่งสรุปผลมาให้ทาง LINE นี้{p}"
    )
