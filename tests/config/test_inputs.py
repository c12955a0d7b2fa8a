"""Bad input answers 4xx with a Chinese message, never a 500 (on SQLite and, in
the CI run with DATABASE_URL, on PostgreSQL, where a NUL byte used to fail deep
in the database driver)."""

import datetime
import json

import pytest

from tests import factories
from tests.notices.conftest import make_project

NUL = "\x00"


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


@pytest.fixture
def office_api(api, office_user):
    api.force_authenticate(office_user)
    return api


@pytest.mark.parametrize(
    "url",
    [
        "/regulations/?q=%00",
        "/regulations/export/?q=%00",
        "/responsibilities/?q=%00",
        "/responsibilities/export/lead/?q=%00",
        "/workflows/?q=%00",
        "/notices/?q=%00",
        "/notices/register/?q=%00",
        "/evaluation/inspections/?q=%00",
        "/responsibilities/users/?q=a%00b",
    ],
)
def test_nul_in_query_of_pages_and_exports_is_400(office, url):
    # when
    response = office.get(url)
    # then
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_nul_in_notices_api_filter_is_400_json(office_api):
    # when
    response = office_api.get("/api/v1/notices/?kind=%00")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
    assert "空字符" in response.json()["detail"]


def test_nul_in_submitted_text_is_400(api, liaison, dept_a):
    # given an open step of the liaison's department
    project = make_project(lead=dept_a)
    step = factories.StepFactory(
        project=project, department=dept_a, due_on=datetime.date(2026, 4, 1)
    )
    api.force_authenticate(liaison)
    url = f"/api/v1/steps/{step.pk}/submit/"
    # when: as JSON, and as the multipart form the API documents
    as_json = api.post(url, {"text": f"已完成{NUL}"}, format="json")
    as_form = api.post(url, {"text": f"已完成{NUL}"}, format="multipart")
    # then
    assert as_json.status_code == as_form.status_code == 400
    step.refresh_from_db()
    assert step.submitted_at is None


def test_nul_in_a_page_form_is_400(office):
    # when
    response = office.post("/regulations/new/", {"title": f"条例{NUL}"})
    # then
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["NaN", "nan", "Infinity", "-inf"])
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/evaluation/peer/", "score"),
        ("/evaluation/standards/1/edit/", "weight_office"),
        ("/evaluation/standards/1/edit/", "base_points"),
    ],
)
def test_nan_in_ratings_standards_and_weights_is_400(office, url, field, value):
    # when
    response = office.post(url, {field: value, "round": "1", "rated": "1"})
    # then
    assert response.status_code == 400
    assert "NaN" in response.content.decode()


def test_nan_in_json_is_400(office_api):
    # when
    response = office_api.post(
        "/api/v1/projects/",
        data='{"year": NaN}',
        content_type="application/json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "not_a_number"


def test_deeply_nested_json_is_400(office_api):
    # given 5,000 levels
    body = "[" * 5000 + "]" * 5000
    # when
    response = office_api.post(
        "/api/v1/projects/", data=body, content_type="application/json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"


def test_moderately_nested_json_passes_the_gate(office_api):
    # given ordinary JSON (the view answers on its own, a 400 for missing fields)
    response = office_api.post(
        "/api/v1/projects/",
        data=json.dumps({"partner_departments": [[1]]}),
        content_type="application/json",
    )
    # then
    assert response.status_code == 400
    assert response.json().get("code") != "too_deep"


def test_calendar_with_month_beyond_int32_answers(office):
    # when
    response = office.get("/workflows/calendar/?year=2026&month=2147483648")
    # then the calendar ignores the month it cannot show
    assert response.status_code == 200


@pytest.mark.parametrize("starts_on", ["9999-12-31", "1899-01-01", "0001-01-01"])
def test_launch_dated_outside_2000_2100_is_400(office_api, dept_a, starts_on):
    # when
    response = office_api.post(
        "/api/v1/projects/",
        {
            "regulation": 1,
            "year": 2026,
            "flow": "simple",
            "lead_department": dept_a.pk,
            "starts_on": starts_on,
        },
        format="json",
    )
    # then
    assert response.status_code == 400
    assert "2000" in response.json()["detail"]


def test_launch_page_dated_9999_is_400(office, dept_a):
    # when
    response = office.post(
        "/workflows/launch/", {"starts_on": "9999-12-31", "lead_department": dept_a.pk}
    )
    # then
    assert response.status_code == 400


def test_regulation_published_before_2000_is_accepted_by_the_gate(office):
    # when: the catalogue keeps old regulations' dates
    response = office.get("/regulations/?published_on=1990-07-01")
    # then
    assert response.status_code == 200


@pytest.mark.urls("tests.config.urls_boom")
def test_api_500_is_json_in_production(api):
    # given DEBUG off (as in production; the test runner runs with DEBUG off)
    api.raise_request_exception = False
    # when
    response = api.get("/api/v1/boom/")
    # then
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"
