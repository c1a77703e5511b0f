"""The annual (or six-monthly) complaint report the plan asks for (measure 16): the statistics page's
figures plus the 15-day record with the reasons given, and repeat problems: the same category in the same
village, or at the same spot (located complaints within 200 m of each other, across village lines).

Six-monthly: half 1 is October–March, half 2 April–September, by filing date (Thai time).
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot import thai
from bot.complaints import texts
from bot.complaints.models import FINISHED, Complaint, ComplaintUpdate
from bot.complaints.stats import complaint_stats
from bot.organisation import Organisation

REPEAT_AT_LEAST = 3  # the same category in the same village (or spot) this many times is a repeat problem
REPEAT_RADIUS_M = 200  # located complaints this close to a spot's first one are the same spot
EARTH_RADIUS_M = 6_371_000


half_bounds = thai.half_year_bounds  # Oct–Mar and Apr–Sep, shared with the information centre's report


def complaint_report(
    session: Session, org: Organisation, fiscal_year: int, now: datetime, half: int | None = None
) -> dict[str, Any]:
    stats = complaint_stats(session, fiscal_year, now)
    query = select(Complaint).where(Complaint.fiscal_year == fiscal_year).order_by(col(Complaint.id))
    if half in (1, 2):
        begin, end = half_bounds(fiscal_year, half)
        query = query.where(col(Complaint.created_at) >= begin, col(Complaint.created_at) < end)
    cases = list(session.exec(query).all())
    names = {c.key: c.name for c in org.categories}
    late = [
        c
        for c in cases
        if (c.resolved_at is not None and c.resolved_at > c.first_due_at)
        or (c.status not in FINISHED and c.first_due_at <= now)
    ]
    reasons = _reasons(session, [c.id or 0 for c in late])
    repeats = Counter((c.category, c.village_no) for c in cases if c.village_no is not None)
    finished = [c for c in cases if c.status in FINISHED]
    return {
        "fiscal_year": fiscal_year,
        "half": half,
        "stats": stats,
        "received": len(cases),
        "completed": len(finished),
        "in_progress": len(cases) - len(finished),
        "by_category": [[names.get(k, k), n] for k, n in Counter(c.category for c in cases).most_common()],
        "by_village": [
            [org.village(v).label if v and org.village(v) else "ไม่ระบุหมู่บ้าน", n]  # type: ignore[union-attr]
            for v, n in Counter(c.village_no for c in cases).most_common()
        ],
        "by_channel": [
            [texts.SOURCE_NAMES.get(k, k), n] for k, n in Counter(c.source_channel for c in cases).most_common()
        ],
        "late": [
            [
                c.code,
                names.get(c.category, c.category),
                thai.format_date(c.first_due_at, short=True),
                thai.format_date(c.resolved_at, short=True) if c.resolved_at else "ยังไม่แล้วเสร็จ",
                reasons.get(c.id or 0, "ไม่ได้แจ้งเหตุผล"),
            ]
            for c in late
        ],
        "repeats": [
            [names.get(cat, cat), org.village(v).label if org.village(v) else str(v), n]  # type: ignore[union-attr]
            for (cat, v), n in repeats.most_common()
            if n >= REPEAT_AT_LEAST
        ],
        "repeat_spots": [[names.get(cat, cat), f"{lat:.5f}, {lon:.5f}", n] for cat, lat, lon, n in _spots(cases)],
    }


def _spots(cases: list[Complaint]) -> list[tuple[str, float, float, int]]:
    """Located complaints of one category within REPEAT_RADIUS_M of a spot's first complaint, where there are at
    least REPEAT_AT_LEAST: (category, the spot's latitude and longitude, how many), most first."""
    spots: list[tuple[str, float, float, list[Complaint]]] = []
    for case in cases:
        if case.latitude is None or case.longitude is None:
            continue
        spot = next(
            (
                s
                for s in spots
                if s[0] == case.category and metres_apart(s[1], s[2], case.latitude, case.longitude) <= REPEAT_RADIUS_M
            ),
            None,
        )
        if spot is None:
            spots.append((case.category, case.latitude, case.longitude, [case]))
        else:
            spot[3].append(case)
    found = [(cat, lat, lon, len(members)) for cat, lat, lon, members in spots if len(members) >= REPEAT_AT_LEAST]
    return sorted(found, key=lambda spot: -spot[3])


def metres_apart(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _reasons(session: Session, ids: list[int]) -> dict[int, str]:
    """The latest delay reason told to each late case's complainant."""
    if not ids:
        return {}
    updates = session.exec(
        select(ComplaintUpdate)
        .where(col(ComplaintUpdate.complaint_id).in_(ids), ComplaintUpdate.kind == "delay_reason")
        .order_by(col(ComplaintUpdate.id))
    ).all()
    return {u.complaint_id: u.public_note or "" for u in updates}
