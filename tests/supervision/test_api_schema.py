"""The supervision endpoints of shared/API.md are in the OpenAPI schema."""

import pytest

pytestmark = pytest.mark.django_db


def test_schema_lists_supervision_endpoints_with_their_filters(client):
    # given / when
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    # then
    expected = {
        "/api/v1/supervising-units/": {"kind"},
        "/api/v1/inspection-plans/": {"unit", "department", "status", "due_before"},
        "/api/v1/problems/": {"department", "status", "year"},
        "/api/v1/circulars/": {"kind", "year"},
        "/api/v1/supervision-rates/": {"year", "quarter", "department"},
    }
    for path, filters in expected.items():
        get = paths[path]["get"]
        assert filters <= {p["name"] for p in get.get("parameters", [])}, path
        assert {"200", "401", "403"} <= set(get["responses"]), path
    assert "/api/v1/problems/{id}/" in paths and "/api/v1/circulars/{id}/" in paths


def test_supervision_api_refuses_writes_and_anonymous(client, office_user):
    # when / then
    assert client.get("/api/v1/problems/").status_code == 401
    client.force_login(office_user)
    assert client.post("/api/v1/circulars/", {}).status_code in (403, 405)
