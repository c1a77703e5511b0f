"""No 500 on any input: bounded integers, text a database cannot store, LIKE wildcards, one error body,
Thai HTML error pages for the public site, and 503 (not 500) while the database is down."""

from __future__ import annotations

from json import dumps
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.db import make_engine
from bot.main import create_app
from tests.harness import Harness

BIG = 2**31
ROUTES_WITH_IDS = [
    ("get", "/api/v1/notices/{}"),
    ("post", "/api/v1/notices/{}/cancel"),
    ("post", "/api/v1/notices/{}/send"),
    ("get", "/api/v1/forums/{}"),
    ("get", "/api/v1/forums/{}/registrations"),
    ("post", "/api/v1/staff/{}/deactivate"),
    ("post", "/api/v1/outbox/{}/requeue"),
    ("get", "/api/v1/public/forums/{}"),
    ("get", "/public/forums/{}"),
    ("get", "/api/v1/complaints/C2570-00001/photos/{}"),
]


def record(harness: Harness, headers: dict[str, str], description: str) -> dict[str, object]:
    body = {"source_channel": "phone", "category": "lighting", "description": description}
    response = harness.client.post("/api/v1/complaints", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(("method", "path"), ROUTES_WITH_IDS)
@pytest.mark.parametrize("number", [0, BIG, 2**63, 2**64])
def test_ids_beyond_the_columns_are_refused_not_crashed(harness: Harness, method: str, path: str, number: int) -> None:
    admin = harness.staff_token("admin")
    response = harness.client.request(method, path.format(number), headers=admin)
    assert response.status_code in (404, 422), response.text


@pytest.mark.parametrize(
    "query",
    [
        "offset=9223372036854775808",
        "offset=-1",
        "village=2147483648",
        "limit=0",
        "fiscal_year=99999999999",
        "q=" + "x" * 101,
        "category=" + "x" * 65,
    ],
)
def test_bad_query_values_are_422_with_the_problem_located(harness: Harness, query: str) -> None:
    response = harness.client.get(f"/api/v1/complaints?{query}", headers=harness.staff_token("officer"))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation" and body["detail"].startswith("ข้อมูลที่ส่งมาไม่ถูกต้อง")
    assert body["errors"][0]["loc"] == ["query", query.split("=")[0]]


@pytest.mark.parametrize(
    ("method", "path", "json"),
    [
        ("get", "/api/v1/complaints?q=%00", None),
        ("get", "/api/v1/complaints?category=a%00b", None),
        ("get", "/api/v1/complaints?unit=%00", None),
        ("get", "/api/v1/complaints/C2570%00", None),
        ("post", "/api/v1/staff", {"name": "สม\u0000ชาย", "role": "officer"}),
        (
            "post",
            "/api/v1/complaints",
            {"source_channel": "phone", "category": "lighting", "description": "ไฟ\u0000ดับ"},
        ),
        ("post", "/api/v1/complaints", {"source_channel": "phone", "category": "lighting", "description": "ไฟ\ud800"}),
    ],
)
def test_text_no_database_can_store_is_422(harness: Harness, method: str, path: str, json: object) -> None:
    headers = {**harness.staff_token("admin"), "Content-Type": "application/json"}
    content = None if json is None else dumps(json)  # ASCII, escaped as \u0000 or \ud800: as a client sends
    response = harness.client.request(method, path, content=content, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation"


def test_a_surrogate_pair_is_fine(harness: Harness) -> None:
    complaint = record(harness, harness.staff_token("admin"), "ไฟดับ 😀")
    assert complaint["description"] == "ไฟดับ 😀"


def test_search_takes_like_wildcards_literally(harness: Harness) -> None:
    officer = harness.staff_token("officer")
    record(harness, officer, "ไฟดับครึ่งหมู่บ้าน")
    percent = record(harness, officer, "ไฟติดแค่ 50% ของเสา")

    def found(q: str) -> list[str]:
        response = harness.client.get("/api/v1/complaints", params={"q": q}, headers=officer)
        assert response.status_code == 200
        return [item["code"] for item in response.json()["items"]]

    assert found("%") == [percent["code"]]
    assert found("_") == []
    assert found("\\") == []
    assert found("50%") == [percent["code"]]
    assert len(found("ไฟ")) == 2


def test_refusals_share_one_body_shape(harness: Harness) -> None:
    officer = harness.staff_token("officer")
    missing = harness.client.get("/api/v1/complaints/C2570-99999", headers=officer)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "ไม่พบเรื่องร้องเรียน C2570-99999", "code": "not_found", "errors": []}
    unauthenticated = harness.client.get("/api/v1/complaints")
    assert unauthenticated.status_code == 401 and unauthenticated.json()["code"] == "unauthorized"
    assert unauthenticated.headers["WWW-Authenticate"] == "Bearer"
    forbidden = harness.client.get("/api/v1/staff", headers=officer)
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    nowhere = harness.client.get("/api/v1/nowhere", headers=officer)
    assert nowhere.status_code == 404 and nowhere.json()["code"] == "not_found"


def test_public_pages_fail_with_a_thai_page(harness: Harness) -> None:
    for path, status in (
        ("/public/forums/999", 404),
        (f"/public/forums/{BIG}", 422),
        ("/public/nowhere", 404),
        ("/public/complaints?fiscal_year=1", 422),
    ):
        response = harness.client.get(path)
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert '<html lang="th">' in response.text.replace("'", '"') and harness.org.name in response.text
    assert harness.client.get("/public/complaints.json?fiscal_year=1").headers["content-type"] == "application/json"


@pytest.fixture(params=["sqlite", "postgresql"])
def down_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database that cannot be reached: a file in a missing folder, a server port nobody listens on."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'missing' / 'tambon.db'}"
    return "postgresql://postgres@127.0.0.1:9/tambon"


def test_a_database_outage_is_503_not_500(harness: Harness, down_url: str) -> None:
    down = TestClient(create_app(harness.settings, make_engine(down_url)))
    api = down.get("/api/v1/me", headers={"Authorization": "Bearer tbn_x"})
    assert api.status_code == 503, api.text
    assert api.json()["code"] == "unavailable" and "ฐานข้อมูล" in api.json()["detail"]
    assert api.headers["Retry-After"]
    assert down.get("/api/v1/public/forums").status_code == 503
    page = down.get("/public/complaints")
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "ฐานข้อมูล" in page.text


def test_a_literal_path_asked_with_a_method_it_lacks_is_405_not_an_id_refused(harness: Harness) -> None:
    """`GET /api/v1/notices/staff-link` (POST only) reaches `GET /api/v1/notices/{notice_id}`: the method is wrong."""
    officer = harness.staff_token("officer")
    response = harness.client.get("/api/v1/notices/staff-link", headers=officer)
    assert response.status_code == 405, response.text
    assert response.json()["code"] == "method_not_allowed"
    assert response.headers["Allow"] == "POST"
    listing = harness.client.delete("/api/v1/complaints", headers=officer)  # routes of an included router
    assert listing.status_code == 405 and listing.headers["Allow"] == "GET, POST"
    not_an_id = harness.client.get("/api/v1/notices/abc", headers=officer)
    assert not_an_id.status_code == 422 and not_an_id.json()["errors"][0]["loc"] == ["path", "notice_id"]


def test_the_openapi_document_declares_rate_limits_and_the_qr_codes_type(harness: Harness) -> None:
    paths = harness.client.get("/openapi.json").json()["paths"]
    for method, path in (("post", "/public/complain"), ("post", "/public/report-corruption"), ("get", "/public/track")):
        declared = paths[path][method]["responses"]["429"]
        assert "text/html" in declared["content"] and "Retry-After" in declared["headers"]
    assert "image/svg+xml" in paths["/public/line-qr.svg"]["get"]["responses"]["200"]["content"]
    forms = harness.client.get("/openapi.json").json()["components"]["schemas"]
    for form in ("Body_complain_public_complain_post", "Body_report_public_report_corruption_post"):
        assert forms[form]["properties"]["homepage"]["maxLength"] == 0  # the honeypot: filled is refused (400)
