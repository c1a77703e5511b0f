"""Every Thai sentence a whistleblower reads: protection first, then the questions, then tracking."""

from __future__ import annotations

from datetime import datetime

from bot import thai
from bot.chat import messages as m
from bot.chat.messages import Action, Message
from bot.chat.texts import menu_actions
from bot.organisation import Organisation

STATUS_NAMES = {
    "received": "รับเรื่องแล้ว",
    "investigating": "อยู่ระหว่างตรวจสอบ",
    "referred": "ส่งหน่วยงานที่มีอำนาจดำเนินการ",
    "substantiated": "ตรวจสอบแล้ว พบมูล",
    "unsubstantiated": "ตรวจสอบแล้ว ไม่พบมูล",
    "closed": "ปิดเรื่องแล้ว",
}


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def protection(org: Organisation, anonymous: Action, named: Action) -> list[Message]:
    p = org.particle
    first = m.text(
        f"ช่องทางแจ้งเบาะแสการทุจริต{p} 🔒\n"
        "• แยกจากเรื่องร้องเรียนทั่วไป\n"
        "• เฉพาะเจ้าหน้าที่ผู้รับผิดชอบด้านความโปร่งใสที่ได้รับแต่งตั้งเท่านั้นที่เห็นเรื่องนี้\n"
        "• ข้อมูลตัวตนของท่านถูกเข้ารหัส และทุกการเปิดดูถูกบันทึกไว้\n"
        "• เลือกไม่เปิดเผยชื่อได้ ท่านยังติดตามเรื่องได้ทาง LINE นี้\n"
        f"พิมพ์ “ยกเลิก” เพื่อหยุดได้ทุกเมื่อ{p}"
    )
    question = f"ต้องการเปิดเผยชื่อของท่านให้เจ้าหน้าที่ทราบหรือไม่{org.question_particle}"
    ask = m.confirm("เลือกการเปิดเผยชื่อ", question, named, anonymous)
    return [first, ask]


def ask_name(org: Organisation) -> Message:
    return m.text(f"กรุณาพิมพ์ชื่อ-นามสกุลของท่าน{org.particle}")


def ask_phone(org: Organisation, skip: Action) -> Message:
    return m.text(f"ขอเบอร์โทรสำหรับติดต่อกลับ{org.particle} (ไม่บังคับ)\nพิมพ์เบอร์ หรือแตะ “ข้าม”", quick=[skip])


def ask_what(org: Organisation) -> Message:
    return m.text(f"เล่าเหตุการณ์ที่พบได้เลย{org.particle}\nเกิดอะไรขึ้น เกี่ยวกับงานหรือโครงการใด")


def ask_kind(org: Organisation, names: list[str], quick: list[Action], again: bool = False) -> Message:
    lead = f"ขออภัย{org.particle} กรุณาเลือกจากรายการ\n" if again else ""
    lines = "\n".join(f"{i}. {name}" for i, name in enumerate(names, 1))
    return m.text(
        f"{lead}เรื่องที่แจ้งเป็นการทุจริตประเภทใด{org.question_particle}\n{lines}\n"
        f"แตะปุ่มหรือพิมพ์หมายเลขได้เลย{org.particle} หากไม่แน่ใจ แตะ “ไม่แน่ใจ”",
        quick=quick,
    )


def ask_who(org: Organisation, skip: Action) -> Message:
    return m.text(f"ผู้เกี่ยวข้องคือใคร{org.question_particle} (ตำแหน่ง/หน่วยงาน)\nพิมพ์ หรือแตะ “ข้าม”", quick=[skip])


def ask_when(org: Organisation, skip: Action) -> Message:
    return m.text(f"เกิดขึ้นเมื่อไร{org.question_particle} (เช่น ต้นเดือนมีนาคม 2569)\nพิมพ์ หรือแตะ “ข้าม”", quick=[skip])


def ask_where(org: Organisation, quick: list[Action]) -> Message:
    return m.text(f"เกิดขึ้นที่ไหน{org.question_particle}\nพิมพ์สถานที่ ส่งตำแหน่ง หรือแตะ “ข้าม”", quick=quick)


def ask_evidence(org: Organisation, quick: list[Action], count: int) -> Message:
    got = f"ได้รับหลักฐาน {count} รูปแล้ว{org.particle}\n" if count else ""
    return m.text(f"{got}ส่งรูปหลักฐานเพิ่มได้{org.particle} (ไม่บังคับ)\nเสร็จแล้วแตะ “ถัดไป”", quick=quick)


def text_needed(org: Organisation) -> Message:
    return m.text(f"กรุณาพิมพ์เป็นข้อความ{org.particle} (ไม่เกิน 5,000 ตัวอักษร)")


def bad_phone(org: Organisation, skip: Action) -> Message:
    return m.text(f"เบอร์โทรไม่ถูกต้อง{org.particle} เช่น 0812345678", quick=[skip])


def confirm_question(org: Organisation, anonymous: bool, what: str, yes: Action, no: Action) -> Message:
    short = what if len(what) <= 100 else what[:97] + "…"
    who = "ไม่เปิดเผยชื่อ" if anonymous else "เปิดเผยชื่อต่อเจ้าหน้าที่"
    return m.confirm("ยืนยันการแจ้งเบาะแส", f"ตรวจสอบก่อนส่ง{org.particle}\n{who}\nเรื่อง: {short}", yes, no)


def filed(org: Organisation, code: str) -> Message:
    p = org.particle
    return m.text(
        f"ได้รับเบาะแสแล้ว ขอบคุณที่ช่วยให้ท้องถิ่นโปร่งใส{p} 🙏\n"
        f"รหัสติดตาม: {code}\nจดรหัสนี้ไว้ พิมพ์ “ติดตาม {code}” เพื่อดูความคืบหน้า\n"
        f"เจ้าหน้าที่จะไม่เปิดเผยตัวตนของท่าน{p}",
        quick=menu_actions(org),
    )


def cancelled(org: Organisation) -> Message:
    return m.text(f"ยกเลิกการแจ้งเบาะแสแล้ว ไม่มีข้อมูลใดถูกบันทึก{org.particle}", quick=menu_actions(org))


def timeline(org: Organisation, code: str, status: str, events: list[tuple[datetime, str]]) -> Message:
    lines = [f"เบาะแส {code} 🔒", f"สถานะ: {status_name(status)}", ""]
    lines += [f"• {thai.format_date(at, short=True)} {text}" for at, text in events[-8:]]
    return m.text("\n".join(lines)[: m.MAX_TEXT_CHARS], quick=[m.say("เมนู")])


def status_changed(org: Organisation, code: str, status: str, note: str | None) -> Message:
    body = f"อัปเดตเบาะแส {code} 🔒\nสถานะ: {status_name(status)}"
    if note:
        body += f"\n{note}"
    return m.text(body[: m.MAX_TEXT_CHARS])


def evidence_refused(org: Organisation, code: str, reason: str) -> Message:
    return m.text(f"หลักฐาน 1 รูปของเบาะแส {code} ใช้ไม่ได้{org.particle} ({reason})")
