"""Every Thai sentence of the survey dialogs: the list, questions, progress, thanks, revising, refusals."""

from __future__ import annotations

from typing import Any

from bot import thai
from bot.chat import messages as m
from bot.chat.messages import Action, Message
from bot.chat.texts import menu
from bot.organisation import Organisation
from surveys.definition import SATISFACTION_LEVELS, Definition, Question

LEVEL_LABELS = [f"{level} {label}" for level, label in SATISFACTION_LEVELS.items()]  # 5 มากที่สุด … 1 น้อยที่สุด
CANCEL = m.say("ยกเลิก")


def label(text: str) -> str:
    """A button label within LINE's 20 characters, cut at a word boundary."""
    return m.shorten(text)


def none_open(org: Organisation) -> Message:
    return menu(org, f"ขณะนี้ยังไม่มีแบบสอบถามที่เปิดให้ตอบ{org.particle}\nขอบคุณที่สนใจ 🙏")


def survey_list(org: Organisation, lines: list[str], quick: list[Action]) -> Message:
    body = (
        f"แบบสอบถามที่เปิดให้ตอบตอนนี้{org.particle}\n"
        + "\n".join(lines)
        + f"\n\nแตะชื่อแบบสอบถาม หรือพิมพ์หมายเลข เพื่อเริ่มได้เลย{org.particle}"
    )
    return m.text(body, quick=quick)


def list_line(number: int, definition: Definition, state: str) -> str:
    return f"{number}. {definition.title}\n   ({state})"


STATE_NEW = "ยังไม่ได้ตอบ"
STATE_DONE = "ตอบแล้ว แก้ไขได้"


def state_partial(answered: int, total: int) -> str:
    return f"ทำค้างไว้ {answered}/{total} ข้อ"


def intro(org: Organisation, definition: Definition, total: int) -> Message:
    p = org.particle
    lines = [f"📋 {definition.title}"]
    if definition.description:
        lines.append(definition.description)
    some_conditional = any(q.show_if is not None for q in definition.questions)
    count = f"มีไม่เกิน {total} ข้อ (บางข้อถามตามคำตอบก่อนหน้า)" if some_conditional else f"มีทั้งหมด {total} ข้อ"
    lines.append(f"{count} ใช้เวลาไม่เกิน 3 นาที{p}")
    if definition.anonymous:
        lines.append("🔒 ไม่ระบุตัวตน: คำตอบของท่านจะไม่ผูกกับชื่อหรือบัญชี LINE")
    lines.append("พิมพ์ “ยกเลิก” เพื่อหยุดไว้ก่อน แล้วกลับมาทำต่อได้ทุกเมื่อ")
    return m.text("\n".join(lines))


def resume(org: Organisation, number: int, total: int) -> Message:
    return m.text(f"ยินดีต้อนรับกลับ{org.particle} ทำต่อจากข้อ {number}/{total} ได้เลย{org.particle}")


def already_answered(org: Organisation, definition: Definition, when: Any, revise: Action) -> Message:
    return m.confirm(
        "ท่านตอบแบบสอบถามนี้แล้ว",
        f"ท่านตอบ “{_title(definition, 120)}” แล้วเมื่อ {thai.format_date(when)}{org.particle}\n"
        f"ต้องการแก้ไขคำตอบไหม{org.question_particle} (คำตอบใหม่จะแทนที่ของเดิม)",
        revise,
        m.say("ไม่แก้ไข", "เมนู"),
    )


def revising(org: Organisation) -> Message:
    return m.text(f"แก้ไขคำตอบได้เลย{org.particle} ข้อที่ไม่ต้องการเปลี่ยน แตะคำตอบเดิมอีกครั้ง")


def question(
    org: Organisation,
    definition: Definition,
    q: Question,
    number: int,
    total: int,
    quick: list[Action],
    previous: str | None = None,
    picked: list[str] | None = None,
) -> Message:
    heading = f"ข้อ {number}/{total}"
    if q.dimension:
        heading += f" · {definition.dimension_title(q.dimension)}"
    lines = [heading, q.text]
    if q.type in ("single", "multiple"):
        chosen = set(picked or [])
        lines += [f"{'✅' if c.key in chosen else f'{i}.'} {c.label}" for i, c in enumerate(q.choices, 1)]
    lines.append(_how_to_answer(q, org.particle))
    if previous is not None:
        lines.append(f"(คำตอบเดิม: {previous})")
    return m.text("\n".join(lines), quick=quick)


