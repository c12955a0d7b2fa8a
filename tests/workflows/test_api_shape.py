"""steps/ and projects/ build their pages from plain values (issue 13): the
answer stays exactly what the serializers document (keys, order, formats)."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from tests.factories import RegulationFactory
from workflows import selectors
from workflows.api import ProjectSerializer, StepSerializer
from workflows.models import Receipt, Step

pytestmark = pytest.mark.django_db

STEP_KEYS = [
    "id", "project", "department", "department_name", "code", "name", "order",
    "actor", "status", "rating", "starts_on", "due_on", "light", "overdue",
    "receipt_confirmed_at", "submitted_at", "approved_at", "return_count",
]  # fmt: skip
PROJECT_KEYS = [
    "id", "regulation", "regulation_title", "year", "flow", "lead_department",
    "partner_departments", "starts_on", "status", "due_on", "light",
    "steps_total", "steps_approved", "completed_at",
]  # fmt: skip


def _rendered(data):
    import json

    return json.loads(JSONRenderer().render(data))


@pytest.fixture
def projects(launch, dept_a):
    made = [launch(regulation=RegulationFactory()) for _ in range(3)]
    # some steps late, submitted, approved, a receipt confirmed
    moment = timezone.make_aware(datetime.datetime(2026, 9, 3, 10, 30, 15))
    steps = Step.objects.filter(project=made[0]).order_by("id")
    Step.objects.filter(pk=steps[0].pk).update(
        status=Step.Status.APPROVED, approved_at=moment, rating="good",
        submitted_at=moment, due_on=datetime.date(2026, 9, 2),
    )  # fmt: skip
    Step.objects.filter(pk=steps[1].pk).update(
        status=Step.Status.SUBMITTED, submitted_at=moment, return_count=2,
        due_on=datetime.date(2020, 1, 2),
    )  # fmt: skip
    Receipt.objects.filter(project=made[0], department=dept_a).update(
        confirmed_at=moment
    )
    return made


def test_steps_api_answers_what_the_serializer_documents(api, office_user, projects):
    # given steps in every state
    api.force_authenticate(office_user)

    # when
    body = api.get("/api/v1/steps/?page_size=500").json()

    # then
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == Step.objects.count() > 3
    assert {tuple(row) for row in body["results"]} == {tuple(STEP_KEYS)}
    assert any(row["receipt_confirmed_at"] for row in body["results"])
    assert any(row["approved_at"] for row in body["results"])
    assert any(row["overdue"] for row in body["results"])
    expected = StepSerializer(selectors.step_list(user=office_user), many=True).data
    assert body["results"] == _rendered(expected)


def test_projects_api_answers_what_the_serializer_documents(api, office_user, projects):
    # given projects with partners and steps in several states
    api.force_authenticate(office_user)

    # when
    body = api.get("/api/v1/projects/").json()

    # then
    assert body["count"] == 3
    assert {tuple(row) for row in body["results"]} == {tuple(PROJECT_KEYS)}
    assert all(row["partner_departments"] for row in body["results"])
    expected = ProjectSerializer(
        selectors.project_list(user=office_user).prefetch_related(
            "partner_departments"
        ),
        many=True,
    ).data
    assert body["results"] == _rendered(expected)


def test_steps_and_projects_pages_cost_a_fixed_number_of_queries(
    api, office_user, projects, django_assert_max_num_queries
):
    # given three projects with a dozen steps and partners each
    api.force_authenticate(office_user)
    api.get("/api/v1/steps/")
    assert Step.objects.count() > 12

    # when / then: role, count, page (+ partners); a query per row would not fit
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/steps/?page_size=500").status_code == 200
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/projects/").status_code == 200
