"""More of the console in Chromium against `tambon serve`: an integrity officer reveals a reporter (audited),
the survey dashboard shows its chart. (A village notice sent from the console reaching only that village is
tested with the fake LINE in test_notice_pages.py: under `tambon serve` in simulator mode the send's quota
check did not get an answer from the simulator within its timeout on a loaded machine.)"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright import sync_api
from sqlmodel import Session, select

from bot.config import Settings
from bot.crypto import load_sealer
from bot.db import make_engine
from bot.staff.models import AuditEntry
from bot.thai import utcnow
from bot.tips import service as tips
from tests.console.browser import Resident, add_staff, cli, new_page, shot, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
expect = sync_api.expect


def test_integrity_officer_reveals_a_reporter_and_the_audit_row_exists(
    browser: sync_api.Browser, service: str, tmp_path: Path
) -> None:
    add_staff(tmp_path, "สุจริต ตรงไป", "integrity_officer", "integrity")
    database = tmp_path / "tambon.db"
    engine = make_engine(f"sqlite:///{database}")
    sealer = load_sealer(None, database.with_suffix(".tips.key"))  # the service's own generated key
    settings = Settings(_env_file=None, database_url=f"sqlite:///{database}")
    with Session(engine) as session:
        code = tips.file_tip(
            session,
            sealer=sealer,
            settings=settings,
            line_user_id="U" + "2" * 32,
            anonymous=False,
            what="เรียกรับเงินค่าอนุญาตก่อสร้าง",
            now=utcnow(),
            name="นางกล้า แจ้งจริง",
            phone="0811111111",
        ).code
        session.commit()
    page = new_page(browser)
    sign_in(page, service, "integrity")
    expect(page.get_by_test_id("menu")).to_contain_text("เบาะแสทุจริต")
    page.get_by_test_id("menu").get_by_role("link", name="เบาะแสทุจริต").click()
    page.get_by_role("link", name=code).click()
    expect(page.locator("body")).not_to_contain_text("นางกล้า")
    page.get_by_test_id("reveal").click()  # the "this will be audited" question is answered yes
    expect(page.get_by_test_id("reporter")).to_contain_text("นางกล้า แจ้งจริง")
    expect(page.get_by_test_id("reporter")).to_contain_text("0811111111")
    shot(page, tmp_path, "console-tip-revealed")
    with Session(engine) as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.action == "tip.reveal_reporter")).all()
    assert [(r.record_id, r.actor) for r in rows] == [(code, "สุจริต ตรงไป")]
    engine.dispose()
    assert not page.errors  # type: ignore[attr-defined]


def test_the_survey_dashboard_shows_its_chart(browser: sync_api.Browser, service: str, tmp_path: Path) -> None:
    output = cli(tmp_path, "staff", "add", "--name", "ปลัดสมหมาย", "--role", "manager", "--username", "boss")
    cli(tmp_path, "staff", "password", "boss", stdin="a long console password\n")
    api = {"Authorization": f"Bearer {output.strip().splitlines()[-1]}"}
    assert httpx.post(f"{service}/api/v1/surveys/install-shipped", headers=api, timeout=30).status_code == 200
    assert httpx.post(f"{service}/api/v1/surveys/public_disclosure/open", headers=api, timeout=30).status_code == 200
    answers = {
        "channels_used": ["line"],
        "channel_access": 5,
        "channel_variety": 4,
        "content_complete": 4,
        "content_current": 5,
        "content_clear": 4,
        "overall": 5,
    }
    for village in [1] * 6 + [2] * 5 + [3] * 5:
        filed = httpx.post(
            f"{service}/api/v1/surveys/public_disclosure/responses",
            headers=api,
            timeout=30,
            json={"answers": answers, "village_no": village},
        )
        assert filed.status_code == 201, filed.text
    page = new_page(browser)
    sign_in(page, service, "boss")
    page.get_by_test_id("menu").get_by_role("link", name="แบบสอบถาม").click()
    expect(page.get_by_test_id("targets-chart").locator("svg rect.bar")).not_to_have_count(0)
    page.get_by_test_id("survey-targets").get_by_role("link").first.click()
    chart = page.get_by_test_id("village-chart")
    expect(chart.locator("rect.bar")).to_have_count(3)
    expect(chart).to_contain_text("หมู่ 1 บ้านพนา")
    expect(page.get_by_test_id("status")).not_to_be_empty()
    with page.expect_download() as download:
        page.get_by_test_id("csv").click()
    assert download.value.suggested_filename.endswith(".csv")
    shot(page, tmp_path, "console-survey")
    assert not page.errors and os.path.exists(tmp_path / "tambon.db")  # type: ignore[attr-defined]
