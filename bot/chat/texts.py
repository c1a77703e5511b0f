"""Thai sentences of the engine's own dialogs: menu, help, cancel, fallback, stale buttons."""

from __future__ import annotations

from bot.chat import messages as m
from bot.chat.messages import Action, Message
from bot.organisation import Organisation

# What a resident can type (or tap, the quick replies type it for them), in menu order; "{org}" in a
# label is the organisation's short name (a label longer than LINE's 20 characters is shortened).
MENU_ITEMS: tuple[tuple[str, str], ...] = (
    ("ร้องเรียน", "ร้องเรียน"),
    ("แจ้งเบาะแสทุจริต", "แจ้งทุจริต"),
    ("ติดตามเรื่อง", "ติดตาม"),
    ("สอบถาม/ขอข้อมูล", "สอบถาม"),
    ("แบบสอบถาม", "แบบสอบถาม"),
    ("ข่าวสาร", "ข่าวสาร"),
    ("ประชาคม", "ประชาคม"),
    ("ติดต่อ {org}", "ติดต่อ"),
    ("ข้อมูลของฉัน", "ข้อมูลของฉัน"),
    ("ช่วยเหลือ", "ช่วยเหลือ"),
)


def menu_actions(org: Organisation | None = None) -> list[Action]:
    """The menu as quick replies; without the organisation, "{org}" reads "เรา"."""
    name = org.short_name if org is not None else "เรา"
    return [
        m.say(m.shorten(label.format(org=name).replace("ติดต่อ เรา", "ติดต่อเรา")), typed) for label, typed in MENU_ITEMS
    ]


def menu(org: Organisation, lead: str | None = None) -> Message:
    return m.text(lead or f"เลือกบริการที่ต้องการได้เลย{org.particle} 👇", quick=menu_actions(org))


def help_text(org: Organisation) -> Message:
    p = org.particle
    body = (
        f"วิธีใช้งาน{p}\n"
        "แตะเมนูด้านล่าง หรือพิมพ์คำเหล่านี้\n"
        "• ร้องเรียน – แจ้งปัญหาหรือความเดือดร้อน\n"
        "• แจ้งทุจริต – แจ้งเบาะแส ปกปิดชื่อได้\n"
        "• ติดตาม – ดูความคืบหน้าเรื่องของท่าน\n"
        "• สอบถาม / ขอข้อมูล / เสนอแนะ / ติชม – ติดต่อศูนย์ข้อมูลข่าวสาร\n"
        "• แบบสอบถาม – ประเมินความพึงพอใจ\n"
        "• ข่าวสาร / ประชาคม – ประกาศและเวทีประชาคม\n"
        "• ข้อมูลของฉัน / ลบข้อมูลของฉัน\n"
        "• ยกเลิก – หยุดรายการที่ทำอยู่\n"
        f"สอบถามเพิ่มเติม โทร {org.contact.phone}"
    )
    return m.text(body, quick=menu_actions(org))


def cancelled(org: Organisation) -> Message:
    return menu(org, f"ยกเลิกแล้ว{org.particle} เลือกบริการอื่นได้เลย")


def nothing_to_cancel(org: Organisation) -> Message:
    return menu(org, f"ตอนนี้ไม่มีรายการที่ต้องยกเลิก{org.particle}")


def fallback(org: Organisation, expired: bool) -> Message:
    p = org.particle
    if expired:
        return menu(org, f"รายการก่อนหน้าหมดเวลาแล้ว{p}\nเริ่มใหม่ได้เลย โดยเลือกบริการด้านล่าง{p}")
    return menu(org, f"ขออภัย{p} ยังไม่เข้าใจข้อความนี้\nหากต้องการแจ้งปัญหา พิมพ์ “ร้องเรียน” หรือแตะเลือกบริการด้านล่างได้เลย{p}")


# --- What residents type outside any dialog (bot.chat.intents matches these on Thai word segmentation) ---

