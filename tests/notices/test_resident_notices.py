"""Residents and notices in LINE (signed webhooks in, fake LINE out): ข่าวสาร, opting out and back in."""

from __future__ import annotations

from tests.harness import Harness
from tests.notices.helpers import auth, deliver, notice_body


def send(harness: Harness, headers: dict[str, str], **body: object) -> None:
    notice_id = harness.client.post("/api/v1/notices", json=notice_body(**body), headers=headers).json()["id"]
    assert harness.client.post(f"/api/v1/notices/{notice_id}/send", headers=headers).status_code == 200


def test_news_shows_recent_notices_for_the_residents_village(harness: Harness) -> None:
    mine, theirs = harness.new_user(), harness.new_user()
    harness.onboard(mine, village=1)
    harness.onboard(theirs, village=2)
    headers = auth(harness)
    send(harness, headers, title="ถนนหมู่ 1", text="ซ่อมถนนสายหลัก", audience={"kind": "villages", "villages": [1]})
    send(harness, headers, title="ถนนหมู่ 2", text="ซ่อมท่อระบายน้ำ", audience={"kind": "villages", "villages": [2]})
    send(
        harness,
        headers,
        title="วันหยุด",
        text="ปิดสำนักงานวันจันทร์",
        audience={"kind": "all"},
        link="https://phana.example.go.th/news/1",
    )
    deliver(harness)
    news = harness.say(mine, "ข่าวสาร")[0]
    assert news.startswith("ข่าวสารล่าสุดของ อบต.พนาค่ะ")
    assert "ถนนหมู่ 1" in news and "วันหยุด" in news and "ถนนหมู่ 2" not in news
    assert news.index("วันหยุด") < news.index("ถนนหมู่ 1")  # newest first
    assert "https://phana.example.go.th/news/1" in news
    labels = [a["label"] for a in harness.quick_replies(mine)]
    assert labels == ["ประชาคม", "ไม่รับข่าวสาร", "เมนู"]


def test_news_when_there_is_none(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user, village=3)
    assert "ยังไม่มีข่าวสารใหม่สำหรับหมู่ 3 บ้านหนองผือค่ะ" in harness.say(user, "ข่าวสาร")[0]
    stranger = harness.new_user()  # not set up yet: still answered, without asking for consent
    assert "ยังไม่มีข่าวสารใหม่ค่ะ" in harness.say(stranger, "ข่าว")[0]


def test_opting_out_and_back_in(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user, village=1)
    headers = auth(harness)
    reply = harness.say(user, "ไม่รับข่าวสาร")[0]
    assert "จะไม่ส่งข่าวสารทั่วไป" in reply and "รับข่าวสาร" in reply
    other = harness.new_user()
    harness.onboard(other, village=1)
    send(harness, headers, title="ตลาดนัดชุมชน")
    deliver(harness)
    assert not any("ตลาดนัดชุมชน" in t for t in harness.line.state.texts_to(user))
    assert "ปิดรับข่าวสารอยู่" in harness.say(user, "ข่าวสาร")[0]
    assert "ท่านจะได้รับข่าวสาร" in harness.say(user, "รับข่าวสาร")[0]
    send(harness, headers, title="แข่งกีฬาตำบล")
    deliver(harness)
    assert any("แข่งกีฬาตำบล" in t for t in harness.line.state.texts_to(user))
