"""The chat engine through real webhooks: global commands, fallback, stale buttons, expiry, gating."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.chat import texts
from bot.chat.commands import ChatStep
from bot.chat.state import Conversation
from bot.chat.texts import MENU_ITEMS
from bot.complaints.dialogs import ComplaintStep
from bot.forums.dialogs import ForumStep
from bot.inquiries.dialogs import InquiryStep
from bot.line.models import InboxEvent, InboxStatus
from bot.residents.dialogs import ResidentStep
from bot.residents.models import Resident
from bot.surveys.dialogs import SurveyStep
from bot.surveys.staff_dialogs import StaffTestStep
from bot.tips.dialogs import TipStep
from tests.harness import Harness


def state_of(harness: Harness, resident_id: int = 1) -> str | None:
    with Session(harness.engine) as session:
        conversation = session.get(Conversation, resident_id)
        return conversation.state if conversation else None


def test_dialog_states_keep_the_names_conversations_are_stored_under() -> None:
    """A renamed state would strand every resident part-way through that dialog."""
    steps = (ChatStep, ResidentStep, ComplaintStep, TipStep, InquiryStep, SurveyStep, StaffTestStep, ForumStep)
    assert sorted(state.value for step in steps for state in step) == sorted(
        [
            "chat.offered",
            "residents.village",
            "residents.erase",
            "complaints.category",
            "complaints.describe",
            "complaints.attach",
            "complaints.phone",
            "complaints.confirm",
            "complaints.still_wrong",
            "tips.identity",
            "tips.name",
            "tips.phone",
            "tips.what",
            "tips.kind",
            "tips.who",
            "tips.when",
            "tips.where",
            "tips.evidence",
            "tips.confirm",
            "inquiries.kind",
            "inquiries.write",
            "inquiries.confirm",
            "surveys.answer",
            "surveys.list",
            "stafftests.list",
            "stafftests.answer",
            "forums.opinion",
            "forums.opinion_photo",
            "forums.check_in",
        ]
    )


def test_menu_and_cancel_work_in_the_middle_of_a_dialog(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "เปลี่ยนหมู่บ้าน")
    assert state_of(harness) == "residents.village"
    assert harness.say(user, "  เมนู ")[0].startswith("เลือกบริการ")
    assert state_of(harness) is None
    harness.say(user, "เปลี่ยนหมู่บ้าน")
    assert harness.say(user, "ยกเลิก")[0].startswith("ยกเลิกแล้ว")
    assert state_of(harness) is None
    assert "ไม่มีรายการที่ต้องยกเลิก" in harness.say(user, "ยกเลิก")[0]


def test_help_lists_every_keyword_and_the_office_phone(harness: Harness) -> None:
    user = harness.new_user()
    text = harness.say(user, "ช่วยเหลือ")[0]
    for keyword in ("ร้องเรียน", "แจ้งทุจริต", "ติดตาม", "แบบสอบถาม", "ประชาคม", "ยกเลิก", "ลบข้อมูลของฉัน"):
        assert keyword in text
    assert harness.org.contact.phone in text
    labels = [a["label"] for a in harness.quick_replies(user)]
    assert "ร้องเรียน" in labels and len(labels) <= 13


def test_unknown_text_and_stickers_get_a_polite_fallback_with_the_menu(harness: Harness) -> None:
    user = harness.new_user()
    assert "ไม่เข้าใจข้อความนี้" in harness.say(user, "asdfgh")[0]
    assert harness.quick_replies(user)
    before = len(harness.line.state.messages_to(user))
    harness.post_events(harness.event("sticker", user))
    harness.run()
    assert len(harness.line.state.messages_to(user)) == before + 1


def test_stale_and_forged_buttons_are_refused_politely(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    for data in ("erase:1", "nonsense", "village:abc", "village:1:2", "x" * 301):
        assert "ปุ่มนี้ใช้ไม่ได้แล้ว" in harness.tap(user, data)[0], data
    with Session(harness.engine) as session:
        assert session.get(Resident, 1).line_user_id == user  # erase:1 outside its dialog did nothing


def test_an_expired_dialog_is_forgotten_with_a_note(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    harness.say(user, "เปลี่ยนหมู่บ้าน")
    harness.clock.advance(minutes=harness.settings.conversation_ttl_minutes + 1)
    assert "หมดเวลา" in harness.say(user, "สาม")[0]
    assert state_of(harness) is None


def test_every_menu_keyword_reaches_a_service(harness: Harness) -> None:
    user = harness.new_user()
    harness.onboard(user)
    for _, typed in MENU_ITEMS:
        replies = harness.say(user, typed)
        assert replies and not any("ไม่เข้าใจ" in r for r in replies), typed
        harness.say(user, "ยกเลิก")


def test_office_information_lists_the_five_public_information_groups(harness: Harness) -> None:
    user = harness.new_user()
    about, links = harness.say(user, "ข้อมูล อบต.")
    assert harness.org.contact.phone in about
    for group in (
        "ข้อมูลพื้นฐาน",
        "การบริหารงาน",
        "การบริหารเงินงบประมาณ",
        "การบริหารและพัฒนาทรัพยากรบุคคล",
        "การส่งเสริมความโปร่งใส",
    ):
        assert group in links


def test_a_handler_that_crashes_is_retried_then_apologised_for(harness: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    user = harness.new_user()

    def broken(org):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug in a handler")

    monkeypatch.setattr(texts, "help_text", broken)
    harness.post_events(harness.event("text", user, text="ช่วยเหลือ"))
    harness.post_events(harness.event("text", user, text="เมนู"))
    harness.run()
    received = harness.line.state.texts_to(user)
    assert "ระบบขัดข้องชั่วคราว" in received[-2] and received[-1].startswith("เลือกบริการ")  # order kept
    with Session(harness.engine) as session:
        statuses = [(e.status, e.attempts) for e in session.exec(select(InboxEvent).order_by(InboxEvent.id))]
    assert statuses == [(InboxStatus.FAILED, harness.settings.inbox_max_attempts), (InboxStatus.DONE, 0)]