def _how_to_answer(q: Question, p: str) -> str:
    skip = " หรือแตะ “ข้าม”" if not q.required else ""
    if q.type == "satisfaction":
        return f"แตะปุ่ม หรือพิมพ์ 1–5 (5 = มากที่สุด){skip}{p}"
    if q.type == "single":
        return f"แตะปุ่ม หรือพิมพ์หมายเลขตัวเลือก{skip}{p}"
    if q.type == "multiple":
        return f"แตะเลือกได้หลายข้อ แล้วแตะ “ตกลง” (หรือพิมพ์หมายเลข เช่น 1 3){skip}{p}"
    if q.type == "number":
        return f"พิมพ์เป็นตัวเลข{skip}{p}"
    return f"พิมพ์คำตอบได้เลย{skip}{p}"


def shown_answer(q: Question, value: Any) -> str:
    """An earlier answer as the resident would recognise it."""
    if q.type == "satisfaction":
        return f"{value} {SATISFACTION_LEVELS.get(int(value), '')}"
    if q.type == "single":
        choice = q.choice(str(value))
        return choice.label if choice else str(value)
    if q.type == "multiple":
        return ", ".join(c.label for c in q.choices if c.key in value)
    if q.type == "number":
        return f"{value:g}"
    return str(value)


def invalid(org: Organisation, detail: str) -> Message:
    return m.text(f"ขออภัย{org.particle} {detail}")


def must_answer(org: Organisation) -> str:
    return f"ข้อนี้ต้องตอบ{org.particle}"


def pick_one_first(org: Organisation) -> str:
    return f"กรุณาเลือกอย่างน้อย 1 ข้อก่อนแตะ “ตกลง”{org.particle}"


def answer_hint(q: Question) -> str:
    if q.type == "satisfaction":
        return "กรุณาตอบเป็นระดับ 1–5 (แตะปุ่มด้านล่างได้เลย)"
    if q.type in ("single", "multiple"):
        return "กรุณาเลือกจากหมายเลขตัวเลือก (แตะปุ่มด้านล่างได้เลย)"
    if q.type == "number":
        return "กรุณาพิมพ์เป็นตัวเลข"
    return "กรุณาพิมพ์คำตอบเป็นข้อความ"


def stale_question(org: Organisation) -> Message:
    return m.text(f"ปุ่มนั้นเป็นของข้อที่ผ่านไปแล้ว{org.particle} กรุณาตอบข้อปัจจุบันด้านล่าง 👇")


def closed(org: Organisation) -> Message:
    return menu(org, f"แบบสอบถามนี้ปิดรับคำตอบแล้ว{org.particle} ขอบคุณที่สนใจ 🙏")


def thanks(org: Organisation, revised: bool) -> Message:
    p = org.particle
    if revised:
        return menu(org, f"แก้ไขคำตอบเรียบร้อยแล้ว{p} ขอบคุณ 🙏")
    return menu(org, f"ขอบคุณที่สละเวลาตอบแบบสอบถาม{p} 🙏\nความเห็นของท่านช่วยให้ {org.short_name} ปรับปรุงบริการได้ดียิ่งขึ้น{p}")


def invitation(org: Organisation, definition: Definition, start: Action, linked_code: str | None) -> Message:
    p = org.particle
    lead = f"เรื่อง {linked_code} ดำเนินการเสร็จแล้ว{p}\n" if linked_code else ""
    tail = f"”\nใช้เวลาไม่เกิน 3 นาที แตะ “เริ่มตอบ” ได้เลย{p}"
    head = f"{lead}ขอเชิญตอบ “"
    body = head + _title(definition, m.MAX_BUTTONS_TEXT - len(head) - len(tail)) + tail
    return m.buttons("ขอเชิญตอบแบบสอบถาม", body[: m.MAX_BUTTONS_TEXT], [start])


def roster_reminder(org: Organisation, name: str, title: str, fiscal_year: int, due: Any) -> Message:
    return m.text(
        f"เรียน {name}\nท่านยังไม่ได้ตอบ “{title}” ประจำปีงบประมาณ {fiscal_year}{org.particle}\n"
        f"กรุณาตอบภายใน {thai.format_date(due)}{org.particle}\n"
        f"ทำใน LINE นี้ได้เลย โดยพิมพ์ “แบบทดสอบ”"
    )


