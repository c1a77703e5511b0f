"""Staff tests taken by the whole roster: staff who linked LINE take them in the chat; executives and council
members without a console account answer once through a personal code (in LINE) or a personal one-time web
page; every answer counts in the census, the answer key never reaches them, one scored attempt a year."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from bot.residents.models import Resident
from bot.staff.models import StaffContact
from surveys import catalogue
from surveys.definition import Definition
from surveys.models import SurveyResponse
from tests.chat.test_thai_style import org_style_problems
from tests.harness import Harness
from tests.surveys.helpers import open_shipped
from tests.surveys.test_roster import roster_body, staff


def _definition(harness: Harness, key: str) -> Definition:
    with Session(harness.engine) as session:
        survey = catalogue.get(session, key)
        assert survey is not None
        return catalogue.definition_of(session, survey)


def _link_line(harness: Harness, staff_id: int, name: str) -> str:
    user = harness.new_user(name)
    harness.onboard(user)
    with Session(harness.engine) as session:
        resident = session.exec(select(Resident).where(Resident.line_user_id == user)).one()
        session.add(StaffContact(staff_member_id=staff_id, resident_id=resident.id, linked_at=harness.clock()))
        session.commit()
    return user


def _summary(harness: Harness, manager: dict[str, str], key: str) -> dict[str, Any]:
    return harness.client.get(f"/api/v1/surveys/{key}/summary", headers=manager).json()


def _setup(harness: Harness, without_account: list[str]) -> tuple[dict[str, str], list[int]]:
    manager = harness.staff_token("manager")
    open_shipped(harness.engine, "law_knowledge", harness.clock())
    ids = staff(harness, 2)
    saved = harness.client.put(
        "/api/v1/surveys/law_knowledge/roster", json=roster_body(ids, without_account), headers=manager
    )
    assert saved.status_code == 200
    return manager, ids


def test_a_linked_staff_member_takes_the_law_test_in_line_once_and_sees_the_score(harness: Harness) -> None:
    manager, ids = _setup(harness, [])
    user = _link_line(harness, ids[0], "บุคลากร 00")
    definition = _definition(harness, "law_knowledge")
    reply = harness.say(user, "แบบทดสอบ")[0]
    assert "เรียน บุคลากร 00" in reply and definition.title in reply and "ยังไม่ได้ทำ" in reply
    replies = harness.tap(user, "stopen:law_knowledge")
    assert "ทำได้ครั้งเดียว" in replies[0] and replies[1].startswith("ข้อ 1/")
    questions = definition.questions
    for i, q in enumerate(questions):
        assert q.correct is not None
        if i == 0:  # a wrong answer first: typed nonsense is refused, the question asked again
            refused = harness.say(user, "9")
            assert "ขออภัย" in refused[0] and refused[1].startswith("ข้อ 1/")
            assert "ผ่านไปแล้ว" in harness.tap(user, f"stans:law_knowledge:{questions[1].key}:a")[0]
        if i == len(questions) - 1:  # the last one wrong, by typing its choice number
            wrong = next(n for n, c in enumerate(q.choices, 1) if c.key != q.correct)
            last = harness.say(user, str(wrong))
        else:
            last = harness.tap(user, f"stans:law_knowledge:{q.key}:{q.correct}")
    expected = round(100 * (len(questions) - 1) / len(questions), 2)
    assert f"คะแนนของท่าน {expected:g}%" in last[0]
    sent = "\n".join(harness.line.state.texts_to(user))
    assert "correct" not in sent
    assert _summary(harness, manager, "law_knowledge")["roster"] == {"size": 2, "answered": 1, "missing": ["บุคลากร 01"]}
    with Session(harness.engine) as session:
        response = session.exec(select(SurveyResponse)).one()
        assert (response.staff_id, response.channel, response.respondent_key) == (ids[0], "line", f"staff:{ids[0]}")
    # one scored attempt a year: the list says so, opening it again refuses politely
    assert "ทำแล้วในปีนี้" in harness.say(user, "แบบทดสอบ")[0]
    assert "แล้วในปีงบประมาณนี้" in harness.tap(user, "stopen:law_knowledge")[0]
    # …and the console's own route refuses the second attempt too
    with Session(harness.engine) as session:
        assert len(session.exec(select(SurveyResponse)).all()) == 1


def test_cancel_files_nothing_and_an_unlinked_account_is_told_how_to_take_part(harness: Harness) -> None:
    _, ids = _setup(harness, [])
    stranger = harness.new_user()
    harness.onboard(stranger)
    reply = harness.say(stranger, "แบบทดสอบ")[0]
    assert "ยังไม่พบแบบทดสอบ" in reply and "ผูกบัญชีเจ้าหน้าที่" in reply
    assert "stopen" not in str(harness.quick_replies(stranger))
    assert "ยังไม่พบแบบทดสอบ" in harness.tap(stranger, "stopen:law_knowledge")[0]  # a forged button: not theirs
    user = _link_line(harness, ids[1], "บุคลากร 01")
    harness.say(user, "แบบทดสอบ")
    harness.say(user, "1")  # the list's number opens the test
    assert harness.line.state.texts_to(user)[-1].startswith("ข้อ 1/")
    harness.say(user, "ยกเลิก")
    with Session(harness.engine) as session:
        assert session.exec(select(SurveyResponse)).all() == []


def test_a_council_member_without_an_account_answers_by_personal_code_in_line(harness: Harness) -> None:
    manager, ids = _setup(harness, ["นางสมร สภาตำบล", "นายก ใจดี"])
    officer = harness.staff_token("officer")
    assert harness.client.post("/api/v1/surveys/law_knowledge/roster/invitations", headers=officer).status_code == 403
    issued = harness.client.post("/api/v1/surveys/law_knowledge/roster/invitations", headers=manager)
    assert issued.status_code == 201, issued.text
    letters = {i["name"]: i for i in issued.json()}
    assert set(letters) == {"นางสมร สภาตำบล", "นายก ใจดี"}  # people with an account sign in instead
    code = letters["นางสมร สภาตำบล"]["code"]
    assert letters["นางสมร สภาตำบล"]["line_text"] == f"แบบทดสอบ {code}"
    user = harness.new_user("สมร")
    harness.onboard(user)
    assert "รหัสนี้ใช้ไม่ได้" in harness.say(user, "แบบทดสอบ ZZZZ2222")[0]
    replies = harness.say(user, f"แบบทดสอบ {code.lower()}")  # typed in lower case still works
    assert "เรียน นางสมร สภาตำบล" in replies[0] and replies[1].startswith("ข้อ 1/")
    definition = _definition(harness, "law_knowledge")
    for q in definition.questions:
        last = harness.tap(user, f"stans:law_knowledge:{q.key}:{q.correct}")
    assert "คะแนนของท่าน 100%" in last[0] and "ผ่านเกณฑ์" in last[0]
    roster = _summary(harness, manager, "law_knowledge")["roster"]
    assert roster == {"size": 4, "answered": 1, "missing": ["บุคลากร 00", "บุคลากร 01", "นายก ใจดี"]}
    # the code was spent; the LINE account stays linked to her roster place
    assert "รหัสนี้ใช้ไม่ได้" in harness.say(user, f"แบบทดสอบ {code}")[0]
    assert "ทำแล้วในปีนี้" in harness.say(user, "แบบทดสอบ")[0]
    sent = harness.line.state.texts_to(user)
    assert {
        t: org_style_problems(t, harness.org.short_name) for t in sent if org_style_problems(t, harness.org.short_name)
    } == {}  # docs/THAI_STYLE.md
    # replacing the roster keeps her the same person: her answer still counts
    harness.client.put(
        "/api/v1/surveys/law_knowledge/roster", json=roster_body(ids, ["นายก ใจดี", "นางสมร สภาตำบล"]), headers=manager
    )
    assert _summary(harness, manager, "law_knowledge")["roster"]["answered"] == 1
    # new letters go only to those still missing
    again = harness.client.post("/api/v1/surveys/law_knowledge/roster/invitations", headers=manager).json()
    assert [i["name"] for i in again] == ["นายก ใจดี"]


def test_a_personal_web_page_takes_one_answer_without_the_answer_key(harness: Harness) -> None:
    manager, _ = _setup(harness, ["นายก ใจดี"])
    (letter,) = harness.client.post("/api/v1/surveys/law_knowledge/roster/invitations", headers=manager).json()
    page = harness.client.get(letter["url"])
    assert page.status_code == 200 and "เรียน นายก ใจดี" in page.text
    definition = _definition(harness, "law_knowledge")
    assert definition.questions[0].text in page.text and "correct" not in page.text
    incomplete = harness.client.post(letter["url"], data={definition.questions[0].key: "a"})
    assert incomplete.status_code == 422 and "ต้องตอบ" in incomplete.text
    answers = {q.key: q.correct for q in definition.questions}
    answers[definition.questions[0].key] = next(
        c.key for c in definition.questions[0].choices if c.key != definition.questions[0].correct
    )
    done = harness.client.post(letter["url"], data=answers)
    expected = round(100 * (len(answers) - 1) / len(answers), 2)
    assert done.status_code == 200 and f"{expected:g}%" in done.text
    assert harness.client.get(letter["url"]).status_code == 404  # one time
    assert harness.client.post(letter["url"], data=answers).status_code == 404
    assert harness.client.get("/public/staff-tests/NOTACODE").status_code == 404
    roster = _summary(harness, manager, "law_knowledge")["roster"]
    assert roster["answered"] == 1 and "นายก ใจดี" not in roster["missing"]


def test_invitations_need_an_open_staff_survey(harness: Harness) -> None:
    manager = harness.staff_token("manager")
    harness.client.post("/api/v1/surveys/install-shipped", headers=manager)
    assert (
        harness.client.post("/api/v1/surveys/law_knowledge/roster/invitations", headers=manager).status_code == 409
    )  # still a draft
    assert (
        harness.client.post("/api/v1/surveys/info_centre/roster/invitations", headers=manager).status_code == 409
    )  # residents' survey
    assert harness.client.post("/api/v1/surveys/nope/roster/invitations", headers=manager).status_code == 404
