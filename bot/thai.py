"""Thai calendar conventions: Buddhist Era dates and fiscal years (1 Oct – 30 Sep, named by B.E.)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")  # Thailand has no daylight saving
BE_OFFSET = 543

MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the only kind the database stores)."""
    return datetime.now(UTC)


def local_date(moment: datetime) -> date:
    """The calendar date in Thailand of a UTC moment."""
    return moment.astimezone(BANGKOK).date()


def be_year(day: date) -> int:
    return day.year + BE_OFFSET


def format_date(day: date | datetime, short: bool = False) -> str:
    """`25 พฤศจิกายน 2569` (or `25 พ.ย. 69` when short); datetimes are shown in Thai local time."""
    if isinstance(day, datetime):
        day = local_date(day)
    if short:
        return f"{day.day} {MONTHS_SHORT[day.month - 1]} {be_year(day) % 100:02d}"
    return f"{day.day} {MONTHS[day.month - 1]} {be_year(day)}"


def format_datetime(moment: datetime) -> str:
    """`25 พฤศจิกายน 2569 เวลา 14.05 น.` in Thai local time."""
    local = moment.astimezone(BANGKOK)
    return f"{format_date(local.date())} เวลา {local.hour:02d}.{local.minute:02d} น."


def fiscal_year(day: date | datetime) -> int:
    """The B.E. fiscal year a day falls in: FY 2570 runs 1 Oct 2026 – 30 Sep 2027."""
    if isinstance(day, datetime):
        day = local_date(day)
    return be_year(day) + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(fy_be: int) -> tuple[date, date]:
    """First and last day of a B.E. fiscal year."""
    end_ce = fy_be - BE_OFFSET
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)


def half_year_bounds(fy_be: int, half: int) -> tuple[datetime, datetime]:
    """Half 1: 1 October – 31 March; half 2: 1 April – 30 September (Thai time), as UTC moments [start, end)."""
    first, _ = fiscal_year_bounds(fy_be)
    april, october = date(first.year + 1, 4, 1), date(first.year + 1, 10, 1)
    start, end = (first, april) if half == 1 else (april, october)
    return (
        datetime.combine(start, datetime.min.time(), tzinfo=BANGKOK).astimezone(UTC),
        datetime.combine(end, datetime.min.time(), tzinfo=BANGKOK).astimezone(UTC),
    )


def half_year_period(fy_be: int, half: int | None) -> str:
    """The period in Thai: the whole fiscal year, or one of its halves (Oct–Mar, Apr–Sep)."""
    first, last = fiscal_year_bounds(fy_be)
    if half == 1:
        return f"{format_date(first)} – {format_date(date(first.year + 1, 3, 31))}"
    if half == 2:
        return f"{format_date(date(first.year + 1, 4, 1))} – {format_date(last)}"
    return f"{format_date(first)} – {format_date(last)}"


def fiscal_quarter(day: date | datetime) -> int:
    """1–4 within the fiscal year (Q1 = Oct–Dec)."""
    if isinstance(day, datetime):
        day = local_date(day)
    return ((day.month - 10) % 12) // 3 + 1
