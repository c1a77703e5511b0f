"""Opinions before the forum, check-in at the venue, staff lists and paper counts, the outcome pushed
to those who took part, the public page and the managers' coverage report."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, func, select

from bot import thai
from bot.forums.models import ForumOpinion
from bot.staff.models import Role
from tests.forums.helpers import create_forum, starts_at
from tests.harness import Harness
from tests.notices.helpers import auth, deliver

OUTCOME = {
    "minutes": "ที่ประชุมมีผู้เข้าร่วม 40 คน หารือเรื่องน้ำประปาและถนน",
    "decisions": "1. ขยายเขตประปาหมู่ 1\n2. ซ่อมถนนหมู่ 2 ก่อนฤดูฝน",
    "opinions_used": "ความเห็นเรื่องน้ำไม่ไหลถูกบรรจุเป็นโครงการลำดับที่ 1",
    "plan_links": [{"title": "แผนพัฒนาท้องถิ่น 2571", "url": "https://phana.example.go.th/plan"}],
}


def resident(harness: Harness, village: int) -> str:
    user = harness.new_user()
    harness.onboard(user, village=village)
    return user


def opinions(harness: Harness) -> list[ForumOpinion]:
    with Session(harness.engine) as session:
        return list(session.exec(select(ForumOpinion)).all())


def test_an_opinion_with_a_photo_before_the_forum(harness: Harness) -> None:
    user = resident(harness, 1)
    forum = create_forum(harness, auth(harness))
    asked = harness.tap(user, f"opine:{forum['id']}")[0]
    assert "พิมพ์ความคิดเห็น" in asked and "2,000" in asked
    harness.post_events(harness.event("image", user, message_id="photo-1"))
    harness.run()
    assert "พิมพ์ความคิดเห็นเป็นข้อความก่อน" in harness.line.state.texts_to(user)[-1]
    saved = harness.say(user, "น้ำประปาไม่ไหลมา 3 วันแล้ว")[0]
    assert "ได้รับความคิดเห็นของท่านแล้ว" in saved
    assert [a["type"] for a in harness.quick_replies(user)] == ["camera", "cameraRoll", "message"]
    harness.post_events(harness.event("image", user, message_id="photo-2"))
    harness.run()
    assert "แนบรูปเรียบร้อยแล้ว" in harness.line.state.texts_to(user)[-1]
    [opinion] = opinions(harness)
    assert (opinion.text, opinion.photo_message_id, opinion.village_no) == ("น้ำประปาไม่ไหลมา 3 วันแล้ว", "photo-2", 1)
    assert "ไม่เข้าใจ" in harness.say(user, "อีกเรื่อง")[0]  # the dialog is over


def test_an_opinion_too_long_is_refused_politely_and_nothing_is_kept(harness: Harness) -> None:
    user = resident(harness, 2)
    forum = create_forum(harness, auth(harness))
    harness.tap(user, f"opine:{forum['id']}")
    reply = harness.say(user, "ก" * 10_000)[0]
    assert "10,000 ตัวอักษร" in reply and "2,000" in reply and "สรุปให้สั้นลง" in reply
    assert opinions(harness) == []
    assert "ได้รับความคิดเห็น" in harness.say(user, "ขอไฟส่องสว่างหน้าวัด")[0]  # still listening
    assert "เรียบร้อย" in harness.say(user, "ไม่แนบรูป")[0]
    assert len(opinions(harness)) == 1


def test_opinions_close_at_the_start_or_when_not_collected(harness: Harness) -> None:
    user = resident(harness, 1)
    headers = auth(harness)
    closed = create_forum(harness, headers, collect_opinions=False)
    assert "ไม่ได้เปิดรับความคิดเห็น" in harness.tap(user, f"opine:{closed['id']}")[0]
    soon = create_forum(harness, headers, starts_at=(harness.clock() + timedelta(minutes=20)).isoformat())
    harness.tap(user, f"opine:{soon['id']}")
    harness.clock.advance(minutes=25)  # the forum begins while they type
    assert "เริ่มไปแล้ว" in harness.say(user, "ความเห็นที่ส่งช้า")[0]
    assert opinions(harness) == []


def test_check_in_with_the_venue_code(harness: Harness) -> None:
    user, other = resident(harness, 1), resident(harness, 2)
    headers = auth(harness)
    forum = create_forum(harness, headers)
    code = forum["check_in_code"]
    wrong = "0000" if code != "0000" else "1111"
    assert "ไม่ตรงกับเวทีที่กำลังจัด" in harness.say(user, f"ลงชื่อ {code}")[0]  # too early: not open yet
    harness.clock.now = starts_at(forum) - timedelta(minutes=30)
    assert "ไม่ตรงกับเวที" in harness.say(user, f"ลงชื่อ {wrong}")[0]
    early = harness.say(user, code)[0]  # typed again while asked for the code, but the forum has not begun
    assert "ยังไม่เริ่ม" in early and "ลงชื่อเข้าร่วมได้ตั้งแต่เวลาเริ่มเวที" in early
    assert harness.client.get(f"/api/v1/forums/{forum['id']}", headers=headers).json()["attendance"]["total"] == 0
    harness.clock.now = starts_at(forum) + timedelta(minutes=5)
    assert "เรียบร้อยแล้ว" in harness.say(user, f"ลงชื่อ {code}")[0]
    assert "ลงชื่อเข้าร่วมเวที" in (again := harness.say(user, f"ลงชื่อ {code}")[0]) and "ไว้แล้ว" in again
    assert "รหัสลงชื่อ 4 หลัก" in harness.say(other, "ลงชื่อ")[0]
    thai_digits = code.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert "เรียบร้อยแล้ว" in harness.say(other, thai_digits)[0]
    attendance = harness.client.get(f"/api/v1/forums/{forum['id']}", headers=headers).json()["attendance"]
    assert attendance == {"line_check_ins": 2, "staff_ticked": 0, "paper": {}, "total": 2}


def test_staff_tick_the_list_and_record_paper_counts(harness: Harness) -> None:
    first, second = resident(harness, 1), resident(harness, 2)
    headers = auth(harness)
    forum = create_forum(harness, headers)
    harness.tap(first, f"rsvp:{forum['id']}:going")
    harness.tap(second, f"rsvp:{forum['id']}:maybe")
    listed = harness.client.get(f"/api/v1/forums/{forum['id']}/registrations", headers=headers).json()
    assert [(r["registration"], r["village_no"], r["answer"], r["checked_in"]) for r in listed] == [
        (1, 1, "going", False),
        (2, 2, "maybe", False),
    ]
    for early in (
        harness.client.post(f"/api/v1/forums/{forum['id']}/attendance", json={"registrations": [1]}, headers=headers),
        harness.client.post(
            f"/api/v1/forums/{forum['id']}/paper",
            headers=headers,
            json={"villages": [{"village": 1, "participants": 3}]},
        ),
    ):
        assert early.status_code == 409 and "ยังไม่เริ่ม" in early.json()["detail"]  # a forum not held has nobody
    assert harness.client.get(f"/api/v1/forums/{forum['id']}", headers=headers).json()["attendance"]["total"] == 0
    harness.clock.now = starts_at(forum) + timedelta(minutes=10)
    ticked = harness.client.post(
        f"/api/v1/forums/{forum['id']}/attendance", json={"registrations": [1]}, headers=headers
    )
    assert ticked.json()["staff_ticked"] == 1
    again = harness.client.post(
        f"/api/v1/forums/{forum['id']}/attendance", json={"registrations": [1]}, headers=headers
    )
    assert again.json()["staff_ticked"] == 1  # ticking twice counts once
    unknown = harness.client.post(
        f"/api/v1/forums/{forum['id']}/attendance", json={"registrations": [2, 77]}, headers=headers
    )
    assert unknown.status_code == 422 and "77" in unknown.json()["detail"]
    assert harness.client.get(f"/api/v1/forums/{forum['id']}", headers=headers).json()["attendance"]["total"] == 1
    counts = {"villages": [{"village": 1, "participants": 25}, {"village": 2, "participants": 9}]}
    paper = harness.client.post(f"/api/v1/forums/{forum['id']}/paper", headers=headers, json=counts)
    assert paper.json() == {"line_check_ins": 0, "staff_ticked": 1, "paper": {"1": 25, "2": 9}, "total": 35}
    fixed = harness.client.post(
        f"/api/v1/forums/{forum['id']}/paper", headers=headers, json={"villages": [{"village": 2, "participants": 12}]}
    )
    assert fixed.json()["total"] == 38
    bad = harness.client.post(
        f"/api/v1/forums/{forum['id']}/paper", headers=headers, json={"villages": [{"village": 9, "participants": 3}]}
    )
    assert bad.status_code == 422 and "ไม่พบหมู่ที่ 9" in bad.json()["detail"]


def test_outcome_goes_to_attendees_and_opinion_senders_and_to_the_public_page(harness: Harness) -> None:
    attendee, opiner, bystander = resident(harness, 1), resident(harness, 2), resident(harness, 1)
    headers = auth(harness)
    forum = create_forum(harness, headers)
    harness.tap(opiner, f"opine:{forum['id']}")
    harness.say(opiner, "ขอซ่อมถนนหน้าโรงเรียน")
    harness.tap(bystander, f"rsvp:{forum['id']}:going")
    early = harness.client.post(f"/api/v1/forums/{forum['id']}/outcome", json=OUTCOME, headers=headers)
    assert early.status_code == 409 and "หลังวันงาน" in early.json()["detail"]
    harness.clock.now = starts_at(forum) + timedelta(minutes=10)
    harness.say(attendee, f"ลงชื่อ {forum['check_in_code']}")
    harness.clock.now = starts_at(forum) + timedelta(hours=3)  # the forum has been held
    published = harness.client.post(f"/api/v1/forums/{forum['id']}/outcome", json=OUTCOME, headers=headers)
    assert published.status_code == 200, published.text
    assert published.json()["outcome"]["plan_links"][0]["url"] == "https://phana.example.go.th/plan"
    deliver(harness)
    for user in (attendee, opiner):
        pushed = [t for t in harness.line.state.texts_to(user) if t.startswith("📝 สรุปผลเวทีประชาคม")]
        assert len(pushed) == 1 and "ขยายเขตประปาหมู่ 1" in pushed[0] and "phana.example.go.th/plan" in pushed[0]
    assert not any("สรุปผล" in t for t in harness.line.state.texts_to(bystander))
    again = harness.client.post(f"/api/v1/forums/{forum['id']}/outcome", json=OUTCOME, headers=headers)
    assert again.status_code == 409

    page = harness.client.get(f"/api/v1/public/forums/{forum['id']}").json()  # no login
    assert page["topic"]["topic"] == "จัดทำแผนพัฒนาท้องถิ่น ปี 2571"
    assert page["participants"]["total"] == 1 and page["participants"]["opinions"] == 1
    assert page["outcome"]["decisions"].startswith("1. ขยายเขตประปา")
    assert page["use"]["opinions_used"].startswith("ความเห็นเรื่องน้ำ")
    assert "ขอซ่อมถนน" not in str(page)  # counts only: no one's words or identity
    html = harness.client.get(f"/public/forums/{forum['id']}")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    for part in ("1. เรื่องและวาระ", "2. ผู้เข้าร่วม", "3. ผลการประชุม", "4. การนำผลไปใช้"):
        assert part in html.text
    assert harness.client.get("/public/forums/999").status_code == 404
    listed = harness.client.get("/api/v1/public/forums").json()
    assert [f["id"] for f in listed] == [forum["id"]]


def test_public_page_escapes_what_staff_typed(harness: Harness) -> None:
    forum = create_forum(harness, auth(harness), topic="<script>alert(1)</script>")
    html = harness.client.get(f"/public/forums/{forum['id']}").text
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_coverage_report_per_fiscal_year_for_managers(harness: Harness) -> None:
    one, two = resident(harness, 1), resident(harness, 2)
    officer, manager = auth(harness), auth(harness, Role.MANAGER, "ปลัด")
    held = create_forum(harness, officer, villages=[1, 2])
    harness.tap(one, f"rsvp:{held['id']}:going")
    harness.tap(two, f"rsvp:{held['id']}:maybe")
    harness.tap(two, f"opine:{held['id']}")
    harness.say(two, "อยากได้ลานกีฬา")
    harness.clock.now = starts_at(held) + timedelta(minutes=5)
    harness.say(one, f"ลงชื่อ {held['check_in_code']}")
    harness.client.post(
        f"/api/v1/forums/{held['id']}/paper",
        headers=officer,
        json={"villages": [{"village": 1, "participants": 61}, {"village": 2, "participants": 0}]},
    )
    create_forum(harness, officer, villages=[3], starts_at=(starts_at(held) + timedelta(days=3)).isoformat())
    harness.clock.now = starts_at(held) + timedelta(hours=2)  # the first has been held, the other not yet
    fiscal_year = thai.fiscal_year(harness.clock())
    assert harness.client.get("/api/v1/forums/report", headers=officer).status_code == 403
    report = harness.client.get(f"/api/v1/forums/report?fiscal_year={fiscal_year}", headers=manager).json()
    assert report["fiscal_year"] == fiscal_year and report["forums_held"] == 1 and report["forums_planned"] == 1
    village = {v["village"]: v for v in report["villages"]}
    assert village[1]["participants"] == 62 and village[1]["going"] == 1 and village[1]["covered"]
    assert village[1]["coverage_ratio"] == round(62 / 1240, 4)
    assert village[2]["maybe"] == 1 and village[2]["opinions"] == 1 and village[2]["forums_held"] == 1
    assert not village[2]["covered"]  # held, but nobody recorded as taking part
    assert village[3]["forums_planned"] == 1 and village[3]["forums_held"] == 0
    assert report["not_covered"] == [2, 3, 4, 5, 6, 7, 8]
    assert abs(sum(v["population_share"] for v in report["villages"]) - 1) < 0.001
    other_year = harness.client.get(f"/api/v1/forums/report?fiscal_year={fiscal_year - 1}", headers=manager).json()
    assert other_year["forums_held"] == 0 and len(other_year["not_covered"]) == 8
    assert harness.client.get("/api/v1/forums/report", headers=manager).json()["fiscal_year"] == fiscal_year


def test_nothing_half_written_when_an_outcome_is_refused(harness: Harness) -> None:
    headers = auth(harness)
    forum = create_forum(harness, headers)
    harness.clock.now = starts_at(forum) + timedelta(hours=1)
    bad = {**OUTCOME, "plan_links": [{"title": "แผน", "url": "javascript:alert(1)"}]}
    response = harness.client.post(f"/api/v1/forums/{forum['id']}/outcome", json=bad, headers=headers)
    assert response.status_code == 422
    assert harness.client.get(f"/api/v1/forums/{forum['id']}", headers=headers).json()["outcome"] is None
    with Session(harness.engine) as session:
        assert session.exec(select(func.count()).select_from(ForumOpinion)).one() == 0
    ok = harness.client.post(f"/api/v1/forums/{forum['id']}/outcome", json=OUTCOME, headers=headers)
    assert ok.status_code == 200 and ok.json()["notices"].get("outcome") is not None


def test_erasing_ones_data_removes_opinion_words_and_notice_preference(harness: Harness) -> None:
    user = resident(harness, 1)
    forum = create_forum(harness, auth(harness))
    harness.tap(user, f"opine:{forum['id']}")
    harness.say(user, "ขอไฟส่องสว่างซอย 4 หน้าบ้านนายสมชาย")
    harness.say(user, "เมนู")  # leaves the optional photo step
    harness.say(user, "ลบข้อมูลของฉัน")
    harness.say(user, "ลบข้อมูล")
    [opinion] = opinions(harness)
    assert "สมชาย" not in opinion.text and opinion.photo_message_id is None
    assert opinion.forum_id == forum["id"]  # still counted for the village's participation
