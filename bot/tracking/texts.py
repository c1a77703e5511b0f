"""What ติดตาม answers besides each domain's own timeline: the list of a resident's cases, or none."""

from __future__ import annotations

from bot.chat import messages as m
from bot.chat.messages import Message
from bot.organisation import Organisation


def no_cases(org: Organisation) -> Message:
    return m.text(f"ท่านยังไม่มีเรื่องที่กำลังดำเนินการ{org.particle}", quick=[m.say("ร้องเรียน"), m.say("เมนู")])


def case_list(org: Organisation, lines: list[str], codes: list[str]) -> Message:
    quick = [m.say(code, f"ติดตาม {code}") for code in codes[:12]]
    return m.text(
        f"เรื่องของท่าน{org.particle}\n" + "\n".join(lines) + f"\nแตะรหัสเพื่อดูความคืบหน้าได้เลย{org.particle}", quick=quick
    )
