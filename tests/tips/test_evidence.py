"""A tip's photos in LINE: fetched into the shared `media` table, refused ones told through the seal, shown
to integrity officers only; nothing on a media row leads from the tip to the resident who sent it."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import text
from sqlmodel import Session, col, select

from bot.complaints.models import ComplaintPhoto
from bot.crypto import coarse_time
from bot.media import GONE, MediaFile, MediaStatus
from bot.outbox.models import OutboxMessage
from bot.residents.models import Resident
from bot.tips.models import Tip, TipEvidence
from tests.harness import Harness

CODE = re.compile(r"T25\d\d-\d{5}")


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="JPEG")
    return out.getvalue()


def _complaint_with_photo(harness: Harness, user: str) -> None:
    harness.line.state.content["701"] = (_jpeg((10, 200, 10)), "image/jpeg")
    harness.say(user, "ร้องเรียน")
    harness.tap(user, harness.quick_replies(user)[0]["data"])
    harness.say(user, "ท่อระบายน้ำอุดตันหน้าตลาด")
    harness.post_events(harness.event("image", user, message_id="701"))
    harness.run()
    harness.say_location(user, 15.79, 104.91, "หน้าตลาด")
    harness.say(user, "ถัดไป")
    harness.say(user, "081-234-5678")
    harness.say(user, "ยืนยัน")


def _tip_with_evidence(harness: Harness, user: str) -> str:
    harness.line.state.content["801"] = (_jpeg((200, 10, 10)), "image/jpeg")
    harness.line.state.content["802"] = (b"%PDF-1.4 a receipt, not an image", "application/pdf")
    for said in (
        "แจ้งทุจริต",
        "ไม่เปิดเผยชื่อ",
        "เจ้าหน้าที่เรียกรับเงินค่าออกใบอนุญาต",
        "ไม่แน่ใจ",
        "เจ้าหน้าที่การเงิน",
        "เมษายน 2569",
        "ที่ทำการ อบต.",
    ):
        harness.say(user, said)
    harness.post_events(*(harness.event("image", user, message_id=m) for m in ("801", "802", "803")))  # 803: gone
    harness.run()
    harness.say(user, "ถัดไป")
    code = CODE.search(harness.say(user, "ยืนยัน")[0])
    assert code
    return code.group(0)


def test_tip_evidence_is_kept_in_media_and_leads_to_nobody(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    _complaint_with_photo(harness, user)
    code = _tip_with_evidence(harness, user)
    assert harness.fetch_media() == 4  # the complaint's photo and the tip's three

    texts = harness.line.state.texts_to(user)
    assert sum(f"หลักฐาน 1 รูปของเบาะแส {code} ใช้ไม่ได้" in t for t in texts) == 1  # the PDF; the gone one: silence
    with Session(harness.engine) as session:
        tip = session.exec(select(Tip).where(Tip.code == code)).one()
        evidence = session.exec(
            select(TipEvidence).where(TipEvidence.tip_id == tip.id).order_by(col(TipEvidence.id))
        ).all()
        files = [file for e in evidence if (file := session.get(MediaFile, e.media_id))]
        resident = session.exec(select(Resident).where(Resident.line_user_id == user)).one()
        named = session.exec(select(OutboxMessage).where(OutboxMessage.resident_id == resident.id)).all()
    assert not [row for row in named if code in row.messages]  # told through the seal, as every push to a reporter
    assert [(f.status, f.error) for f in files] == [
        (MediaStatus.STORED, None),
        (MediaStatus.REFUSED, "ไม่ใช่ไฟล์ภาพ"),
        (MediaStatus.REFUSED, GONE),
    ]
    # The tip's rows keep only the hour: its photos too, in a table shared with the resident's complaint photo.
    assert all(f.created_at == coarse_time(f.created_at) and f.line_message_id is None for f in files)

    officer = harness.staff_token("integrity_officer")
    detail = harness.client.get(f"/api/v1/tips/{code}", headers=officer).json()
    assert detail["evidence_ids"] == [evidence[0].id]
    shown = harness.client.get(f"/api/v1/tips/{code}/evidence/{evidence[0].id}", headers=officer)
    assert shown.status_code == 200 and shown.content == files[0].data
    assert harness.client.get(f"/api/v1/tips/{code}/evidence/{evidence[1].id}", headers=officer).status_code == 404

    with Session(harness.engine) as session:
        media_rows = [dict(r._mapping) for r in session.execute(text("SELECT * FROM media"))]
    assert set(media_rows[0]) == {
        "id",
        "line_message_id",
        "status",
        "content_type",
        "size",
        "sha256",
        "data",
        "error",
        "created_at",
    }  # no resident, no LINE user, no case
    assert not [r for r in media_rows if user in str(r) or r["id"] == resident.id]


def test_an_erased_resident_leaves_no_photo_bytes_without_their_case(harness: Harness) -> None:
    """Complaint photos stay with the complaint (the case record is kept); none is left pointing at nothing."""
    user = harness.new_user()
    harness.onboard(user)
    _complaint_with_photo(harness, user)
    _tip_with_evidence(harness, user)
    harness.fetch_media()
    harness.say(user, "ลบข้อมูลของฉัน")
    assert "ลบข้อมูลของท่านเรียบร้อยแล้ว" in harness.say(user, "ลบข้อมูล")[0]
    with Session(harness.engine) as session:
        media_ids = set(session.exec(select(MediaFile.id)).all())
        owned = [
            *session.exec(select(ComplaintPhoto.media_id)).all(),
            *session.exec(select(TipEvidence.media_id)).all(),
        ]
    assert len(media_ids) == 4 and sorted(owned) == sorted(media_ids)
