"""Inquiries to the information centre, end to end: LINE dialog, codes and promised dates, staff answer
pushed, tracking, rating into the information-centre survey, staff-recorded inquiries, filters, stats."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader
from sqlmodel import Session, select

from bot import thai
from bot.inquiries.models import Inquiry
from surveys.models import SurveyResponse
from tests.harness import Harness
from tests.surveys.helpers import open_shipped

CODE = re.compile(r"Q25\d\d-\d{5}")


def ask(
    harness: Harness, user: str, text: str, kind_label: str | None = "ขอข้อมูลข่าวสาร", keyword: str = "สอบถาม"
) -> str:
    """Walks the dialog; returns the inquiry code the resident is given."""
    harness.say(user, keyword)
    if kind_label is not None:
        button = next(a for a in harness.quick_replies(user) if a["label"] == kind_label)
        harness.tap(user, button["data"])
    harness.say(user, text)
    confirm = harness.last_message(user)["template"]["actions"][0]["data"]
    replies = harness.tap(user, confirm)
    code = CODE.search(replies[0])
    assert code, replies
    return code.group(0)


def row(harness: Harness, code: str) -> Inquiry:
    with Session(harness.engine) as session:
        return session.exec(select(Inquiry).where(Inquiry.code == code)).one()


def test_the_keyword_starts_the_dialog_and_gives_a_code_and_the_promised_date(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    labels = [a["label"] for a in harness.quick_replies(user)]
    menu = harness.say(user, "เมนู")
    assert menu and "สอบถาม/ขอข้อมูล" in [a["label"] for a in harness.quick_replies(user)], labels
    first = harness.say(user, "สอบถาม")[0]
    assert "ศูนย์ข้อมูลข่าวสาร" in first and "คะ" in first
    assert [a["label"] for a in harness.quick_replies(user)] == ["สอบถาม", "ขอข้อมูลข่าวสาร", "เสนอแนะ", "ติชม"]
    harness.say(user, "ยกเลิก")
    code = ask(harness, user, "ขอดูงบประมาณรายจ่ายประจำปี 2570 ค่ะ")
    fiscal = thai.fiscal_year(harness.clock())
    assert code == f"Q{fiscal}-00001"
    reply = harness.line.state.texts_to(user)[-1]
    due_day = thai.local_date(harness.clock() + timedelta(days=15))
    assert thai.format_date(due_day) in reply and f"ติดตาม {code}" in reply
    saved = row(harness, code)
    assert (saved.kind, saved.channel, saved.status) == ("information_request", "line", "received")
    assert thai.local_date(saved.due_at) == due_day
    question = ask(harness, user, "ทำบัตรผู้สูงอายุต้องใช้เอกสารอะไรบ้างคะ", kind_label="สอบถาม")
    assert question == f"Q{fiscal}-00002"
    assert thai.local_date(row(harness, question).due_at) == thai.local_date(harness.clock() + timedelta(days=7))


def test_other_keywords_choose_the_kind_and_empty_or_cancelled_input_records_nothing(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    for keyword, kind in (("ขอข้อมูล", "information_request"), ("เสนอแนะ", "suggestion"), ("ติชม", "feedback")):
        code = ask(harness, user, f"ข้อความ {keyword}", kind_label=None, keyword=keyword)
        assert row(harness, code).kind == kind
    harness.say(user, "สอบถาม")
    assert "แตะเลือก" in harness.say(user, "อะไรก็ได้")[0]
    harness.tap(user, next(a for a in harness.quick_replies(user) if a["label"] == "ติชม")["data"])
    harness.post_events(harness.event("sticker", user))
    harness.run()
    assert "กรุณาพิมพ์เป็นข้อความ" in harness.line.state.texts_to(user)[-1]
    harness.say(user, "พนักงานบริการดีมาก")
    cancel = harness.last_message(user)["template"]["actions"][1]["data"]
    assert "ยกเลิกแล้ว" in harness.tap(user, cancel)[0]
    with Session(harness.engine) as session:
        assert len(session.exec(select(Inquiry)).all()) == 3


def test_promised_days_come_from_the_organisation_file(harness: Harness) -> None:
    days = harness.runtime.org.inquiry_answer_days.model_copy(update={"question": 3})
    harness.runtime.org = harness.runtime.org.model_copy(update={"inquiry_answer_days": days})
    user = harness.new_user()
    harness.onboard(user)
    code = ask(harness, user, "ถามเรื่องภาษีป้าย", kind_label="สอบถาม")
    assert thai.local_date(row(harness, code).due_at) == thai.local_date(harness.clock() + timedelta(days=3))


def test_the_answer_is_pushed_tracked_and_rated_into_the_information_centre_survey(harness: Harness) -> None:
    open_shipped(harness.engine, "info_centre", harness.clock())
    user = harness.new_user()
    harness.onboard(user)
    code = ask(harness, user, "ขอสำเนาประกาศผลการจัดซื้อจัดจ้างโครงการถนนหมู่ 3")
    stranger = harness.new_user("คนอื่น")
    harness.onboard(stranger)
    assert "ไม่พบเรื่องรหัสนี้" in harness.say(stranger, f"ติดตาม {code}")[0]
    waiting = harness.say(user, f"ติดตาม {code}")[0]
    assert "รับเรื่องแล้ว รอคำตอบ" in waiting and "กำหนดตอบ" in waiting and "รับเรื่องทาง LINE" in waiting
    assert code in harness.say(user, "ติดตาม")[0]

    officer = harness.staff_token("officer")
    assert (
        harness.client.post(f"/api/v1/inquiries/{code}/answer", json={"text": ""}, headers=officer).status_code == 422
    )
    assert (
        harness.client.post(
            f"/api/v1/inquiries/{code}/answer", json={"text": "ได้", "attachments_url": "ftp:x"}, headers=officer
        ).status_code
        == 422
    )
    harness.clock.advance(days=2)
    answered = harness.client.post(
        f"/api/v1/inquiries/{code}/answer",
        headers=officer,
        json={"text": "แนบประกาศผลการจัดซื้อจัดจ้างให้แล้วค่ะ", "attachments_url": "https://phana.example.go.th/p/3"},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered" and answered.json()["answered_on_time"] is True
    again = harness.client.post(f"/api/v1/inquiries/{code}/answer", json={"text": "ซ้ำ"}, headers=officer)
    assert again.status_code == 409
    harness.deliver()
    pushed = harness.line.state.texts_to(user)[-2:]
    assert f"คำตอบเรื่อง {code}" in pushed[0] and "https://phana.example.go.th/p/3" in pushed[0]
    assert "พึงพอใจ" in pushed[1]
    assert "ตอบแล้ว" in harness.say(user, f"ติดตาม {code}")[0]

    rating = harness.line.state.messages_to(user)[-2]["quickReply"]["items"][0]["action"]["data"]
    assert "ขอบคุณสำหรับคะแนน" in harness.tap(user, rating)[0]
    assert "ให้คะแนนเรื่องนี้แล้ว" in harness.tap(user, rating)[0]
    assert row(harness, code).rating == 5
    with Session(harness.engine) as session:
        responses = session.exec(select(SurveyResponse)).all()
    assert len(responses) == 1 and responses[0].link_type == "inquiry"
    assert responses[0].resident_id is None and code not in str(responses[0].model_dump())  # the survey is anonymous
    assert "ไม่พบเรื่องรหัสนี้" in harness.tap(stranger, rating)[0]


def test_staff_record_walk_in_and_phone_inquiries_and_filter_them(harness: Harness) -> None:
    officer = harness.staff_token("officer")
    assert harness.client.get("/api/v1/inquiries").status_code == 401
    bad = harness.client.post(
        "/api/v1/inquiries", headers=officer, json={"kind": "question", "channel": "walk_in", "text": "   "}
    )
    assert bad.status_code == 422
    assert (
        harness.client.post(
            "/api/v1/inquiries", headers=officer, json={"kind": "rumour", "channel": "walk_in", "text": "x"}
        ).status_code
        == 422
    )
    walk_in = harness.client.post(
        "/api/v1/inquiries",
        headers=officer,
        json={
            "kind": "information_request",
            "channel": "walk_in",
            "text": "ขอดูแผนพัฒนาท้องถิ่น",
            "contact_name": "นางสมศรี ใจดี",
            "phone": "0812345678",
        },
    )
    assert walk_in.status_code == 201, walk_in.text
    phone = harness.client.post(
        "/api/v1/inquiries", headers=officer, json={"kind": "question", "channel": "phone", "text": "รถเก็บขยะมาวันไหน"}
    ).json()
    assert walk_in.json()["channel"] == "walk_in" and phone["code"].startswith("Q")

    def codes(**params: object) -> list[str]:
        response = harness.client.get("/api/v1/inquiries", params=params, headers=officer)
        assert response.status_code == 200, response.text
        return [i["code"] for i in response.json()["items"]]

    assert codes(kind="question") == [phone["code"]]
    assert codes(q="สมศรี") == [walk_in.json()["code"]]
    assert codes(overdue=True) == []
    harness.clock.advance(days=8)  # the question's 7 days are over, the request's 15 are not
    assert codes(overdue=True) == [phone["code"]]
    assert codes(status="received", overdue=False) == [walk_in.json()["code"]]
    assert codes(fiscal_year=2500) == []
    assert harness.client.get("/api/v1/inquiries", params={"kind": "x"}, headers=officer).status_code == 422
    detail = harness.client.get(f"/api/v1/inquiries/{phone['code'].lower()}", headers=officer).json()
    assert detail["overdue"] is True and detail["answered_on_time"] is None
    assert harness.client.get("/api/v1/inquiries/Q2570-99999", headers=officer).status_code == 404


def test_stats_against_hand_counts_and_the_public_page(harness: Harness) -> None:
    harness.clock.now = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # FY 2570
    officer = harness.staff_token("officer")

    def record(kind: str, channel: str, text: str) -> str:
        response = harness.client.post(
            "/api/v1/inquiries", headers=officer, json={"kind": kind, "channel": channel, "text": text}
        )
        assert response.status_code == 201, response.text
        return str(response.json()["code"])

    q1 = record("question", "phone", "ถาม 1")
    q2 = record("question", "walk_in", "ถาม 2")
    r1 = record("information_request", "walk_in", "ขอข้อมูล 1")
    s1 = record("suggestion", "letter", "ควรติดไฟทางเพิ่มที่หมู่ 2 โทร 0899999999")
    record("feedback", "phone", "ชมเจ้าหน้าที่กองคลัง")
    harness.clock.advance(days=2)
    harness.client.post(f"/api/v1/inquiries/{q1}/answer", json={"text": "ตอบ"}, headers=officer)  # 2 days, on time
    harness.clock.advance(days=8)
    harness.client.post(f"/api/v1/inquiries/{r1}/answer", json={"text": "ตอบ"}, headers=officer)  # 10 days, on time
    harness.client.post(f"/api/v1/inquiries/{q2}/answer", json={"text": "ตอบ"}, headers=officer)  # 10 days, late
    harness.clock.advance(days=10)  # s1 and the feedback are now 20 days old: overdue
    stats = harness.client.get("/api/v1/inquiries/stats", params={"fiscal_year": 2570}, headers=officer).json()
    assert stats["received"] == 5 and stats["answered"] == 3 and stats["overdue"] == 2
    assert stats["by_kind"] == {"question": 2, "information_request": 1, "suggestion": 1, "feedback": 1}
    assert stats["by_channel"]["walk_in"] == 2 and stats["by_channel"]["phone"] == 2
    assert stats["answered_on_time"] == {"count": 2, "of": 5, "share": 0.4}
    assert stats["median_days"] == 10.0
    assert stats["suggestions"][0]["code"] == s1 and len(stats["suggestions"]) == 2
    assert (
        harness.client.get("/api/v1/inquiries/stats", params={"fiscal_year": 2569}, headers=officer).json()["received"]
        == 0
    )

    page = harness.client.get("/public/information-centre", params={"fiscal_year": 2570})
    assert page.status_code == 200
    assert "ศูนย์ข้อมูลข่าวสาร" in page.text and "ปีงบประมาณ 2570" in page.text and "ขอข้อมูลข่าวสาร" in page.text
    assert "0899999999" not in page.text and "ติดไฟทาง" not in page.text  # residents' words stay internal
    public = harness.client.get("/public/information-centre.json", params={"fiscal_year": 2570}).json()
    assert public["received"] == 5 and public["suggestions_received"] == 2
    assert public["promised_days"]["ขอข้อมูลข่าวสาร"] == 15
    assert harness.client.get("/api/v1/reports/information-centre/2570.pdf").status_code == 401
    pdf = harness.client.get("/api/v1/reports/information-centre/2570.pdf", headers=officer)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace(" ", "")
    assert "ศูนย์ข้อมูลข่าวสารปีงบประมาณ2570" in text.replace("\n", "") and "ตอบทันกำหนด2จาก5เรื่อง" in text.replace(
        "\n", ""
    ).replace("\u0e4d\u0e32", "\u0e33")


def test_the_half_year_report_splits_at_1_april_thai_time(harness: Harness) -> None:
    """The plan's six-monthly service statistics: Oct–Mar and Apr–Sep, by when the inquiry came in (Thai time)."""
    officer = harness.staff_token("officer")

    def record_at(moment: datetime, kind: str = "question") -> str:
        harness.clock.now = moment
        response = harness.client.post(
            "/api/v1/inquiries", headers=officer, json={"kind": kind, "channel": "phone", "text": "ถาม"}
        )
        assert response.status_code == 201, response.text
        return str(response.json()["code"])

    record_at(datetime(2026, 11, 2, 3, 0, tzinfo=UTC))  # November 2569: first half of FY 2570
    record_at(datetime(2027, 3, 31, 16, 59, tzinfo=UTC), "suggestion")  # 23.59 on 31 March, Thai time
    last = record_at(datetime(2027, 3, 31, 17, 0, tzinfo=UTC))  # 00.00 on 1 April, Thai time: second half
    harness.client.post(f"/api/v1/inquiries/{last}/answer", json={"text": "ตอบ"}, headers=officer)

    def stats(**params: object) -> dict[str, object]:
        response = harness.client.get(
            "/api/v1/inquiries/stats", params={"fiscal_year": 2570, **params}, headers=officer
        )
        assert response.status_code == 200, response.text
        return response.json()

    whole, first, second = stats(), stats(half=1), stats(half=2)
    assert (whole["received"], first["received"], second["received"]) == (3, 2, 1)
    assert (first["answered"], second["answered"]) == (0, 1)
    assert first["by_kind"] == {"question": 1, "information_request": 0, "suggestion": 1, "feedback": 0}
    assert len(first["suggestions"]) == 1 and second["suggestions"] == []
    assert first["half"] == 1 and first["period"] == "1 ตุลาคม 2569 – 31 มีนาคม 2570"
    assert second["period"] == "1 เมษายน 2570 – 30 กันยายน 2570" and whole["half"] is None
    for bad in (0, 3, "x"):
        assert (
            harness.client.get(
                "/api/v1/inquiries/stats", params={"fiscal_year": 2570, "half": bad}, headers=officer
            ).status_code
            == 422
        )

    page = harness.client.get("/public/information-centre", params={"fiscal_year": 2570, "half": 2})
    assert page.status_code == 200
    assert "รอบ 6 เดือนหลัง ปีงบประมาณ 2570" in page.text and "1 เมษายน 2570 – 30 กันยายน 2570" in page.text
    assert 'href="/public/information-centre?fiscal_year=2570&amp;half=1"' in page.text
    public = harness.client.get("/public/information-centre.json", params={"fiscal_year": 2570, "half": 1}).json()
    assert public["received"] == 2 and public["half"] == 1 and public["suggestions_received"] == 1
    pdf = harness.client.get("/api/v1/reports/information-centre/2570.pdf", params={"half": 1}, headers=officer)
    assert pdf.status_code == 200 and "information_centre_2570_h1.pdf" in pdf.headers["content-disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace(" ", "")
    assert "รอบ6เดือนแรก" in text.replace("\n", "")
