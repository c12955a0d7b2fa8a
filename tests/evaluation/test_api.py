import pytest
from rest_framework.authtoken.models import Token

from evaluation import services
from org.models import Department
from tests import factories
from tests.evaluation.conftest import add_warnings, approved_on_time, make_project

pytestmark = pytest.mark.django_db


def _round(office_user, year=2026, *, publish=True):
    round_ = services.round_create(year=year, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    if publish:
        services.round_review(round=round_, actor=office_user)
        services.round_publish(round=round_, actor=office_user)
    return round_


def _departments(count, kind=Department.Kind.DISTRICT):
    return [factories.DepartmentFactory(kind=kind) for _ in range(count)]


def _projects(departments, year=2026):
    for department in departments:
        project = make_project(lead=department, year=year)
        approved_on_time(project, department)
        approved_on_time(project, department, "training", order=2)


@pytest.fixture
def token_api(api, api_client_user):
    token = Token.objects.create(user=api_client_user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_scores_api_client_token_sees_no_drafts(token_api, office_user, dept_a):
    # given a draft round only
    _projects([dept_a])
    _round(office_user, publish=False)

    # when
    response = token_api.get("/api/v1/scores/")
    draft_filter = token_api.get("/api/v1/scores/?status=draft")
    rankings = token_api.get("/api/v1/rankings/?year=2026")
    credit = token_api.get("/api/v1/credit-records/")

    # then
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert draft_filter.json()["count"] == 0
    assert rankings.json()["count"] == 0
    assert credit.json()["count"] == 0


def test_scores_api_client_token_sees_published_sheets(token_api, office_user, dept_a):
    # given
    _projects([dept_a])
    _round(office_user)

    # when
    body = token_api.get("/api/v1/scores/?year=2026").json()

    # then
    assert body["count"] == 1
    sheet = body["results"][0]
    assert sheet["department"] == dept_a.pk
    assert sheet["status"] == "published"
    assert sheet["year"] == 2026
    assert sheet["total"] == 25.0 and sheet["max_total"] == 30.0
    assert [s["code"] for s in sheet["steps"]] == ["launch", "training"]
    assert set(sheet["steps"][0]) >= {"code", "score", "base_points", "high_points"}
    assert sheet["deductions"] == []


@pytest.mark.parametrize("path", ["scores/", "rankings/?year=2026", "credit-records/"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_client_token_cannot_write(token_api, office_user, dept_a, path, method):
    # given
    _projects([dept_a])
    _round(office_user)

    # when
    response = getattr(token_api, method)(f"/api/v1/{path}", {}, format="json")

    # then
    assert response.status_code in (403, 405)


def test_office_cannot_write_through_the_api_either(api, office_user):
    api.force_authenticate(office_user)
    assert api.post("/api/v1/scores/", {}, format="json").status_code in (403, 405)


def test_scores_liaison_sees_own_department_published_only(
    api, office_user, liaison, outsider, dept_a, dept_b
):
    # given a published round covering A and B, and a 2025 draft for A (a
    # past year: a round counts only what was due or done by its as-of date)
    _projects([dept_a, dept_b])
    _round(office_user)
    _projects([dept_a], year=2025)
    _round(office_user, year=2025, publish=False)

    # when
    api.force_authenticate(liaison)
    own = api.get("/api/v1/scores/").json()
    api.force_authenticate(outsider)
    other = api.get(f"/api/v1/scores/?department={dept_a.pk}").json()
    api.force_authenticate(office_user)
    office = api.get("/api/v1/scores/?status=draft").json()

    # then
    assert [(s["department"], s["year"]) for s in own["results"]] == [(dept_a.pk, 2026)]
    assert other["count"] == 0
    assert [(s["department"], s["year"]) for s in office["results"]] == [
        (dept_a.pk, 2025)
    ]


def test_scores_bad_filters_get_400_not_500(token_api):
    response = token_api.get("/api/v1/scores/?year=abc&status=nonsense")
    assert response.status_code == 400
    assert set(response.json()) == {"year", "status"}


def test_rankings_require_year(token_api):
    response = token_api.get("/api/v1/rankings/")
    assert response.status_code == 400
    assert "year" in response.json()
    assert token_api.get("/api/v1/rankings/?year=2026&kind=x").status_code == 400


def test_api_requires_credentials(api):
    assert api.get("/api/v1/scores/").status_code == 401


def test_scores_etag_answers_304_until_data_changes(token_api, office_user, dept_a):
    # given
    _projects([dept_a])
    _round(office_user)
    first = token_api.get("/api/v1/scores/")
    etag = first["ETag"]
    assert first.has_header("Last-Modified")

    # when / then
    assert token_api.get("/api/v1/scores/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    _projects([factories.DepartmentFactory()], year=2025)
    _round(office_user, year=2025)
    changed = token_api.get("/api/v1/scores/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["count"] == 2


def _count_queries(client, path, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_scores_and_rankings_keep_constant_query_count(
    token_api, office_user, django_assert_max_num_queries
):
    # given a small published year
    _projects(_departments(2), year=2025)
    _round(office_user, year=2025)
    small = {
        path: _count_queries(token_api, path, django_assert_max_num_queries, 12)
        for path in (
            "/api/v1/scores/",
            "/api/v1/rankings/?year=2025",
            "/api/v1/credit-records/",
        )
    }

    # when the data grows tenfold
    _projects(_departments(15) + _departments(5, Department.Kind.TOWN), year=2026)
    _round(office_user, year=2026)
    large = {
        path: _count_queries(token_api, path, django_assert_max_num_queries, 12)
        for path in (
            "/api/v1/scores/",
            "/api/v1/rankings/?year=2026",
            "/api/v1/credit-records/",
        )
    }

    # then the query counts do not grow
    assert list(large.values()) == list(small.values())


def test_rankings_api_ties_share_a_rank(token_api, office_user):
    # given three district departments: two tie at 10/12, one has a warning
    x, y, z = _departments(3)
    for department in (x, y):
        approved_on_time(make_project(lead=department), department)
    add_warnings(approved_on_time(make_project(lead=z), z), 1)
    town = factories.DepartmentFactory(kind=Department.Kind.TOWN)
    approved_on_time(make_project(lead=town), town)
    _round(office_user)

    # when
    district = token_api.get("/api/v1/rankings/?year=2026&kind=district").json()
    everyone = token_api.get("/api/v1/rankings/?year=2026").json()

    # then 100 x 10/12 = 83.33 twice, 100 x 9/12 = 75.00: ranks 1, 1, 3
    rows = district["results"]
    assert [r["rank"] for r in rows] == [1, 1, 3]
    assert [r["total"] for r in rows] == [83.33, 83.33, 75.0]
    assert rows[2]["department"] == z.pk and rows[2]["warnings"] == 1
    assert rows[0]["projects"] == 1
    # towns are ranked apart
    town_rows = [r for r in everyone["results"] if r["kind"] == "town"]
    assert [(r["department"], r["rank"]) for r in town_rows] == [(town.pk, 1)]


def test_rankings_leave_out_kinds_that_are_not_ranked(
    token_api, office_user, office_dept, dept_a
):
    # given sheets for a district department and for the office itself
    for department in (dept_a, office_dept):
        approved_on_time(make_project(lead=department), department)
    _round(office_user)

    # when
    rows = token_api.get("/api/v1/rankings/?year=2026").json()["results"]

    # then only 区级部门 and 镇街 are ranked
    assert [(r["department"], r["kind"]) for r in rows] == [(dept_a.pk, "district")]


@pytest.mark.parametrize(
    "url, param",
    [
        ("/api/v1/scores/", "department"),
        ("/api/v1/scores/", "project"),
        ("/api/v1/credit-records/", "department"),
    ],
)
def test_id_filters_out_of_range_get_400_not_500(token_api, url, param):
    # given: an id the database cannot hold (SQLite raised OverflowError -> 500)
    # when
    response = token_api.get(url, {param: "99999999999999999999999"})
    # then
    assert response.status_code == 400
    assert set(response.json()) == {param}


@pytest.mark.parametrize("sent", ["W/{etag}", '"other", {etag}', "*"])
def test_scores_etag_matches_weakly_as_http_says(token_api, office_user, dept_a, sent):
    # given: an ETag a compressing proxy made weak, a list of tags, or "*"
    _projects([dept_a])
    _round(office_user)
    etag = token_api.get("/api/v1/scores/")["ETag"]
    # when
    response = token_api.get(
        "/api/v1/scores/", HTTP_IF_NONE_MATCH=sent.format(etag=etag)
    )
    # then
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_scores_etag_of_other_data_is_no_match(token_api, office_user, dept_a):
    # given
    _projects([dept_a])
    _round(office_user)
    # when
    response = token_api.get("/api/v1/scores/", HTTP_IF_NONE_MATCH='W/"other"')
    # then
    assert response.status_code == 200