GREETINGS = ("สวัสดี", "หวัดดี", "ดีจ้า", "ดีค่ะ", "ดีครับ", "อรุณสวัสดิ์", "ฮัลโหล", "hello", "hi", "hey")
THANKS = ("ขอบคุณ", "ขอบใจ", "ขอบพระคุณ", "ขอบคุณมาก", "thank", "thanks", "thx", "ขอบคุณมากๆ")
PARTICLES = (
    "ค่ะ",
    "คะ",
    "ค่า",
    "ค้า",
    "ครับ",
    "คับ",
    "คร้าบ",
    "ฮะ",
    "จ้า",
    "จ้ะ",
    "จ๊ะ",
    "นะ",
    "นะคะ",
    "นะครับ",
    "น้า",
    "ด้วย",
    "หน่อย",
)
YES_WORDS = ("ใช่", "ใช่แล้ว", "ต้องการ", "ได้", "ได้เลย", "โอเค", "ok", "okay", "ตกลง", "แจ้งเลย", "เอา", "ยืนยัน")
NO_WORDS = ("ไม่", "ไม่ใช่", "ไม่ต้อง", "ไม่เอา", "ไม่ต้องการ", "ไม่แจ้ง", "no")
# A problem being described: any of these makes a message a complaint to offer (with the category the
# organisation file's keywords point at, if any).
PROBLEM_WORDS = (
    "เสีย",
    "พัง",
    "ชำรุด",
    "ดับ",
    "แตก",
    "รั่ว",
    "ซึม",
    "ท่วม",
    "ไม่ไหล",
    "ไม่ติด",
    "หลุม",
    "เป็นหลุม",
    "เดือดร้อน",
    "ความเดือดร้อน",
    "ร้องเรียน",
    "ช่วยด้วย",
    "อันตราย",
    "เหม็น",
    "ล้ม",
    "ขวาง",
    "กีดขวาง",
    "ทรุด",
    "ขาด",
    "หัก",
    "ตัน",
    "อุดตัน",
    "ไม่มาเก็บ",
    "ไม่ได้รับ",
    "ไม่ได้",
    "ล่าช้า",
    "ไม่สุภาพ",
    "ซ่อม",
    "แก้ไขด้วย",
    "รำคาญ",
    "ค้าง",
    "ลักลอบ",
    "ทิ้ง",
    "ส่งกลิ่น",
    "เสียงดัง",
    "มืด",
    "ขุ่น",
    "ไม่มี",
    "ยังไม่",
    "โดนเรียก",
    "เรียกเก็บ",
    "หาย",
    "ระเบิด",
)
# A question: a question word anywhere, or an opener such as "ขอทราบ".
QUESTION_WORDS = (
    "ไหม",
    "มั้ย",
    "ไม๊",
    "ได้ไหม",
    "หรือไม่",
    "หรือเปล่า",
    "รึเปล่า",
    "หรือยัง",
    "รึยัง",
    "เหรอ",
    "หรอ",
    "อย่างไร",
    "ยังไง",
    "เท่าไร",
    "เท่าไหร่",
    "เมื่อไร",
    "เมื่อไหร่",
    "ที่ไหน",
    "ตรงไหน",
    "ไหน",
    "อะไร",
    "ใคร",
    "ทำไม",
    "กี่",
    "บ้าง",
    "วันไหน",
)
QUESTION_OPENERS = ("ขอทราบ", "สอบถาม", "อยากทราบ", "อยากรู้", "ขอถาม", "ถาม", "รบกวนถาม", "สงสัย")


def greeting(org: Organisation) -> Message:
    p = org.particle
    return menu(org, f"สวัสดี{p} 🙏 {org.short_name} ยินดีให้บริการ\nเลือกบริการด้านล่าง หรือเล่าปัญหาที่พบมาได้เลย{p}")


def thanks(org: Organisation) -> Message:
    return menu(org, f"ยินดี{org.particle} 🙏 มีอะไรให้ช่วยอีก บอกได้เลยนะ{org.question_particle}")


def emoji(org: Organisation) -> Message:
    p = org.particle
    return menu(org, f"😊🙏 ขอบคุณ{p}\nมีอะไรให้ {org.short_name} ช่วย เลือกบริการด้านล่างได้เลย{p}")


def offer_complaint(org: Organisation, category: str | None, yes: Action, no: Action) -> Message:
    body = f"ต้องการแจ้งเรื่องนี้เป็นเรื่องร้องเรียนไหม{org.question_particle}"
    if category:
        body += f"\n(หมวด: {category})"
    return m.confirm("ต้องการแจ้งเรื่องนี้เป็นเรื่องร้องเรียนไหม", body, yes, no)


def offer_inquiry(org: Organisation, yes: Action, no: Action) -> Message:
    body = f"ต้องการส่งคำถามนี้ถึงเจ้าหน้าที่ของ {org.short_name} ไหม{org.question_particle}"
    return m.confirm("ต้องการส่งคำถามถึงเจ้าหน้าที่ไหม", body, yes, no)


def office_contact(org: Organisation) -> Message:
    p, c = org.particle, org.contact
    hours = f"\n{c.office_hours}" if c.office_hours else ""
    return menu(org, f"ขอบคุณที่สอบถามมา{p}\nสอบถามรายละเอียดได้ที่ {org.short_name} โทร {c.phone}{hours}")


def offer_declined(org: Organisation) -> Message:
    return menu(org, f"รับทราบ{org.particle} เลือกบริการด้านล่างได้เลย{org.particle}")


def stale_button(org: Organisation) -> Message:
    return menu(org, f"ปุ่มนี้ใช้ไม่ได้แล้ว{org.particle}\nกรุณาเลือกใหม่จากเมนูด้านล่าง")


def office_info(org: Organisation) -> list[Message]:
    c = org.contact
    about = "\n".join(line for line in (org.name, c.address, f"โทร {c.phone}", c.office_hours, c.website) if line)
    links = [f"ข้อมูลสาธารณะของ{org.short_name}{org.particle}"]
    for group in org.public_info:
        links.append(f"\n{group.group}")
        links.extend(f"• {link.title}\n  {link.url}" for link in group.links)
    return [m.text(about), m.text("\n".join(links), quick=menu_actions(org))]


def processing_failed(org: Organisation) -> Message:
    p = org.particle
    return m.text(
        f"ขออภัย{p} ระบบขัดข้องชั่วคราว\nข้อความล่าสุดของท่านยังไม่ได้ดำเนินการ กรุณาลองใหม่อีกครั้ง{p}",
        quick=menu_actions(org),
    )
