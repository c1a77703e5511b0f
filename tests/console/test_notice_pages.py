"""Notice pages: compose with preview and recipient count, quota and cost, send to one village, schedule
and cancel, refusals in Thai."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.notices.models import Notice
from bot.staff.models import Role
from bot.thai import BANGKOK
from tests.console.helpers import add_member, page_csrf, sign_in
from tests.harness import Harness
from tests.notices.helpers import add_residents, deliver, multicast_recipients

FORM_ERROR = 'data-testid="form-error"'  # a refusal shows the console page again with its reason, not a bare error


def test_compose_preview_send_to_one_village(harness: Harness) -> None:
    village_two = add_residents(harness, 3, village=2)
    add_residents(harness, 4, village=3)
    add_member(harness, Role.OFFICER, "somsri")
    client = sign_in(harness, "somsri")
    preview = client.get(
        "/console/notices/preview",
        params={"title": "น้ำประปาหยุดไหล", "text": "<b>พรุ่งนี้</b>", "kind": "villages", "villages": ["2"]},
    )
    assert "ผู้รับ 3 คน" in preview.text and "น้ำประปาหยุดไหล" in preview.text and "&lt;b&gt;" in preview.text
    token = page_csrf(client, "/console/notices")
    page = client.post(
        "/console/notices",
        data={
            "csrf_token": token,
            "title": "น้ำประปาหยุดไหล",
            "text": "พรุ่งนี้ 9.00–12.00 น.",
            "kind": "villages",
            "villages": ["2"],
        },
    )
    assert page.status_code == 200 and "3 คน" in page.text and "โควตา" in page.text and "ใช้ 3 ข้อความ" in page.text
    with Session(harness.engine) as session:
        notice_id = session.exec(select(Notice)).one().id
    sent = client.post(f"/console/notices/{notice_id}/send", data={"csrf_token": token, "when": "now"})
    assert sent.status_code == 200 and "ส่งประกาศแล้ว" in sent.text
    deliver(harness)
    assert sorted(u for call in multicast_recipients(harness, "น้ำประปาหยุดไหล") for u in call) == sorted(village_two)
    figures = client.get(f"/console/notices/{notice_id}").text
    assert "ผู้รับที่ส่งถึงแล้ว" in figures and "3 จาก 3 คน" in figures
    again = client.post(f"/console/notices/{notice_id}/send", data={"csrf_token": token, "when": "now"})
    assert again.status_code == 409 and FORM_ERROR in again.text


def test_refusals_schedule_and_cancel(harness: Harness) -> None:
    add_residents(harness, 2, village=1)
    add_member(harness, Role.OFFICER, "somsri")
    client = sign_in(harness, "somsri")
    token = page_csrf(client, "/console/notices")
    nobody = client.post(
        "/console/notices", data={"csrf_token": token, "title": "t", "text": "x", "kind": "villages", "villages": ["4"]}
    )
    assert nobody.status_code == 422 and "ยังไม่มีผู้รับ" in nobody.text and FORM_ERROR in nobody.text
    bad_link = client.post(
        "/console/notices",
        data={"csrf_token": token, "title": "t", "text": "x", "kind": "all", "link": "javascript:alert(1)"},
    )
    assert bad_link.status_code == 422 and "javascript" in bad_link.text
    assert client.post("/console/notices", data={"title": "t", "text": "x", "kind": "all"}).status_code == 403
    with Session(harness.engine) as session:
        assert session.exec(select(Notice)).all() == []
    client.post("/console/notices", data={"csrf_token": token, "title": "ประชุม", "text": "x", "kind": "all"})
    with Session(harness.engine) as session:
        notice_id = session.exec(select(Notice)).one().id
    no_time = client.post(f"/console/notices/{notice_id}/send", data={"csrf_token": token, "when": "later"})
    assert no_time.status_code == 422
    past = client.post(
        f"/console/notices/{notice_id}/send", data={"csrf_token": token, "when": "later", "at": "2020-01-01T09:00"}
    )
    assert past.status_code == 422 and FORM_ERROR in past.text
    tomorrow = (harness.clock.now.astimezone(BANGKOK) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    scheduled = client.post(
        f"/console/notices/{notice_id}/send", data={"csrf_token": token, "when": "later", "at": tomorrow}
    )
    assert scheduled.status_code == 200 and "ตั้งเวลาส่งแล้ว" in scheduled.text
    cancelled = client.post(f"/console/notices/{notice_id}/cancel", data={"csrf_token": token})
    assert cancelled.status_code == 200 and "ยกเลิกประกาศแล้ว" in cancelled.text
    twice = client.post(f"/console/notices/{notice_id}/cancel", data={"csrf_token": token})
    assert twice.status_code == 409 and FORM_ERROR in twice.text
    missing = client.post(f"/console/notices/{notice_id + 1}/cancel", data={"csrf_token": token})
    assert missing.status_code == 404 and FORM_ERROR not in missing.text
    with Session(harness.engine) as session:
        assert session.get(Notice, notice_id).status == "cancelled"
