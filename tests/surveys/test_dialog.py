"""Residents answer surveys in LINE, end to end through signed webhooks and the fake LINE."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.chat.state import Conversation, SealedDialog
from bot.line.models import InboxEvent
from surveys import catalogue
from surveys.models import ResponseStatus, SurveyAnswer, SurveyResponse
from tests.harness import Harness
from tests.surveys.helpers import install_open, open_shipped, satisfaction_data


def rows(harness: Harness) -> list[SurveyResponse]:
    with Session(harness.engine) as session:
        return list(session.exec(select(SurveyResponse)).all())


def answers(harness: Harness) -> dict[str, object]:
    with Session(harness.engine) as session:
        found = session.exec(select(SurveyAnswer)).all()
        return {a.question_key: a.score if a.score is not None else a.text for a in found}


def quick_data(harness: Harness, user: str) -> list[str]:
    return [a.get("data", a.get("text")) for a in harness.quick_replies(user)]


def start(harness: Harness, key: str, village: int = 2) -> str:
    user = harness.new_user()
    harness.onboard(user, village=village)
    harness.say(user, "แบบสอบถาม")
    harness.tap(user, f"svopen:{key}::")
    return user


def test_the_keyword_lists_open_surveys_instead_of_coming_soon(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    assert "ยังไม่มีแบบสอบถามที่เปิด" in harness.say(user, "แบบสอบถาม")[0]
    open_shipped(harness.engine, "public_disclosure", harness.clock())
    open_shipped(harness.engine, "complaint_handling", harness.clock())  # sent after complaints, not listed
    reply = harness.say(user, "แบบสอบถาม")[0]
    assert "การเปิดเผยข้อมูลสาธารณะ" in reply and "ยังไม่ได้ตอบ" in reply and "ร้องเรียน" not in reply
    assert "svopen:public_disclosure::" in quick_data(harness, user)


def test_a_resident_answers_the_disclosure_survey_by_tapping_and_typing(harness: Harness) -> None:
    open_shipped(harness.engine, "public_disclosure", harness.clock())
    user = start(harness, "public_disclosure")
    texts = harness.line.state.texts_to(user)
    # counted over all 8 questions, as the intro says, though the 8th shows only after a low overall score
    assert "ไม่ระบุตัวตน" in texts[-2] and "ไม่เกิน 8 ข้อ" in texts[-2] and texts[-1].startswith("ข้อ 1/8")
    response_id = rows(harness)[0].id
    harness.tap(user, f"svpick:{response_id}:channels_used:line")
    harness.tap(user, f"svpick:{response_id}:channels_used:website")
    assert harness.line.state.texts_to(user)[-1].count("✅") == 2
    assert harness.tap(user, f"svans:{response_id}:channels_used:~done")[0].startswith("ข้อ 2/8")
    assert harness.quick_replies(user)[0]["label"] == "5 มากที่สุด"
    assert harness.say(user, "4")[0].startswith("ข้อ 3/8")
    with Session(harness.engine) as session:  # mid-way, the dialog state does not show which response is theirs
        assert session.get(Conversation, 1).state is None  # type: ignore[union-attr]
        assert session.exec(select(SealedDialog)).one()  # held under a keyed hash, sealed
    assert harness.tap(user, f"svans:{response_id}:channel_variety:5")[0].startswith("ข้อ 4/8")
    assert harness.say(user, "๕")[0].startswith("ข้อ 5/8")
    assert harness.say(user, "มาก")[0].startswith("ข้อ 6/8")
    harness.say(user, "3")
    reply = harness.say(user, "2")[0]  # overall 2 → the optional "what to improve" appears: 8 questions
    assert reply.startswith("ข้อ 8/8") and "ข้าม" in reply
    assert "ขอบคุณที่สละเวลา" in harness.say(user, "ป้ายประกาศควรใหญ่ขึ้น")[0]
    (response,) = rows(harness)
    assert response.status == ResponseStatus.COMPLETE and response.resident_id is None
    assert response.respondent_key.startswith("anon:") and response.channel == "line" and response.village_no == 2
    assert answers(harness) == {
        "channels_used": "line,website",
        "channel_access": 4,
        "channel_variety": 5,
        "content_complete": 5,
        "content_current": 4,
        "content_clear": 3,
        "overall": 2,
        "improve": "ป้ายประกาศควรใหญ่ขึ้น",
    }
    with Session(harness.engine) as session:  # an anonymous survey leaves no copy of the answers in the inbox
        payloads = [e.payload for e in session.exec(select(InboxEvent)).all()]
    assert not any("ป้ายประกาศ" in p or "svans" in p for p in payloads)


def test_bad_answers_and_stale_buttons_are_refused_politely(harness: Harness) -> None:
    key = install_open(harness.engine, satisfaction_data(3), harness.clock())
    user = start(harness, key)
    response_id = rows(harness)[0].id
    reply = harness.say(user, "9")
    assert "ขออภัย" in reply[0] and reply[1].startswith("ข้อ 1/3")
    assert "ข้อนี้ต้องตอบ" in harness.say(user, "ข้าม")[0]
    harness.tap(user, f"svans:{response_id}:q1:4")
    reply = harness.tap(user, f"svans:{response_id}:q1:1")  # q1's button again, from the old message
    assert "ผ่านไปแล้ว" in reply[0] and reply[1].startswith("ข้อ 2/3")
    assert "ขออภัย" in harness.tap(user, f"svans:{response_id}:q2:7")[0]  # forged level
    assert answers(harness) == {"q1": 4}
    harness.say(user, "เมนู")
    assert "ปุ่มนี้ใช้ไม่ได้แล้ว" in harness.tap(user, f"svans:{response_id}:q2:4")[0]


def test_cancel_and_resume_where_they_left_off(harness: Harness) -> None:
    key = install_open(harness.engine, satisfaction_data(3), harness.clock())
    user = start(harness, key)
    harness.say(user, "5")
    assert harness.say(user, "ยกเลิก")[0].startswith("ยกเลิกแล้ว")
    assert "ทำค้างไว้ 1/3" in harness.say(user, "แบบสอบถาม")[0]
    reply = harness.tap(user, f"svopen:{key}::")
    assert "ทำต่อจากข้อ 2/3" in reply[0] and reply[1].startswith("ข้อ 2/3")
    harness.say(user, "4")
    assert "ขอบคุณ" in harness.say(user, "3")[0]
    assert rows(harness)[0].status == ResponseStatus.COMPLETE


def test_answering_again_offers_to_revise_the_same_response(harness: Harness) -> None:
    key = install_open(harness.engine, satisfaction_data(2), harness.clock())
    user = start(harness, key)
    harness.say(user, "5")
    harness.say(user, "4")
    harness.say(user, "แบบสอบถาม")
    assert "ตอบแล้ว แก้ไขได้" in harness.line.state.texts_to(user)[-1]
    reply = harness.tap(user, f"svopen:{key}::")
    assert "ตอบ “แบบทดสอบ” แล้วเมื่อ" in reply[0]  # the full title, not the button's short one
    reply = harness.tap(user, f"svrevise:{key}::")
    assert reply[1].startswith("ข้อ 1/2") and "คำตอบเดิม: 5 มากที่สุด" in reply[1]
    harness.say(user, "3")
    assert "แก้ไขคำตอบเรียบร้อยแล้ว" in harness.say(user, "2")[0]
    (response,) = rows(harness)
    assert response.revised_at is not None and answers(harness) == {"q1": 3, "q2": 2}


def test_a_survey_closed_midway_says_so(harness: Harness) -> None:
    key = install_open(harness.engine, satisfaction_data(2), harness.clock())
    user = start(harness, key)
    with Session(harness.engine) as session:
        survey = catalogue.get(session, key)
        assert survey is not None
        catalogue.close_survey(survey, harness.clock())
        session.commit()
    assert "ปิดรับคำตอบแล้ว" in harness.say(user, "5")[0]
    assert "ปิดรับคำตอบแล้ว" in harness.tap(user, f"svopen:{key}::")[0]
    assert "ปิดรับคำตอบแล้ว" in harness.tap(user, "svopen:no_such_survey::")[0]
    assert answers(harness) == {}


def test_surveys_wait_for_pdpa_consent(harness: Harness) -> None:
    install_open(harness.engine, satisfaction_data(2), harness.clock())
    user = harness.new_user()
    harness.follow(user)
    assert "ขอความยินยอม" in harness.say(user, "แบบสอบถาม")[0]
    assert rows(harness) == []