def _title(definition: Definition, room: int) -> str:
    """The survey's full title as residents know it; the short one only where the full one cannot fit."""
    return definition.title if len(definition.title) <= room else definition.short_title


# --- staff tests in LINE (executives, council members and staff on a roster) ---------------------------


def staff_no_tests(org: Organisation) -> Message:
    p = org.particle
    return menu(
        org,
        f"ยังไม่พบแบบทดสอบสำหรับบัญชี LINE นี้{p}\n"
        f"เจ้าหน้าที่: พิมพ์ “ผูกบัญชีเจ้าหน้าที่” ตามด้วยรหัส 6 หลักจากระบบเจ้าหน้าที่ก่อน\n"
        f"ผู้บริหารและสมาชิกสภา: พิมพ์ “แบบทดสอบ” ตามด้วยรหัสในหนังสือเชิญของท่าน{p}",
    )


def staff_code_wrong(org: Organisation) -> Message:
    return menu(
        org,
        f"รหัสนี้ใช้ไม่ได้{org.particle} อาจพิมพ์ผิด ใช้ไปแล้ว หรือหมดอายุ\n"
        f"กรุณาตรวจสอบรหัสในหนังสือเชิญ หรือขอรหัสใหม่จากงานการเจ้าหน้าที่ของ {org.short_name}{org.particle}",
    )


def staff_test_line(number: int, definition: Definition, done: bool) -> str:
    return f"{number}. {definition.title}\n   ({'ทำแล้วในปีนี้' if done else 'ยังไม่ได้ทำ'})"


def staff_test_list(org: Organisation, name: str, lines: list[str], quick: list[Action]) -> Message:
    body = (
        f"เรียน {name}\nแบบทดสอบที่เปิดให้ทำขณะนี้มีดังนี้{org.particle}\n"
        + "\n".join(lines)
        + f"\n\nแตะชื่อแบบทดสอบหรือพิมพ์หมายเลขเพื่อเริ่มได้เลย{org.particle}"
    )
    return m.text(body, quick=quick)


def staff_intro(org: Organisation, name: str, definition: Definition, total: int) -> Message:
    p = org.particle
    lines = [f"เรียน {name}", f"📋 {definition.title}"]
    if definition.description:
        lines.append(definition.description)  # its {organisation} was filled in when the survey was installed
    lines.append(f"มีทั้งหมด {total} ข้อ ทำได้ครั้งเดียวต่อปีงบประมาณ และจะแจ้งผลทันทีเมื่อตอบครบ{p}")
    lines.append("พิมพ์ “ยกเลิก” เพื่อหยุด (คำตอบที่ยังไม่ครบจะไม่ถูกบันทึก)")
    return m.text("\n".join(lines))


def staff_already_taken(org: Organisation, definition: Definition) -> Message:
    return menu(
        org,
        f"ท่านทำ “{definition.title}” แล้วในปีงบประมาณนี้{org.particle}\nหากต้องการทำใหม่ กรุณาขออนุญาตจากผู้บริหาร{org.particle}",
    )


def staff_result(org: Organisation, definition: Definition, percent: float | None, passed: bool | None) -> Message:
    p = org.particle
    if percent is None:
        return menu(org, f"บันทึกคำตอบ “{definition.title}” เรียบร้อยแล้ว{p} ขอบคุณ 🙏")
    if definition.kind == "self_assessment":
        verdict = "ปฏิบัติตามนโยบายครบทุกข้อ" if passed else "ยังไม่ครบทุกข้อ"
        return menu(org, f"บันทึกแบบประเมินตนเองเรียบร้อยแล้ว{p}\nผล: {verdict} ({percent:g}%) ขอบคุณ 🙏")
    verdict = "ผ่านเกณฑ์" if passed else "ยังไม่ผ่านเกณฑ์"
    mark = f" (เกณฑ์ {definition.pass_mark:g}%)" if definition.pass_mark is not None else ""
    return menu(org, f"ส่งคำตอบเรียบร้อยแล้ว{p}\nคะแนนของท่าน {percent:g}% {verdict}{mark} ขอบคุณ 🙏")
