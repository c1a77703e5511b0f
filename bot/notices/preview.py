"""What staff see before and after sending: the exact messages, recipients, LINE quota and cost, and
delivery figures. Replies to residents are free; notices count against LINE's monthly quota."""

from __future__ import annotations

from sqlmodel import Session

from bot.config import Settings
from bot.notices import audience, delivery, quota
from bot.notices.audience import Forums, Recipients
from bot.notices.models import AudienceRead, DeliveryMethod, Notice, NoticeRead, NoticeStatus, QuotaRead
from bot.notices.service import ConflictError

QUOTA_WARNING_SHARE = 0.1  # warn when a send leaves less than a tenth of the month's quota
QUOTA_UNCHECKED = "ตรวจสอบโควตาข้อความกับ LINE ไม่ได้ในขณะนี้ ระบบจะตรวจอีกครั้งตอนส่ง"


def line_quota(fetch: quota.QuotaFetcher, settings: Settings, own_base_url: str) -> QuotaRead:
    """LINE's quota now; in simulator mode, the simulator's emulated API on this very server
    (`own_base_url`). Raises QuotaUnavailableError (503) when LINE does not answer."""
    base = settings.line_api_base_url
    if settings.simulator_mode and "line_api_base_url" not in settings.model_fields_set:
        base = own_base_url.rstrip("/") + "/simulator/line"
    token = settings.line_channel_access_token
    return quota.read(
        fetch, base, token.get_secret_value() if token else "simulator", settings.line_request_timeout_seconds
    )


def guard_quota(
    fetch: quota.QuotaFetcher, settings: Settings, own_base_url: str, needed: int
) -> tuple[QuotaRead, list[str]]:
    """Before a send: the quota and its warnings; refuses a send the quota cannot cover (409) or one
    whose quota cannot be checked (503)."""
    current = line_quota(fetch, settings, own_base_url)
    return current, check_quota(needed, current)


def draft_quota(
    fetch: quota.QuotaFetcher, settings: Settings, own_base_url: str, needed: int
) -> tuple[QuotaRead | None, list[str]]:
    """For a draft's page: the quota and what a send would meet, as warnings rather than refusals. A draft
    still previews when LINE does not answer or the quota falls short; the send checks again (`guard_quota`)."""
    try:
        current = line_quota(fetch, settings, own_base_url)
    except quota.QuotaUnavailableError:
        return None, [QUOTA_UNCHECKED]
    try:
        return current, check_quota(needed, current)
    except ConflictError as short:
        return current, [str(short)]


def check_quota(needed: int, quota: QuotaRead) -> list[str]:
    """Refuse (ConflictError) a send the month's LINE quota cannot cover; warn when little would be left."""
    if not quota.limited or quota.remaining is None or quota.limit is None:
        return []
    if needed > quota.remaining:
        raise ConflictError(
            f"โควตาข้อความ LINE เดือนนี้เหลือ {quota.remaining:,} ข้อความ แต่ประกาศนี้ต้องใช้ {needed:,} ข้อความ "
            f"(ผู้รับ {needed:,} คน) จึงยังไม่ส่ง กรุณาลดกลุ่มผู้รับ หรือเพิ่มแพ็กเกจข้อความของบัญชี LINE ก่อน"
        )
    left = quota.remaining - needed
    if left < quota.limit * QUOTA_WARNING_SHARE:
        return [f"หลังส่งประกาศนี้ โควตาข้อความเดือนนี้จะเหลือ {left:,} จาก {quota.limit:,} ข้อความ"]
    return []


def cost_note(recipients: Recipients) -> str:
    estimate = " (ประมาณ: LINE นับผู้ติดตามทั้งหมดของบัญชี)" if recipients.method == DeliveryMethod.BROADCAST else ""
    return (
        "การตอบกลับข้อความของประชาชน (reply) ไม่เสียโควตา แต่ประกาศเป็นการส่งออกที่ LINE นับโควตารายเดือน "
        f"ตามจำนวนผู้รับ: ประกาศนี้ใช้ {recipients.count:,} ข้อความ{estimate}"
    )


def read(
    session: Session,
    notice: Notice,
    forums: Forums,
    *,
    recipients: Recipients | None = None,
    quota: QuotaRead | None = None,
    warnings: list[str] | None = None,
) -> NoticeRead:
    """The notice as staff see it: exact LINE messages, recipients, cost, delivery figures."""
    if notice.status in (NoticeStatus.DRAFT, NoticeStatus.SCHEDULED):
        recipients = recipients or audience.count(session, notice, forums)
    else:
        method = DeliveryMethod(notice.method or DeliveryMethod.MULTICAST)
        recipients = Recipients(method, [], notice.recipient_count or 0)
    return NoticeRead(
        id=notice.id or 0,
        title=notice.title,
        text=notice.text,
        image_url=notice.image_url,
        images=notice.image_list(),
        link=notice.link,
        essential=notice.essential,
        purpose=notice.purpose,
        forum_id=notice.forum_id,
        audience=AudienceRead(kind=notice.audience_kind, villages=notice.village_list(), forum_id=notice.forum_id),
        status=notice.status,
        created_at=notice.created_at,
        scheduled_at=notice.scheduled_at,
        sent_at=notice.sent_at,
        cancelled_at=notice.cancelled_at,
        messages=notice.message_list(),
        method=notice.method or recipients.method,
        recipient_count=recipients.count,
        delivery=delivery.figures(session, notice),
        cost_note=cost_note(recipients),
        quota=quota,
        warnings=warnings or [],
    )
