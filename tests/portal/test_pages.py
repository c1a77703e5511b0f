"""The public portal: every link on `/` answers, one layout everywhere, figures shown as they are, docs offline."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import Session

from bot.complaints import service
from bot.complaints.models import Status
from tests.harness import Harness

PUBLIC_PAGES = [
    "/",
    "/public/how-to-complain",
    "/public/how-to-report-corruption",
    "/public/complaints",
    "/public/tips",
    "/public/surveys",
    "/public/forums",
    "/public/contact",
    "/public/privacy",
]


def _links(html: str) -> list[str]:
    return sorted(set(re.findall(r'href="(/[^"#]*)"', html)))


def test_every_link_on_the_front_door_answers(harness: Harness) -> None:
    home = harness.client.get("/")
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    links = _links(home.text)
    for expected in (
        "/public/how-to-complain",
        "/public/how-to-report-corruption",
        "/public/complaints",
        "/public/tips",
        "/public/surveys",
        "/public/forums",
        "/public/contact",
        "/public/privacy",
    ):
        assert expected in links
    for link in links:
        assert harness.client.get(link).status_code == 200, link
    assert harness.org.short_name in home.text and harness.org.contact.phone in home.text


def test_the_line_qr_code_is_generated_from_the_organisation_file(harness: Harness) -> None:
    home = harness.client.get("/").text
    assert 'src="/public/line-qr.svg"' in home and harness.org.line.basic_id in home
    assert harness.org.line.url.startswith("https://line.me/R/ti/p/")
    qr = harness.client.get("/public/line-qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    assert qr.text.lstrip().startswith("<?xml") and "<svg" in qr.text and "<path" in qr.text


def test_every_public_page_shares_one_layout_with_a_print_stylesheet(harness: Harness) -> None:
    for path in PUBLIC_PAGES:
        page = harness.client.get(path).text
        assert '<html lang="th">' in page, path
        assert 'href="/static/portal/print.css" media="print"' in page, path
        assert 'aria-label="เมนูหลัก"' in page and "/public/privacy" in page, path  # header and footer
    for asset in ("/static/portal/portal.css", "/static/portal/print.css"):
        assert harness.client.get(asset).status_code == 200


def test_a_median_of_zero_days_is_shown_and_quarters_line_up(harness: Harness) -> None:
    org, settings = harness.org, harness.settings
    filed = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
    with Session(harness.engine) as session:
        case = service.file_complaint(
            session, org=org, settings=settings, category="roads", description="ไฟดับ", now=filed, village_no=1
        )
        service.transition(session, case, Status.RESOLVED, org=org, now=filed, public_note="ซ่อมแล้ว")
        session.commit()
    page = harness.client.get("/public/complaints", params={"fiscal_year": 2570}).text
    assert "มัธยฐาน 0 วัน" in page and "ภายใน 0 วัน" in page
    quarters = page.split("<h2>รายไตรมาส</h2>")[1].split("</table>")[0]
    headings = len(re.findall(r"<th[ >]", quarters))
    rows = re.findall(r"<tr>(.*?)</tr>", quarters.split("<tbody>")[1], re.S)
    assert len(rows) == 4 and all(row.count("<td") == headings == 3 for row in rows)
    assert "ไตรมาส 1 (ต.ค.–ธ.ค.)" in quarters
    assert '<svg class="chart" role="img"' in page  # the monthly chart, server-rendered


def test_docs_work_without_a_cdn(harness: Harness) -> None:
    for path in ("/docs", "/redoc"):
        page = harness.client.get(path)
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources and all(s.startswith("/") for s in sources), sources
        for source in sources:
            if source.startswith("/static/"):
                assert harness.client.get(source).status_code == 200, source
        assert "cdn" not in page.text.lower() and "fonts.googleapis" not in page.text


def test_links_staff_type_cannot_run_script(harness: Harness) -> None:
    from bot.portal.render import environment

    html = environment.from_string('<a href="{{ u|href }}">x</a>').render(u="javascript:alert(1)")
    assert html == '<a href="#">x</a>'
