"""Notices through the admin API and the fake LINE: preview, send once, broadcast or multicast, bad input."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, func, select

from bot.notices.models import Notice, NoticeDelivery
from bot.outbox.models import OutboxKind
from bot.staff.models import AuditEntry, Role
from tests.harness import Harness
from tests.notices.helpers import add_residents, auth, deliver, notice_body, outbox_rows


def test_preview_shows_the_exact_messages_recipients_quota_and_cost(harness: Harness) -> None:
    one, two, other = harness.new_user(), harness.new_user(), harness.new_user()
    harness.onboard(one, village=1)
    harness.onboard(two, village=1)
    harness.onboard(other, village=2)
    headers = auth(harness)
    body = notice_body(image_url="https://phana.example.go.th/poster.jpg", link="https://phana.example.go.th/kids")
    created = harness.client.post("/api/v1/notices", json=body, headers=headers)
    assert created.status_code == 201, created.text
    notice = created.json()
    assert notice["status"] == "draft" and notice["recipient_count"] == 2 and notice["method"] == "multicast"
    text, image = notice["messages"]
    assert text["type"] == "text" and text["text"].startswith("📢 ประชาสัมพันธ์")
    assert "🔗 อ่านเพิ่มเติม: https://phana.example.go.th/kids" in text["text"]
    assert image == {
        "type": "image",
        "originalContentUrl": "https://phana.example.go.th/poster.jpg",
        "previewImageUrl": "https://phana.example.go.th/poster.jpg",
    }
    preview = harness.client.get(f"/api/v1/notices/{notice['id']}", headers=headers).json()
    assert preview["quota"] == {"limited": True, "limit": 500, "used": 0, "remaining": 500}
    assert "ไม่เสียโควตา" in preview["cost_note"] and "2 ข้อความ" in preview["cost_note"]
    assert preview["warnings"] == [] and preview["delivery"] is None


def test_a_village_notice_reaches_that_village_once_and_a_second_send_is_refused(harness: Harness) -> None:
    one, two, other = harness.new_user(), harness.new_user(), harness.new_user()
    for user, village in ((one, 1), (two, 1), (other, 2)):
        harness.onboard(user, village=village)
    headers = auth(harness)
    notice_id = harness.client.post("/api/v1/notices", json=notice_body(), headers=headers).json()["id"]
    sent = harness.client.post(f"/api/v1/notices/{notice_id}/send", headers=headers)
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "sent" and sent.json()["recipient_count"] == 2
    again = harness.client.post(f"/api/v1/notices/{notice_id}/send", headers=headers)
    assert again.status_code == 409 and "ส่งไปแล้ว" in again.json()["detail"]
    deliver(harness)
    for user in (one, two):
        assert sum("ขอเชิญชวนร่วมกิจกรรมวันเด็ก" in t for t in harness.line.state.texts_to(user)) == 1
    assert not any("วันเด็ก" in t for t in harness.line.state.texts_to(other))
    assert len(harness.line.calls("multicast")) == 1
    figures = harness.client.get(f"/api/v1/notices/{notice_id}", headers=headers).json()["delivery"]
    assert figures == {
        "method": "multicast",
        "calls": 1,
        "recipients": 2,
        "calls_sent": 1,
        "calls_pending": 0,
        "calls_failed": 0,
        "recipients_delivered": 2,
    }
    with Session(harness.engine) as session:
        actions = [a.action for a in session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]
    assert actions == ["notice.create", "notice.send"]


def test_everyone_is_one_broadcast_unless_someone_opted_out(harness: Harness) -> None:
    users = [harness.new_user() for _ in range(3)]
    for index, user in enumerate(users):
        harness.onboard(user, village=index + 1)
    headers = auth(harness)
    everyone = notice_body(audience={"kind": "all"}, title="ปิดสำนักงาน")
    first = harness.client.post("/api/v1/notices", json=everyone, headers=headers).json()
    assert first["method"] == "broadcast" and "ประมาณ" in first["cost_note"]
    harness.client.post(f"/api/v1/notices/{first['id']}/send", headers=headers)
    deliver(harness)
    assert len(harness.line.calls("broadcast")) == 1 and harness.line.calls("multicast") == []
    assert all(any("ปิดสำนักงาน" in t for t in harness.line.state.texts_to(u)) for u in users)

    assert "จะไม่ส่งข่าวสารทั่วไป" in harness.say(users[0], "ไม่รับข่าวสาร")[0]
    second = harness.client.post(
        "/api/v1/notices", json=notice_body(audience={"kind": "all"}, title="ตลาดนัด"), headers=headers
    ).json()
    assert second["method"] == "multicast" and second["recipient_count"] == 2
    harness.client.post(f"/api/v1/notices/{second['id']}/send", headers=headers)
    essential = harness.client.post(
        "/api/v1/notices",
        headers=headers,
        json=notice_body(audience={"kind": "all"}, title="งดจ่ายน้ำประปา", essential=True),
    ).json()
    assert essential["method"] == "broadcast"
    harness.client.post(f"/api/v1/notices/{essential['id']}/send", headers=headers)
    deliver(harness)
    assert not any("ตลาดนัด" in t for t in harness.line.state.texts_to(users[0]))
    assert all(any("ตลาดนัด" in t for t in harness.line.state.texts_to(u)) for u in users[1:])
    assert any("งดจ่ายน้ำประปา" in t for t in harness.line.state.texts_to(users[0]))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"text": "ก" * 5000}, "เกินที่ LINE รับได้ 5,000"),
        (
            {"image_url": "https://x.example/1.jpg", "images": [f"https://x.example/{i}.jpg" for i in range(2, 7)]},
            "ไม่เกิน 5 ข้อความ",
        ),
        ({"link": "javascript:alert(1)"}, "javascript:"),
        ({"link": "https://phana.example.go.th/a b"}, "ลิงก์"),
        ({"image_url": "http://x.example/plain.jpg"}, "https://"),
        ({"audience": {"kind": "villages", "villages": [9]}}, "ไม่พบหมู่ที่ 9"),
        ({"audience": {"kind": "villages", "villages": []}}, "อย่างน้อยหนึ่งหมู่"),
        ({"audience": {"kind": "villages", "villages": [7]}}, "ยังไม่มีผู้รับ"),
        ({"audience": {"kind": "forum", "forum_id": 999}}, "ไม่พบเวทีประชาคม"),
        ({"audience": {"kind": "all", "villages": [1]}}, "เฉพาะเมื่อกลุ่มผู้รับเป็น villages"),
        ({"audience": {"kind": "staff"}}, "ยังไม่มีผู้รับ"),
    ],
)
def test_bad_notices_are_refused_in_thai_and_nothing_is_written(
    harness: Harness, change: dict[str, object], expected: str
) -> None:
    harness.onboard(harness.new_user(), village=1)
    response = harness.client.post("/api/v1/notices", json=notice_body(**change), headers=auth(harness))
    assert response.status_code == 422, response.text
    assert expected in response.json()["detail"]
    with Session(harness.engine) as session:
        assert session.exec(select(func.count()).select_from(Notice)).one() == 0


def test_roles(harness: Harness) -> None:
    harness.onboard(harness.new_user(), village=1)
    assert harness.client.post("/api/v1/notices", json=notice_body()).status_code == 401
    refused = harness.client.post("/api/v1/notices", json=notice_body(), headers=auth(harness, Role.INTEGRITY_OFFICER))
    assert refused.status_code == 403
    for role in (Role.OFFICER, Role.MANAGER, Role.ADMIN):
        response = harness.client.post("/api/v1/notices", json=notice_body(), headers=auth(harness, role))
        assert response.status_code == 201


def test_a_notice_over_the_monthly_quota_is_refused_and_nothing_is_sent(harness: Harness) -> None:
    add_residents(harness, 501, village=3)  # the fake LINE's quota is 500 a month
    headers = auth(harness)
    notice = harness.client.post(
        "/api/v1/notices", headers=headers, json=notice_body(audience={"kind": "villages", "villages": [3]})
    ).json()
    preview = harness.client.get(f"/api/v1/notices/{notice['id']}", headers=headers).json()
    assert any("โควตา" in w and "501" in w for w in preview["warnings"])
    refused = harness.client.post(f"/api/v1/notices/{notice['id']}/send", headers=headers)
    assert refused.status_code == 409 and "เหลือ 500 ข้อความ" in refused.json()["detail"]
    assert harness.client.get(f"/api/v1/notices/{notice['id']}", headers=headers).json()["status"] == "draft"
    assert outbox_rows(harness) == []


def test_a_send_that_would_leave_little_quota_warns(harness: Harness) -> None:
    add_residents(harness, 460, village=3)
    headers = auth(harness)
    notice = harness.client.post(
        "/api/v1/notices", headers=headers, json=notice_body(audience={"kind": "villages", "villages": [3]})
    ).json()
    sent = harness.client.post(f"/api/v1/notices/{notice['id']}/send", headers=headers).json()
    assert sent["status"] == "sent" and sent["warnings"] == ["หลังส่งประกาศนี้ โควตาข้อความเดือนนี้จะเหลือ 40 จาก 500 ข้อความ"]


def test_when_line_cannot_tell_the_quota_nothing_is_sent(harness: Harness) -> None:
    harness.onboard(harness.new_user(), village=1)
    headers = auth(harness)
    notice_id = harness.client.post("/api/v1/notices", json=notice_body(), headers=headers).json()["id"]
    harness.line.state.fail_next("getMessageQuota", 500)
    response = harness.client.post(f"/api/v1/notices/{notice_id}/send", headers=headers)
    assert response.status_code == 503 and "โควตา" in response.json()["detail"]
    assert outbox_rows(harness) == []
    assert harness.client.post(f"/api/v1/notices/{notice_id}/send", headers=headers).status_code == 200


def test_cancel_before_sending_only(harness: Harness) -> None:
    harness.onboard(harness.new_user(), village=1)
    headers = auth(harness)
    first = harness.client.post("/api/v1/notices", json=notice_body(), headers=headers).json()["id"]
    assert harness.client.post(f"/api/v1/notices/{first}/cancel", headers=headers).json()["status"] == "cancelled"
    assert harness.client.post(f"/api/v1/notices/{first}/cancel", headers=headers).status_code == 409
    refused = harness.client.post(f"/api/v1/notices/{first}/send", headers=headers)
    assert refused.status_code == 409 and "ยกเลิก" in refused.json()["detail"]
    second = harness.client.post("/api/v1/notices", json=notice_body(), headers=headers).json()["id"]
    harness.client.post(f"/api/v1/notices/{second}/send", headers=headers)
    assert harness.client.post(f"/api/v1/notices/{second}/cancel", headers=headers).status_code == 409
    assert harness.client.post("/api/v1/notices/999/cancel", headers=headers).status_code == 404
    assert harness.client.get("/api/v1/notices/999", headers=headers).status_code == 404


def test_two_sends_at_the_same_moment_send_once(harness: Harness) -> None:
    add_residents(harness, 120, village=2)
    headers = auth(harness)
    notice_id = harness.client.post(
        "/api/v1/notices", headers=headers, json=notice_body(audience={"kind": "villages", "villages": [2]})
    ).json()["id"]
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        barrier.wait()
        statuses.append(harness.client.post(f"/api/v1/notices/{notice_id}/send", headers=headers).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409, 409, 409]
    with Session(harness.engine) as session:
        assert session.exec(select(func.count()).select_from(NoticeDelivery)).one() == 1
    assert [row.kind for row in outbox_rows(harness)] == [OutboxKind.MULTICAST]


def test_staff_notices_reach_staff_who_linked_their_line(harness: Harness) -> None:
    resident, officer_line = harness.new_user(), harness.new_user("เจ้าหน้าที่")
    harness.onboard(resident, village=1)
    headers = auth(harness, Role.OFFICER, "สมชาย")
    link = harness.client.post("/api/v1/notices/staff-link", headers=headers).json()
    assert "ผูกบัญชีเจ้าหน้าที่" in link["how"]
    assert (
        "รหัสไม่ถูกต้อง"
        in harness.say(officer_line, "ผูกบัญชีเจ้าหน้าที่ 000000" if link["code"] != "000000" else "ผูกบัญชีเจ้าหน้าที่ 111111")[0]
    )
    assert "สมชาย" in harness.say(officer_line, f"ผูกบัญชีเจ้าหน้าที่ {link['code']}")[0]
    assert "รหัสไม่ถูกต้อง" in harness.say(resident, f"ผูกบัญชีเจ้าหน้าที่ {link['code']}")[0]  # used once
    notice = harness.client.post(
        "/api/v1/notices", headers=headers, json=notice_body(title="ประชุมพนักงาน", audience={"kind": "staff"})
    ).json()
    assert notice["recipient_count"] == 1
    harness.client.post(f"/api/v1/notices/{notice['id']}/send", headers=headers)
    deliver(harness)
    assert any("ประชุมพนักงาน" in t for t in harness.line.state.texts_to(officer_line))
    assert not any("ประชุมพนักงาน" in t for t in harness.line.state.texts_to(resident))
