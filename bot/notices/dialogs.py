"""Residents and notices: read the latest (ข่าวสาร), opt out of or back into non-essential notices,
and staff linking their own LINE account for staff notices. No conversation states: every entry
answers at once.

```mermaid
stateDiagram-v2
    [*] --> [*]: ข่าวสาร (recent notices for the resident's village)
    [*] --> [*]: ไม่รับข่าวสาร / รับข่าวสาร
    [*] --> [*]: ผูกบัญชีเจ้าหน้าที่ 123456
```
"""

from __future__ import annotations

from bot.chat.engine import Router, Turn, normalise
from bot.notices import service, texts
from bot.staff import link as staff_link

router = Router("notices")

LINK_KEYWORD = "ผูกบัญชีเจ้าหน้าที่"


@router.entry("ข่าวสาร", "ข่าว", "ประกาศ", needs_consent=False, prefix_match=True)
def show_news(turn: Turn) -> None:
    village_no = turn.resident.village_no
    village = turn.org.village(village_no) if village_no is not None else None
    notices = service.for_village(turn.session, village_no, turn.now)
    opted_out = service.is_opted_out(turn.session, turn.resident.id or 0)
    turn.reply(texts.recent(turn.org, notices, village.label if village else None, opted_out))


# Opting out keeps no new data about the resident, so it works before consent too.
@router.entry("ไม่รับข่าวสาร", "หยุดรับข่าวสาร", "ปิดรับข่าวสาร", "ยกเลิกรับข่าวสาร", needs_consent=False)
def opt_out(turn: Turn) -> None:
    service.set_opted_out(turn.session, turn.resident.id or 0, True, turn.now)
    turn.reply(texts.opted_out(turn.org))


@router.entry("รับข่าวสาร", "เปิดรับข่าวสาร", needs_consent=False)
def opt_in(turn: Turn) -> None:
    service.set_opted_out(turn.session, turn.resident.id or 0, False, turn.now)
    turn.reply(texts.opted_in(turn.org))


@router.entry(LINK_KEYWORD, needs_consent=False, prefix_match=True)
def link_staff_account(turn: Turn) -> None:
    code = normalise(turn.incoming.text or "").removeprefix(normalise(LINK_KEYWORD)).strip()
    if not code:
        turn.reply(texts.staff_ask_code(turn.org))
        return
    member = staff_link.link(turn.session, turn.resident.id or 0, code, turn.now)
    turn.reply(texts.staff_linked(turn.org, member.name) if member else texts.staff_code_wrong(turn.org))
