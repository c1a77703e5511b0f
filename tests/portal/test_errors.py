"""Public pages answer errors with Thai HTML pages in the portal's layout, never JSON; the API keeps JSON."""

from __future__ import annotations

from tests.harness import Harness


def _is_portal_page(response) -> bool:  # type: ignore[no-untyped-def]
    return (
        response.headers["content-type"].startswith("text/html")
        and '<html lang="th">' in response.text
        and 'href="/static/portal/print.css" media="print"' in response.text
        and 'aria-label="เมนูหลัก"' in response.text
    )


def test_an_unknown_page_is_the_thai_404(harness: Harness) -> None:
    for path in ("/no-such-page", "/public/no-such-page", "/public/forums/999999", "/public/surveys/nope/2570"):
        response = harness.client.get(path)
        assert response.status_code == 404, path
        assert _is_portal_page(response), path
        assert "ไม่พบหน้าที่ท่านต้องการ" in response.text and "กลับสู่หน้าหลัก" in response.text


def test_a_bad_fiscal_year_is_the_thai_422(harness: Harness) -> None:
    for path in ("/public/complaints", "/public/tips", "/public/forums", "/public/surveys"):
        for year in ("70", "abc", "9999"):
            response = harness.client.get(path, params={"fiscal_year": year})
            assert response.status_code == 422, (path, year)
            assert _is_portal_page(response) and "ปีงบประมาณ" in response.text, (path, year)
            assert "Traceback" not in response.text and '{"detail"' not in response.text  # not a JSON body


def test_the_api_and_json_files_keep_json_errors(harness: Harness) -> None:
    assert harness.client.get("/api/v1/no-such-thing").headers["content-type"].startswith("application/json")
    bad = harness.client.get("/public/complaints.json", params={"fiscal_year": "abc"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/json")
