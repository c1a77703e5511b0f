"""Filing a complaint in LINE, end to end: six taps for a text-only complaint, photos, location, phone."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from PIL import Image
from sqlmodel import Session, select

from bot.complaints.models import Complaint, ComplaintPhoto
from bot.media import MediaFile, MediaStatus
from tests.harness import Harness

CODE = re.compile(r"C\d{4}-\d{5}")
# A pinned clock: 20 Nov 2026, FY 2570.
FILED_AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def file_text_only(harness: Harness, user: str, text: str = "ไฟทางหน้าวัดดับมา 3 คืนแล้ว") -> tuple[str, int]:
    """Files a complaint; returns its code and how many taps/messages the resident needed."""
    steps = 0

    def act(reply: list[str]) -> list[str]:
        nonlocal steps
        steps += 1
        return reply

    act(harness.say(user, "ร้องเรียน"))
    category = harness.quick_replies(user)[1]["data"]  # ไฟฟ้าส่องสว่าง
    act(harness.tap(user, category))
    act(harness.say(user, text))
    next_step = next(a for a in harness.quick_replies(user) if a.get("label") == "ถัดไป")["data"]
    act(harness.tap(user, next_step))
    skip = harness.quick_replies(user)[0]["data"]
    act(harness.tap(user, skip))
    confirm = harness.last_message(user)["template"]["actions"][0]["data"]
    replies = act(harness.tap(user, confirm))
    code = CODE.search(replies[0])
    assert code, replies
    return code.group(0), steps


def test_a_text_only_complaint_takes_six_taps_and_gives_a_code_and_due_date(harness: Harness) -> None:
    harness.clock.now = FILED_AT
    user = harness.new_user()
    harness.onboard(user, village=4)
    code, steps = file_text_only(harness, user)
    assert steps == 6
    assert code == "C2570-00001"
    reply = harness.line.state.texts_to(user)[-1]
    assert "จะดำเนินการให้แล้วเสร็จภายใน" in reply and "2569" in reply  # B.E. date: December 2569
    with Session(harness.engine) as session:
        complaint = session.exec(select(Complaint)).one()
    assert (complaint.category, complaint.village_no, complaint.unit) == ("lighting", 4, "engineering")
    assert (complaint.first_due_at - complaint.created_at).days in (15, 16)


def test_codes_are_sequential_per_fiscal_year(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    first, _ = file_text_only(harness, user)
    second, _ = file_text_only(harness, user, "ขยะไม่มีคนเก็บ")
    assert int(second[-5:]) == int(first[-5:]) + 1


def test_photos_and_location_are_attached_and_cleaned(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "ร้องเรียน")
    harness.tap(user, harness.quick_replies(user)[0]["data"])
    harness.say(user, "ถนนเป็นหลุมใหญ่")
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "CanonCanary"  # camera maker: metadata that must not survive
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo, format="JPEG", exif=exif)
    harness.line.state.content["111"] = (photo.getvalue(), "image/jpeg")
    harness.line.state.content["222"] = (b"%PDF-1.4 not an image", "application/pdf")
    harness.post_events(harness.event("image", user, message_id="111"), harness.event("image", user, message_id="222"))
    harness.run()
    bad = harness.say_location(user, 95.0, 200.0)
    assert "ตำแหน่งนี้ไม่ถูกต้อง" in bad[0]
    harness.say_location(user, 15.79, 104.91, "หน้าโรงเรียนบ้านพนา")
    harness.say(user, "ถัดไป")
    harness.say(user, "081-234-5678")
    summary = harness.last_message(user)["template"]["text"]
    assert "รูป: 2 รูป" in summary and "หน้าโรงเรียนบ้านพนา" in summary and "0812345678" in summary
    harness.say(user, "ยืนยัน")
    assert harness.fetch_media() == 2
    with Session(harness.engine) as session:
        complaint = session.exec(select(Complaint)).one()
        photos = session.exec(
            select(MediaFile).join(ComplaintPhoto, ComplaintPhoto.media_id == MediaFile.id).order_by(ComplaintPhoto.id)
        ).all()
    assert (complaint.latitude, complaint.phone) == (15.79, "0812345678")
    assert [p.status for p in photos] == [MediaStatus.STORED, MediaStatus.REFUSED]
    assert [p.line_message_id for p in photos] == [None, None]  # fetched: LINE's ids are not kept
    stored = Image.open(io.BytesIO(photos[0].data or b""))
    assert b"CanonCanary" not in (photos[0].data or b"") and not stored.getexif()
    assert len(photos[0].sha256 or "") == 64
    assert any("ใช้ไม่ได้" in t for t in harness.line.state.texts_to(user))  # told about the PDF
    officer = harness.staff_token("officer")
    detail = harness.client.get(f"/api/v1/complaints/{complaint.code}", headers=officer).json()
    listed = harness.client.get("/api/v1/complaints", headers=officer).json()["items"]
    assert detail["photos"] == len(detail["photo_ids"]) == 1  # the refused PDF is not a photo
    assert [c["photos"] for c in listed] == [1]  # the list shows what the detail shows


def test_bad_descriptions_are_refused_politely_and_nothing_is_filed(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "ร้องเรียน")
    harness.tap(user, harness.quick_replies(user)[0]["data"])
    assert "ยาวเกินไป" in harness.say(user, "ก" * 5001)[0]
    harness.post_events(harness.event("sticker", user))
    harness.run()
    assert "กรุณาพิมพ์รายละเอียด" in harness.line.state.texts_to(user)[-1]
    assert "ยกเลิกแล้ว" in harness.say(user, "ยกเลิก")[0]
    with Session(harness.engine) as session:
        assert session.exec(select(Complaint)).all() == []


def test_an_old_confirm_button_after_cancelling_does_nothing(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "ร้องเรียน")
    harness.tap(user, harness.quick_replies(user)[0]["data"])
    harness.say(user, "น้ำไม่ไหล")
    harness.say(user, "ถัดไป")
    harness.say(user, "ข้าม")
    confirm = harness.last_message(user)["template"]["actions"][0]["data"]
    harness.say(user, "ยกเลิก")
    assert "ปุ่มนี้ใช้ไม่ได้แล้ว" in harness.tap(user, confirm)[0]
    with Session(harness.engine) as session:
        assert session.exec(select(Complaint)).all() == []


def test_complaining_needs_consent_first(harness: Harness) -> None:
    user = harness.new_user()
    harness.follow(user)
    assert "ขอความยินยอม" in harness.say(user, "ร้องเรียน")[0]
