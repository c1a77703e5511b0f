"""The tip rules called directly (no webhook, worker or LINE): codes per fiscal year, the sealed reporter,
the status machine, the handling deadline, what leaves as public figures. Rolled back per test (`db`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlmodel import Session, col, select

from bot import errors
from bot.complaints import service as complaints
from bot.config import Settings
from bot.crypto import SEALED_PREFIX, Sealer, SealError
from bot.media import MediaFile
from bot.outbox.models import OutboxMessage
from bot.staff import service as staff
from bot.staff.models import AuditEntry, Role, StaffMember, StaffNotification
from bot.tips import service as tips
from bot.tips.models import Tip, TipEvidence, TipStatus, TipUpdate

SETTINGS = Settings(_env_file=None)
ORG = SETTINGS.organisation
KEY = Fernet.generate_key().decode()
SEALER = Sealer([KEY])
REPORTER, OTHER = "U" + "1" * 32, "U" + "2" * 32
NAME, PHONE = "สมปองแคนารี่", "0891234567"
# 30 Sep 2027 16:00 UTC = 23:00 Thai time, the last hour of fiscal year 2570.
LAST_HOUR_OF_FY = datetime(2027, 9, 30, 16, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # FY 2570
NOTE = "ส่งสำนักงาน ป.ป.ช. แล้ว"


def file(db: Session, now: datetime = NOW, *, user: str = REPORTER, anonymous: bool = True, **extra: Any) -> Tip:
    return tips.file_tip(
        db,
        sealer=SEALER,
        settings=SETTINGS,
        line_user_id=user,
        anonymous=anonymous,
        what="หัวหน้าส่วนรับเงินใต้โต๊ะ",
        now=now,
        **extra,
    )


def officer(db: Session) -> StaffMember:
    return staff.create_staff(db, name="นางสาวโปร่งใส", role=Role.INTEGRITY_OFFICER, now=NOW)[0]


def move(db: Session, tip: Tip, target: TipStatus, note: str | None = NOTE, now: datetime = NOW) -> TipUpdate:
    return tips.transition(db, tip, target, sealer=SEALER, org=ORG, actor=officer(db), now=now, public_note=note)


def test_codes_count_up_within_a_fiscal_year_and_restart_on_1_october(db: Session) -> None:
    first, second = file(db, LAST_HOUR_OF_FY), file(db, LAST_HOUR_OF_FY + timedelta(minutes=59))
    next_year = file(db, LAST_HOUR_OF_FY + timedelta(hours=1))  # 00:00 on 1 Oct, Thai time
    assert (first.code, second.code, next_year.code) == ("T2570-00001", "T2570-00002", "T2571-00001")
    assert (first.fiscal_year, next_year.fiscal_year) == (2570, 2571)


def test_tips_have_their_own_sequence_beside_complaints(db: Session) -> None:
    complaint = complaints.file_complaint(
        db, org=ORG, settings=SETTINGS, category=ORG.categories[0].key, description="ไฟทางดับ", now=NOW
    )
    assert (complaint.code, file(db).code) == ("C2570-00001", "T2570-00001")


def test_a_named_reporter_is_stored_only_sealed(db: Session) -> None:
    tip = file(db, anonymous=False, name=NAME, phone=PHONE)
    stored = " ".join(str(v) for v in tip.model_dump().values())
    assert REPORTER not in stored and NAME not in stored and PHONE not in stored
    assert tips.reporter_of(SEALER, tip) == {"line_user_id": REPORTER, "name": NAME, "phone": PHONE}
    with pytest.raises(SealError):  # nobody without the key opens it
        Sealer([Fernet.generate_key().decode()]).open(tip.reporter_sealed)


def test_an_anonymous_reporter_keeps_no_name_or_phone_even_if_given(db: Session) -> None:
    tip = file(db, anonymous=True, name=NAME, phone=PHONE)
    assert tips.reporter_of(SEALER, tip) == {"line_user_id": REPORTER, "name": None, "phone": None}
    assert tip.anonymous


@pytest.mark.parametrize("what", ["", "   ", "ก" * (tips.MAX_TEXT + 1)], ids=["empty", "blank", "too long"])
def test_an_empty_or_overlong_tip_is_refused(db: Session, what: str) -> None:
    with pytest.raises(tips.TipError) as refused:
        tips.file_tip(db, sealer=SEALER, settings=SETTINGS, line_user_id=REPORTER, anonymous=True, what=what, now=NOW)
    assert errors.kind(refused.value) == "invalid"
    assert db.exec(select(Tip)).first() is None


def test_filing_starts_the_timeline_tells_integrity_officers_and_keeps_at_most_the_photo_limit(db: Session) -> None:
    photos = [str(i) for i in range(SETTINGS.photos_per_case + 2)]
    tip = file(db, evidence_message_ids=photos)
    kept = db.exec(
        select(MediaFile.line_message_id)
        .join(TipEvidence, col(TipEvidence.media_id) == MediaFile.id)
        .where(TipEvidence.tip_id == tip.id)
    ).all()
    assert sorted(kept) == sorted(photos[: SETTINGS.photos_per_case])
    assert [text for _, text in tips.public_timeline(db, tip)] == ["รับเรื่องแล้ว: รับเบาะแสแล้ว"]
    note = db.exec(select(StaffNotification)).one()
    assert (note.kind, note.role, note.record_code) == ("new_tip", Role.INTEGRITY_OFFICER, tip.code)
    assert note.unit is None and note.staff_id is None  # only the integrity officer role, no unit


def test_every_status_reaches_only_what_the_machine_allows(db: Session) -> None:
    tip = file(db)
    actor = officer(db)
    for source in TipStatus:
        for target in TipStatus:
            attempt = db.begin_nested()  # each pair starts from the same tip
            tip.status = source
            allowed = target in tips.TIP_TRANSITIONS[source]
            try:
                tips.transition(db, tip, target, sealer=SEALER, org=ORG, actor=actor, now=NOW, public_note=NOTE)
            except tips.InvalidTipTransition:
                assert not allowed, (source, target)
            else:
                assert allowed, (source, target)
                assert tip.status == target
            attempt.rollback()


def test_a_refused_transition_is_a_conflict_naming_where_the_tip_may_go(db: Session) -> None:
    tip = file(db)
    with pytest.raises(tips.InvalidTipTransition) as refused:
        move(db, tip, TipStatus.CLOSED)
    assert errors.kind(refused.value) == "conflict"
    assert refused.value.allowed == ["investigating", "referred", "unsubstantiated"]
    assert "อยู่ระหว่างตรวจสอบ" in str(refused.value) and tip.status == TipStatus.RECEIVED


def test_a_closed_tip_goes_nowhere(db: Session) -> None:
    tip = file(db)
    move(db, tip, TipStatus.REFERRED)
    move(db, tip, TipStatus.CLOSED)
    with pytest.raises(tips.InvalidTipTransition) as refused:
        move(db, tip, TipStatus.INVESTIGATING)
    assert refused.value.allowed == [] and "สิ้นสุดแล้ว" in str(refused.value)


@pytest.mark.parametrize("target", sorted(tips.NEEDS_NOTE & tips.TIP_TRANSITIONS[TipStatus.RECEIVED]))
def test_an_outcome_needs_a_note_for_the_reporter(db: Session, target: TipStatus) -> None:
    tip = file(db)
    with pytest.raises(tips.TipError, match="public_note") as refused:
        move(db, tip, target, note="   ")
    assert errors.kind(refused.value) == "invalid"  # a missing note is not a conflict of state
    assert tip.status == TipStatus.RECEIVED
    move(db, tip, TipStatus.INVESTIGATING, note=None)  # investigating needs none


def test_a_transition_is_timed_logged_and_told_to_the_reporter_through_the_seal(db: Session) -> None:
    tip = file(db)
    later = NOW + timedelta(days=2)
    update = move(db, tip, TipStatus.INVESTIGATING, note=None, now=NOW + timedelta(days=1))
    move(db, tip, TipStatus.SUBSTANTIATED, now=later)
    move(db, tip, TipStatus.CLOSED, note="ดำเนินการทางวินัยแล้ว", now=later + timedelta(days=1))
    assert (update.status_from, update.status_to, update.actor) == ("received", "investigating", "นางสาวโปร่งใส")
    assert tip.handled_at == NOW + timedelta(days=1)  # the first action, not the last
    assert tip.closed_at == later + timedelta(days=1)
    pushed = db.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    assert len(pushed) == 3
    for row in pushed:  # names no resident, holds no readable recipient, and is emptied once sent
        assert row.resident_id is None and row.scrub_after_send
        assert (row.recipient or "").startswith(SEALED_PREFIX) and REPORTER not in (row.recipient or "")
        assert SEALER.open_recipient(row.recipient or "") == REPORTER
    assert tip.code in json.loads(pushed[-1].messages)[0]["text"]


def test_an_unhandled_tip_is_flagged_once_when_its_handling_period_ends(db: Session) -> None:
    tip = file(db)
    assert tip.handle_by == NOW + timedelta(days=SETTINGS.tip_handle_days)
    assert tips.flag_unhandled(db, tip.handle_by - timedelta(minutes=1)) == 0
    assert tips.flag_unhandled(db, tip.handle_by) == 1
    assert tips.flag_unhandled(db, tip.handle_by + timedelta(days=1)) == 0
    assert tip.flagged_at == tip.handle_by
    kinds = db.exec(select(StaffNotification.kind).order_by(col(StaffNotification.id))).all()
    assert kinds == ["new_tip", "tip_unhandled"]


def test_a_tip_acted_on_in_time_is_not_flagged(db: Session) -> None:
    tip = file(db)
    move(db, tip, TipStatus.INVESTIGATING, note=None, now=NOW + timedelta(days=1))
    assert tips.flag_unhandled(db, tip.handle_by + timedelta(days=30)) == 0 and tip.flagged_at is None


def test_only_the_reporter_finds_their_tip_by_code(db: Session) -> None:
    mine, theirs = file(db), file(db, user=OTHER)
    assert tips.reported_by(db, SEALER, f" {mine.code.lower()} ", REPORTER) is mine
    assert tips.reported_by(db, SEALER, theirs.code, REPORTER) is None  # answers like an unknown code
    assert tips.reported_by(db, SEALER, "T2570-99999", REPORTER) is None
    move(db, mine, TipStatus.UNSUBSTANTIATED)
    move(db, mine, TipStatus.CLOSED)
    newer = file(db)
    assert tips.open_tips_of(db, SEALER, REPORTER) == [newer]


def test_public_figures_are_counts_of_one_fiscal_year_only(db: Session) -> None:
    done, _ = file(db), file(db)
    file(db, LAST_HOUR_OF_FY + timedelta(hours=1))  # FY 2571
    move(db, done, TipStatus.REFERRED)  # referred counts as completed
    assert tips.public_counts(db, 2570) == {"fiscal_year": 2570, "received": 2, "completed": 1, "in_progress": 1}
    assert tips.public_counts(db, 2571)["received"] == 1


def test_classifying_takes_only_a_known_type_and_is_audited(db: Session) -> None:
    tip, actor = file(db, tip_type="other"), officer(db)
    with pytest.raises(tips.TipError):
        tips.classify(db, tip, "nope", org=ORG, actor=actor, now=NOW)
    tips.classify(db, tip, "bribery", org=ORG, actor=actor, now=NOW, reason="มีหลักฐานการโอนเงิน")
    assert tip.type == "bribery"
    entry = db.exec(select(AuditEntry)).one()
    assert (entry.action, entry.record_id, json.loads(entry.detail or "{}")["from"]) == (
        "tip.classify",
        tip.code,
        "other",
    )


def test_key_rotation_reseals_identities_and_sealed_recipients(db: Session) -> None:
    tip = file(db)
    move(db, tip, TipStatus.INVESTIGATING, note=None)
    new_key = Fernet.generate_key().decode()
    rotating = Sealer([new_key, KEY])
    assert tips.reseal_all(db, rotating) == 2  # the tip and its sealed outbox row
    only_new = Sealer([new_key])
    assert only_new.open(tip.reporter_sealed)["line_user_id"] == REPORTER
    row = db.exec(select(OutboxMessage)).one()
    assert only_new.open_recipient(row.recipient or "") == REPORTER
