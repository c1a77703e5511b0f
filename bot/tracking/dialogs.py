"""ติดตาม: a resident follows their own complaints, tips and inquiries, by list or by code.

States: none. A code that is not the resident's own answers exactly like an unknown code, so
guessing codes reveals nothing. Turns that show a tip are sealed, like the tip channel itself.
"""

from __future__ import annotations

import re

from bot import thai
from bot.chat.engine import Router, Turn
from bot.complaints import service as complaints
from bot.complaints import texts as complaint_texts
from bot.inquiries import service as inquiries
from bot.inquiries import texts as inquiry_texts
from bot.tips import service as tips
from bot.tips import texts as tip_texts
from bot.tracking import texts

router = Router("tracking")

_CODE = re.compile(r"\b([CTQ]\d{4}-\d{5})\b", re.IGNORECASE)


@router.entry("ติดตาม", "ติดตามเรื่อง", "สถานะ", prefix_match=True)
def track(turn: Turn) -> None:
    match = _CODE.search(turn.incoming.text or "")
    if match is None:
        _list(turn)
        return
    code = match.group(1).upper()
    if code.startswith("T"):
        _show_tip(turn, code)
    elif code.startswith("Q"):
        _show_inquiry(turn, code)
    else:
        _show_complaint(turn, code)


def _list(turn: Turn) -> None:
    lines: list[str] = []
    codes: list[str] = []
    for complaint in complaints.open_cases_of(turn.session, turn.resident):
        lines.append(
            f"• {complaint.code} {complaint_texts.status_name(complaint.status)} "
            f"(กำหนด {thai.format_date(complaint.due_at, short=True)})"
        )
        codes.append(complaint.code)
    for inquiry in inquiries.recent_of(turn.session, turn.resident):
        lines.append(inquiry_texts.status_line(inquiry))
        codes.append(inquiry.code)
    own_tips = tips.open_tips_of(turn.session, turn.sealer, turn.incoming.user_id)
    if own_tips:
        turn.seal()
    for tip in own_tips:
        lines.append(f"• {tip.code} 🔒 {tip_texts.status_name(tip.status)}")
        codes.append(tip.code)
    turn.reply(texts.case_list(turn.org, lines, codes) if lines else texts.no_cases(turn.org))


def _show_complaint(turn: Turn, code: str) -> None:
    complaint = complaints.owned_by(turn.session, code, turn.resident)
    if complaint is None:
        turn.reply(complaint_texts.not_found(turn.org))
        return
    turn.reply(
        complaint_texts.timeline(
            turn.org,
            complaint.code,
            complaint.status,
            complaint.due_at,
            complaints.public_timeline(turn.session, complaint),
        )
    )


def _show_tip(turn: Turn, code: str) -> None:
    turn.seal()
    tip = tips.reported_by(turn.session, turn.sealer, code, turn.incoming.user_id)
    if tip is None:
        turn.reply(complaint_texts.not_found(turn.org))
        return
    turn.reply(tip_texts.timeline(turn.org, tip.code, tip.status, tips.public_timeline(turn.session, tip)))


def _show_inquiry(turn: Turn, code: str) -> None:
    inquiry = inquiries.owned_by(turn.session, code, turn.resident)
    if inquiry is None:
        turn.reply(complaint_texts.not_found(turn.org))
        return
    turn.reply(inquiry_texts.timeline(turn.org, inquiry))
