"""Staff take their tests in the console too: a page per open staff test, the questions without the answer
key, the score at once, one scored attempt a year (as the API and LINE)."""

from __future__ import annotations

from sqlmodel import Session

from bot.staff.models import Role
from surveys import catalogue
from tests.console.helpers import add_member, csrf_of, sign_in
from tests.harness import Harness
from tests.surveys.helpers import open_shipped


def test_an_officer_takes_the_law_test_in_the_console_once(harness: Harness) -> None:
    open_shipped(harness.engine, "law_knowledge", harness.clock())
    add_member(harness, Role.OFFICER, "somsri")
    client = sign_in(harness, "somsri")
    listing = client.get("/console/tests")
    assert listing.status_code == 200 and "/console/tests/law_knowledge" in listing.text and "ยังไม่ได้ทำ" in listing.text
    page = client.get("/console/tests/law_knowledge")
    assert page.status_code == 200 and "correct" not in page.text
    with Session(harness.engine) as session:
        survey = catalogue.get(session, "law_knowledge")
        assert survey is not None
        definition = catalogue.definition_of(session, survey)
    token = csrf_of(page.text)
    missing = client.post("/console/tests/law_knowledge", data={"csrf_token": token})
    assert missing.status_code == 422 and "ข้อ 1:" in missing.text  # numbered as on the page, nothing filed
    form = {f"q_{q.key}": q.correct for q in definition.questions}
    done = client.post("/console/tests/law_knowledge", data={**form, "csrf_token": token})
    assert done.status_code == 200 and 'data-testid="score">100%' in done.text and "ผ่านเกณฑ์" in done.text
    assert 'data-testid="taken"' in client.get("/console/tests/law_knowledge").text
    again = client.post("/console/tests/law_knowledge", data={**form, "csrf_token": token})
    assert again.status_code == 409 and "ทำแบบนี้แล้ว" in again.text
    assert "ทำแล้ว" in client.get("/console/tests").text
    assert client.post("/console/tests/law_knowledge", data=form).status_code in (400, 403)  # no CSRF token
    assert client.get("/console/tests/info_centre").status_code == 404  # residents' survey
    assert client.get("/console/tests/conflict_of_interest").status_code == 404  # not open


def test_a_manager_prints_invitation_slips_for_people_without_an_account(harness: Harness) -> None:
    import re

    open_shipped(harness.engine, "law_knowledge", harness.clock())
    add_member(harness, Role.MANAGER, "nayok", name="นายก")
    client = sign_in(harness, "nayok")
    api = harness.staff_token("manager")
    roster = {"members": [{"name": "นางสมร สภาตำบล", "staff_id": None, "group": "council"}]}
    assert harness.client.put("/api/v1/surveys/law_knowledge/roster", json=roster, headers=api).status_code == 200
    page = client.get("/console/surveys/law_knowledge")
    assert page.status_code == 200 and 'data-testid="roster"' in page.text and "นางสมร สภาตำบล" in page.text
    slips = client.post("/console/surveys/law_knowledge/invitations", data={"csrf_token": csrf_of(page.text)})
    assert slips.status_code == 200 and "เรียน นางสมร สภาตำบล" in slips.text
    code = re.search(r'data-testid="code">([A-Z0-9]+)<', slips.text)
    assert code and f"แบบทดสอบ {code.group(1)}" in slips.text
    assert "เรียน นางสมร สภาตำบล" in harness.client.get(f"/public/staff-tests/{code.group(1)}").text
    assert client.post("/console/surveys/law_knowledge/invitations").status_code in (400, 403)  # no CSRF token
    officer = sign_in(harness, add_member(harness, Role.OFFICER, "clerk").username or "clerk")
    assert (
        officer.post(
            "/console/surveys/law_knowledge/invitations", data={"csrf_token": csrf_of(officer.get("/console").text)}
        ).status_code
        == 404
    )
