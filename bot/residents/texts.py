"""Every Thai sentence of the residents' dialogs (welcome, PDPA notice, village, data rights)."""

from __future__ import annotations

from bot import thai
from bot.chat import messages as m
from bot.chat.messages import Action, Message
from bot.chat.texts import menu, menu_actions
from bot.organisation import Organisation, Village
from bot.residents.service import HeldData

VILLAGES_PER_PAGE = 12  # a quick-reply bar holds 13: twelve villages and "more"


def welcome(org: Organisation) -> Message:
    p = org.particle
    return m.text(
        f"สวัสดี{p} 🙏 ยินดีต้อนรับสู่ LINE ของ {org.short_name}\n"
        f"ที่นี่ท่านร้องเรียน แจ้งเบาะแสทุจริต ติดตามเรื่อง ตอบแบบสอบถาม และรับข่าวสารได้{p}"
    )


def welcome_back(org: Organisation) -> Message:
    return menu(org, f"ยินดีต้อนรับกลับ{org.particle} 🙏\nเลือกบริการที่ต้องการได้เลย")


def pdpa_notice(org: Organisation) -> Message:
    p = org.particle
    privacy = org.privacy
    return m.text(
        f"ก่อนเริ่มใช้งาน ขอแจ้งเรื่องข้อมูลส่วนบุคคล (PDPA){p}\n"
        "• ข้อมูลที่เก็บ: รหัสผู้ใช้ LINE หมู่บ้านของท่าน และเรื่องที่ท่านแจ้งมา\n"
        f"• เพื่อ: รับเรื่อง ติดตามผล แจ้งความคืบหน้า และส่งข่าวสารของ {org.short_name}\n"
        f"• ระยะเวลา: {privacy.retention}\n"
        "• สิทธิของท่าน: ขอดูข้อมูล (พิมพ์ “ข้อมูลของฉัน”) ขอลบ (พิมพ์ “ลบข้อมูลของฉัน”) "
        "หรือถอนความยินยอมได้ทุกเมื่อ\n"
        f"• ผู้ควบคุมข้อมูล: {privacy.controller}\n"
        f"• ติดต่อ: {privacy.contact}\n"
        f"(ประกาศฉบับ {privacy.notice_version})"
    )


def consent_question(org: Organisation, yes: Action, no: Action) -> Message:
    return m.confirm(
        "ขอความยินยอมเก็บข้อมูล",
        f"ท่านยินยอมให้ {org.short_name} เก็บและใช้ข้อมูลตามที่แจ้งไว้หรือไม่{org.question_particle}",
        yes,
        no,
    )


def consent_needed(org: Organisation) -> Message:
    return m.text(f"บริการนี้ต้องใช้ข้อมูลของท่าน จึงขอความยินยอมก่อนนะ{org.question_particle}")


def consent_declined(org: Organisation) -> Message:
    p = org.particle
    return m.text(
        f"รับทราบ{p} เราจะไม่เก็บข้อมูลของท่าน\n"
        f"ท่านยังดูที่อยู่และเบอร์โทรของ {org.short_name} ได้ (พิมพ์ “ติดต่อ”)\n"
        f"หากเปลี่ยนใจ พิมพ์ “ยินยอม” ได้ทุกเมื่อ{p}",
        quick=[m.say("ยินยอม"), m.say("ติดต่อ"), m.say("ช่วยเหลือ")],
    )


def village_label(village: Village) -> str:
    return f"หมู่ {village.number} {village.name}"[: m.MAX_ACTION_LABEL]


def ask_village(org: Organisation, quick: list[Action], lead: str | None = None) -> Message:
    p = org.particle
    return m.text(lead or f"ขอบคุณ{p} 🙏\nกรุณาเลือกหมู่บ้านของท่าน (แตะปุ่มด้านล่าง หรือพิมพ์เลขหมู่)", quick=quick)


def village_unknown(org: Organisation, quick: list[Action]) -> Message:
    return ask_village(org, quick, f"ไม่พบหมู่บ้านนี้{org.particle}\nกรุณาแตะเลือกจากปุ่มด้านล่าง หรือพิมพ์เลขหมู่")


def village_saved(org: Organisation, village: Village) -> Message:
    return menu(org, f"บันทึกแล้ว{org.particle} ท่านอยู่{village_label(village)}\nเลือกบริการที่ต้องการได้เลย 👇")


def held_data(org: Organisation, held: HeldData) -> Message:
    p = org.particle
    r = held.resident
    village = org.village(r.village_no) if r.village_no else None
    lines = [f"ข้อมูลของท่านที่ {org.short_name} เก็บไว้{p}"]
    lines.append(f"• เริ่มใช้งาน: {thai.format_date(r.created_at)}")
    lines.append(f"• หมู่บ้าน: {village_label(village) if village else 'ยังไม่ได้เลือก'}")
    if r.consented_at:
        lines.append(f"• ยินยอมตามประกาศฉบับ {r.consent_version} เมื่อ {thai.format_datetime(r.consented_at)}")
    else:
        lines.append("• ยังไม่ได้ให้ความยินยอม")
    lines.append(f"• ข้อความที่ท่านส่งมาและเรายังเก็บไว้: {held.stored_messages} รายการ")
    lines.append("ต้องการลบ พิมพ์ “ลบข้อมูลของฉัน” / เปลี่ยนหมู่บ้าน พิมพ์ “เปลี่ยนหมู่บ้าน”")
    return m.text("\n".join(lines), quick=[m.say("ลบข้อมูลของฉัน"), m.say("เปลี่ยนหมู่บ้าน"), m.say("เมนู")])


def erase_question(org: Organisation, yes: Action, no: Action) -> Message:
    return m.confirm(
        "ยืนยันการลบข้อมูล",
        f"ลบข้อมูลของท่านใช่ไหม{org.question_particle}\n"
        "เราจะลบรหัส LINE หมู่บ้าน และข้อความที่เก็บไว้ "
        "ส่วนเรื่องร้องเรียนที่กฎหมายให้เก็บ จะเก็บต่อโดยไม่ระบุตัวตน",
        yes,
        no,
    )


def erased(org: Organisation) -> Message:
    return m.text(f"ลบข้อมูลของท่านเรียบร้อยแล้ว{org.particle}\nหากต้องการใช้งานอีก ส่งข้อความมาได้ทุกเมื่อ")


def erase_kept(org: Organisation) -> Message:
    return m.text(f"ไม่ลบข้อมูล{org.particle} ข้อมูลของท่านยังอยู่เหมือนเดิม", quick=menu_actions(org))


def erase_answer_buttons(org: Organisation) -> Message:
    return m.text(f"กรุณาแตะ “ลบข้อมูล” หรือ “ไม่ลบ” {org.particle}")
