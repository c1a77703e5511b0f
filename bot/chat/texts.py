"""Thai sentences of the engine's own dialogs: menu, help, cancel, fallback, stale buttons."""

from __future__ import annotations

from bot.chat import messages as m
from bot.chat.messages import Action, Message
from bot.organisation import Organisation

# What a resident can type (or tap, the quick replies type it for them), in menu order.
MENU_ITEMS: tuple[tuple[str, str], ...] = (
    ("ร้องเรียน", "ร้องเรียน"),
    ("แจ้งเบาะแสทุจริต", "แจ้งทุจริต"),
    ("ติดตามเรื่อง", "ติดตาม"),
    ("สอบถาม/ขอข้อมูล", "สอบถาม"),
    ("แบบสอบถาม", "แบบสอบถาม"),
    ("ข่าวสาร", "ข่าวสาร"),
    ("ประชาคม", "ประชาคม"),
    ("ข้อมูล อบต.", "ข้อมูล อบต."),
    ("ข้อมูลของฉัน", "ข้อมูลของฉัน"),
    ("ช่วยเหลือ", "ช่วยเหลือ"),
)


def menu_actions() -> list[Action]:
    return [m.say(label, typed) for label, typed in MENU_ITEMS]


def menu(org: Organisation, lead: str | None = None) -> Message:
    return m.text(lead or f"เลือกบริการที่ต้องการได้เลย{org.particle} 👇", quick=menu_actions())


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
    return m.text(body, quick=menu_actions())


def cancelled(org: Organisation) -> Message:
    return menu(org, f"ยกเลิกแล้ว{org.particle} เลือกบริการอื่นได้เลย")


def nothing_to_cancel(org: Organisation) -> Message:
    return menu(org, f"ตอนนี้ไม่มีรายการที่ต้องยกเลิก{org.particle}")


def fallback(org: Organisation, expired: bool) -> Message:
    p = org.particle
    if expired:
        return menu(org, f"รายการก่อนหน้าหมดเวลาแล้ว{p}\nเริ่มใหม่ได้เลย โดยเลือกบริการด้านล่าง")
    return menu(org, f"ขออภัย{p} ไม่เข้าใจข้อความนี้\nแตะเลือกบริการด้านล่าง หรือพิมพ์ “ช่วยเหลือ”")


def stale_button(org: Organisation) -> Message:
    return menu(org, f"ปุ่มนี้ใช้ไม่ได้แล้ว{org.particle}\nกรุณาเลือกใหม่จากเมนูด้านล่าง")


def office_info(org: Organisation) -> list[Message]:
    c = org.contact
    about = "\n".join(line for line in (org.name, c.address, f"โทร {c.phone}", c.office_hours, c.website) if line)
    links = [f"ข้อมูลสาธารณะของ{org.short_name}{org.particle}"]
    for group in org.public_info:
        links.append(f"\n{group.group}")
        links.extend(f"• {link.title}\n  {link.url}" for link in group.links)
    return [m.text(about), m.text("\n".join(links), quick=menu_actions())]


def processing_failed(org: Organisation) -> Message:
    p = org.particle
    return m.text(
        f"ขออภัย{p} ระบบขัดข้องชั่วคราว\nข้อความล่าสุดของท่านยังไม่ได้ดำเนินการ กรุณาลองใหม่อีกครั้ง{p}",
        quick=menu_actions(),
    )
