"""The score APIs build their answers from plain values (issue 13): the shape
(keys, their order, types) stays exactly the one API.md and the serializers
document, and a page costs the same few queries whatever its size."""

import datetime
import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer

from evaluation import selectors, services
from evaluation.api import CreditRecordSerializer, RankingSerializer, ScoreSerializer
from evaluation.models import RankingEntry
from org.models import Department
from tests import factories
from tests.evaluation.conftest import (
    add_warnings,
    approved_on_time,
    make_project,
    make_step,
)

pytestmark = pytest.mark.django_db

SCORE_KEYS = [
    "id", "department", "department_name", "project", "regulation",
    "regulation_title", "year", "quarter", "round", "total", "max_total",
    "status", "steps", "deductions",
]  # fmt: skip
STEP_KEYS = ["code", "name", "score", "proposed", "base_points", "high_points"]
DEDUCTION_KEYS = ["kind", "reason", "points"]
RANKING_KEYS = [
    "rank", "department", "department_name", "kind", "total", "projects",
    "warnings", "grade",
]  # fmt: skip
CREDIT_KEYS = ["department", "department_name", "year", "score", "grade"]


@pytest.fixture
def token_api(api, api_client_user):
    token = Token.objects.create(user=api_client_user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def _published(office_user, departments, year=2026):
    """Sheets with lines and deductions (a late step, warnings)."""
    for number, department in enumerate(departments):
        project = make_project(lead=department, year=year)
        approved_on_time(project, department)
        late = make_step(
            project,
            department,
            "training",
            order=2,
            due_on=datetime.date(year, 3, 2),
            approved_on=datetime.date(year, 3, 20 + number % 5),
        )
        add_warnings(late, number % 3)
    round_ = services.round_create(year=year, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    services.round_review(round=round_, actor=office_user)
    services.round_publish(round=round_, actor=office_user)
    return round_


def _rendered(data):
    return json.loads(JSONRenderer().render(data))


def test_scores_api_answers_what_the_serializer_documents(
    token_api, office_user, api_client_user
):
    # given published sheets with step lines and deductions
    departments = [factories.DepartmentFactory() for _ in range(4)]
    _published(office_user, departments)

    # when the API answers
    body = token_api.get("/api/v1/scores/?year=2026").json()

    # then each sheet has exactly the documented keys, in order, and equals
    # what the nested ModelSerializer makes of the same sheets
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 4
    sheet = body["results"][0]
    assert list(sheet) == SCORE_KEYS
    assert [list(line) for line in sheet["steps"]] == [STEP_KEYS, STEP_KEYS]
    assert any(s["deductions"] for s in body["results"])
    for row in body["results"]:
        for line in row["deductions"]:
            assert list(line) == DEDUCTION_KEYS
    assert isinstance(sheet["total"], float) and isinstance(sheet["year"], int)
    expected = ScoreSerializer(
        selectors.evaluation_list(user=api_client_user, filters={"year": "2026"}),
        many=True,
    ).data
    assert body["results"] == _rendered(expected)


def test_rankings_api_answers_what_the_serializer_documents(token_api, office_user):
    # given a published round with district and town departments
    departments = [factories.DepartmentFactory() for _ in range(3)]
    departments += [
        factories.DepartmentFactory(kind=Department.Kind.TOWN) for _ in range(2)
    ]
    _published(office_user, departments)

    # when
    body = token_api.get("/api/v1/rankings/?year=2026").json()

    # then
    assert body["count"] == 5
    assert [list(row) for row in body["results"]] == [RANKING_KEYS] * 5
    expected = RankingSerializer(selectors.rankings(year=2026), many=True).data
    assert body["results"] == _rendered(expected)


def test_credit_api_answers_what_the_serializer_documents(
    token_api, office_user, api_client_user
):
    # given credit records written at publication
    _published(office_user, [factories.DepartmentFactory() for _ in range(3)])

    # when
    body = token_api.get("/api/v1/credit-records/").json()

    # then
    assert body["count"] == 3
    assert [list(row) for row in body["results"]] == [CREDIT_KEYS] * 3
    expected = CreditRecordSerializer(
        selectors.credit_record_list(user=api_client_user), many=True
    ).data
    assert body["results"] == _rendered(expected)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/scores/?year=2026", "/api/v1/rankings/?year=2026",
     "/api/v1/credit-records/"],
)  # fmt: skip
def test_score_lists_query_count_does_not_grow_with_the_page(
    token_api, office_user, path, django_assert_max_num_queries
):
    # given a page of 12 sheets, each with lines and deductions
    _published(office_user, [factories.DepartmentFactory() for _ in range(12)])
    token_api.get(path)  # the token's user and role are looked up once

    # when / then: token, role, version (5), count, page, lines, deductions,
    # Last-Modified; a query per sheet (its lines, deductions, department,
    # regulation) would pass 12 more
    with django_assert_max_num_queries(11):
        response = token_api.get(path)
    assert response.status_code == 200
    assert response.json()["count"] == 12


def test_rankings_api_computes_a_round_published_without_stored_rankings(
    token_api, office_user, django_assert_max_num_queries
):
    # given a round published before rankings were stored
    departments = [factories.DepartmentFactory() for _ in range(6)]
    round_ = _published(office_user, departments)
    RankingEntry.objects.filter(round=round_).delete()
    token_api.get("/api/v1/rankings/?year=2026")

    # when
    with django_assert_max_num_queries(12):
        body = token_api.get("/api/v1/rankings/?year=2026").json()

    # then the rankings are computed, as the pages compute them
    assert body["count"] == 6
    expected = RankingSerializer(selectors.rankings(year=2026), many=True).data
    assert body["results"] == _rendered(expected)
