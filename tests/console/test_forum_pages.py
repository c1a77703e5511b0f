"""Forum pages: create and schedule, refusals in Thai, announce to the forum's villages, RSVPs by village,
attendance only once the forum is on, paper counts, the outcome, coverage for managers, roles."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.forums.models import Forum, ForumAttendance
from bot.notices.models import Notice
from bot.staff.models import Role
from bot.thai import BANGKOK
from tests.console.helpers import add_member, page_csrf, sign_in
from tests.harness import Harness
from tests.notices.helpers import deliver, multicast_recipients


def _local(harness: Harness, **delta: float) -> str:
    """A datetime-local value (Thai time) `delta` from the harness clock."""
    return (harness.clock.now.astimezone(BANGKOK) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")


def _resident(harness: Harness, village: int) -> str:
    user = harness.new_user()
    harness.onboard(user, village=village)
    return user


def test_create_announce_attend_and_publish_from_the_console(harness: Harness) -> None:
    first, second, elsewhere = _resident(harness, 1), _resident(harness, 2), _resident(harness, 3)
    add_member(harness, Role.OFFICER, "somsri")
    client = sign_in(harness, "somsri")
    listing = client.get("/console/forums")
    assert listing.status_code == 200 and "สร้างเวทีประชาคม" in listing.text and 'href="/console/forums"' in listing.text
    assert 'data-testid="coverage"' not in listing.text  # the coverage report is for managers
    csrf = page_csrf(client, "/console/forums")
    form = {
        "csrf_token": csrf,
        "topic": "จัดทำแผนพัฒนาท้องถิ่น 2571",
        "agenda": "1. น้ำประปา\n2. ถนน",
        "starts_at": _local(harness, days=3),
        "place": "ศาลาประชาคมบ้านพนา",
        "villages": ["1", "2"],
        "capacity": "",
        "reminder_hours_before": "24",
        "collect_opinions": "1",
    }
    past = client.post("/console/forums", data={**form, "starts_at": _local(harness, days=-1)})
    assert past.status_code == 422 and "ต้องเป็นเวลาในอนาคต" in past.text and "ศาลาประชาคมบ้านพนา" in past.text
    blank = client.post("/console/forums", data={**form, "topic": "", "villages": []})
    assert blank.status_code == 422 and "หัวข้อ" in blank.text and "หมู่บ้าน" in blank.text
    words = client.post("/console/forums", data={**form, "capacity": "สามสิบ"})
    assert words.status_code == 422 and "จำนวนที่นั่ง" in words.text
    unknown = client.post("/console/forums", data={**form, "villages": ["9"]})
    assert unknown.status_code == 422 and "ไม่พบหมู่ที่ 9" in unknown.text
    assert client.post("/console/forums", data={k: v for k, v in form.items() if k != "csrf_token"}).status_code == 403
    created = client.post("/console/forums", data=form, follow_redirects=False)
    assert created.status_code == 303
    page = client.get(created.headers["location"])
    assert page.status_code == 200 and "สร้างเวทีแล้ว" in page.text and 'data-testid="check-in-code"' in page.text
    assert 'data-testid="attendance-later"' in page.text and 'data-testid="tick"' not in page.text
    forum_id = int(re.search(r"/console/forums/(\d+)", created.headers["location"]).group(1))  # type: ignore[union-attr]
    with Session(harness.engine) as session:
        forum = session.get(Forum, forum_id)
        assert forum is not None and forum.topic == "จัดทำแผนพัฒนาท้องถิ่น 2571"
        assert [n.purpose for n in session.exec(select(Notice).where(Notice.forum_id == forum_id))] == [
            "forum_reminder"
        ]

    announced = client.post(f"/console/forums/{forum_id}/announce", data={"csrf_token": csrf, "when": "now"})
    assert announced.status_code == 200 and "ส่งประกาศเชิญแล้ว" in announced.text
    deliver(harness)
    assert sorted(u for call in multicast_recipients(harness, "เชิญ") for u in call) == sorted([first, second])
    assert elsewhere not in str(multicast_recipients(harness, "เชิญ"))
    again = client.post(f"/console/forums/{forum_id}/announce", data={"csrf_token": csrf, "when": "now"})
    assert again.status_code == 409 and "จะไม่ส่งซ้ำ" in again.text and 'data-testid="announce"' not in again.text
    harness.tap(first, f"rsvp:{forum_id}:going")
    harness.tap(second, f"rsvp:{forum_id}:maybe")
    page = client.get(f"/console/forums/{forum_id}").text
    assert "หมู่ 1" in page and re.search(r"ตอบว่าไป", page)

    early = client.post(f"/console/forums/{forum_id}/attendance", data={"csrf_token": csrf, "registrations": "1"})
    assert early.status_code == 409 and "ยังไม่เริ่ม" in early.text
    harness.clock.advance(days=3)
    client = sign_in(harness, "somsri")  # the idle session ended meanwhile
    csrf = page_csrf(client, f"/console/forums/{forum_id}")
    ticked = client.post(f"/console/forums/{forum_id}/attendance", data={"csrf_token": csrf, "registrations": "1, 2"})
    assert ticked.status_code == 200 and "บันทึกผู้เข้าร่วมแล้ว" in ticked.text
    wrong = client.post(f"/console/forums/{forum_id}/attendance", data={"csrf_token": csrf, "registrations": "77"})
    assert wrong.status_code == 422 and "77" in wrong.text
    paper = client.post(
        f"/console/forums/{forum_id}/paper", data={"csrf_token": csrf, "paper_1": "25", "paper_2": "9", "paper_3": ""}
    )
    assert paper.status_code == 200 and "บันทึกจำนวนผู้ลงชื่อในกระดาษแล้ว" in paper.text
    assert re.search(r'data-testid="total">36<', paper.text)  # 2 ticked + 25 + 9
    with Session(harness.engine) as session:
        assert len(session.exec(select(ForumAttendance)).all()) == 2

    empty = client.post(f"/console/forums/{forum_id}/outcome", data={"csrf_token": csrf, "minutes": "x"})
    assert empty.status_code == 422 and "ข้อสรุป" in empty.text
    outcome = {
        "csrf_token": csrf,
        "minutes": "มีผู้เข้าร่วม 36 คน",
        "decisions": "ขยายเขตประปาหมู่ 1",
        "opinions_used": "บรรจุเป็นโครงการลำดับที่ 1",
        "link_title": ["แผนพัฒนาท้องถิ่น 2571", ""],
        "link_url": ["https://phana.example.go.th/plan", ""],
    }
    bad_link = client.post(f"/console/forums/{forum_id}/outcome", data={**outcome, "link_url": ["javascript:x", ""]})
    assert bad_link.status_code == 422 and "javascript" in bad_link.text
    published = client.post(f"/console/forums/{forum_id}/outcome", data=outcome)
    assert published.status_code == 200 and "เผยแพร่ผลเวทีแล้ว" in published.text
    assert 'data-testid="outcome"' in published.text and "ขยายเขตประปาหมู่ 1" in published.text
    assert 'href="https://phana.example.go.th/plan"' in published.text
    twice = client.post(f"/console/forums/{forum_id}/outcome", data=outcome)
    assert twice.status_code == 409 and "เผยแพร่ผลเวทีนี้ไปแล้ว" in twice.text
    assert client.get("/console/forums/999").status_code == 404
    assert client.post("/console/forums/999/paper", data={"csrf_token": csrf, "paper_1": "3"}).status_code == 404
    assert client.post(f"/console/forums/{forum_id}/delete", data={"csrf_token": csrf}).status_code == 404


def test_cancel_before_the_start_and_coverage_for_managers(harness: Harness) -> None:
    add_member(harness, Role.MANAGER, "boss")
    client = sign_in(harness, "boss")
    csrf = page_csrf(client, "/console/forums")
    created = client.post(
        "/console/forums",
        follow_redirects=False,
        data={
            "csrf_token": csrf,
            "topic": "งบประมาณปี 2571",
            "agenda": "งบประมาณ",
            "starts_at": _local(harness, days=2),
            "place": "ที่ทำการ",
            "villages": ["2"],
            "reminder_hours_before": "24",
        },
    )
    forum_url = created.headers["location"].split("?")[0]
    no_reason = client.post(f"{forum_url}/cancel", data={"csrf_token": csrf, "reason": ""})
    assert no_reason.status_code == 422 and "เหตุผล" in no_reason.text
    cancelled = client.post(f"{forum_url}/cancel", data={"csrf_token": csrf, "reason": "น้ำท่วมทางเข้า"})
    assert (
        cancelled.status_code == 200
        and "ยกเลิกเวทีแล้ว" in cancelled.text
        and 'data-testid="announce"' not in cancelled.text
    )
    listing = client.get("/console/forums")
    assert 'data-testid="coverage"' in listing.text and "ยกเลิก 1" in listing.text and "ยังไม่ครอบคลุม" in listing.text
    assert "ยกเลิกแล้ว" in listing.text


def test_forums_are_for_office_staff(harness: Harness) -> None:
    add_member(harness, Role.INTEGRITY_OFFICER, "integrity")
    client = sign_in(harness, "integrity")
    assert client.get("/console/forums").status_code == 404
    assert 'href="/console/forums"' not in client.get("/console").text
    assert TestClient(harness.app).get("/console/forums", follow_redirects=False).status_code == 303
