"""Rates checked against a hand count on a small fixture (2026 Q2, counted on
2026-07-15).

dept_a
  problems:    due 04-10 fixed 04-08 (on time); due 04-20 fixed 04-25 (late);
               due 05-06 overdue (late); due 08-01 (Q3, not counted)   -> 1/3
  receipts:    due 04-03 confirmed 04-02; due 04-03 confirmed 04-07;
               due 05-10 never                                         -> 1/3
  steps:       due 04-15 submitted 04-14 approved; due 04-15 submitted
               04-14 still under review; due 06-01 submitted 06-03
               approved                                                -> 1/3
  交办单:      due 04-30 accepted 04-29; due 05-30 accepted 06-02      -> 1/2
town T (rolls up its village V): a problem of V due 05-01 fixed 04-30  -> 1/1
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from supervision import rates
from supervision.models import Inspection, Problem
from tests import factories
from tests.evaluation.conftest import make_project
from workflows.models import Receipt, Step

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 7, 15)


def noon(month, day):
    return timezone.make_aware(datetime.datetime(2026, month, day, 12))


def D(month, day):
    return datetime.date(2026, month, day)


@pytest.fixture
def record(dept_a):
    town = factories.DepartmentFactory(code="T", name="凤桥镇", kind="town")
    village = factories.DepartmentFactory(
        code="T-V", name="联丰村", kind="village", parent=town
    )
    inspection = Inspection.objects.create(
        kind="open", inspected_on=D(4, 1), inspectors="周涛", department=dept_a
    )
    for due, fixed, status in (
        (D(4, 10), D(4, 8), "rectified"),
        (D(4, 20), D(4, 25), "rectified"),
        (D(5, 6), None, "overdue"),
        (D(8, 1), None, "assigned"),
    ):
        Problem.objects.create(
            inspection=inspection,
            description="问题",
            due_on=due,
            rectified_on=fixed,
            status=status,
        )
    at_village = Inspection.objects.create(
        kind="open", inspected_on=D(4, 1), inspectors="镇纪委", department=village
    )
    Problem.objects.create(
        inspection=at_village,
        description="问题",
        due_on=D(5, 1),
        rectified_on=D(4, 30),
        status="rectified",
    )
    for due, confirmed in (
        (D(4, 3), noon(4, 2)),
        (D(4, 3), noon(4, 7)),
        (D(5, 10), None),
    ):
        Receipt.objects.create(
            project=make_project(lead=dept_a),
            department=dept_a,
            due_on=due,
            confirmed_at=confirmed,
        )
    project = make_project(lead=dept_a)
    for code, due, submitted, status in (
        ("a", D(4, 15), noon(4, 14), Step.Status.APPROVED),
        ("b", D(4, 15), noon(4, 14), Step.Status.SUBMITTED),
        ("c", D(6, 1), noon(6, 3), Step.Status.APPROVED),
    ):
        step = factories.StepFactory(
            project=project, department=dept_a, code=code, due_on=due, status=status
        )
        Step.objects.filter(pk=step.pk).update(submitted_at=submitted)
    for due, accepted in ((D(4, 30), noon(4, 29)), (D(5, 30), noon(6, 2))):
        factories.make_accepted_assignment(
            dept_a, due_on=due, completed_on=due, reviewed_at=accepted
        )
    return town


def test_supervision_rates_match_the_hand_count(record, dept_a, office_user):
    # when
    rows = {
        r["department_name"]: r
        for r in rates.supervision_rates(
            user=office_user, year=2026, quarter=2, today=TODAY
        )
    }
    # then
    a = rows["区委组织部"]
    assert (a["problems_on_time"], a["problems_due"]) == (1, 3)
    assert a["problem_on_time_rate"] == Decimal("33.3")
    assert (a["receipts_on_time"], a["receipts_due"]) == (1, 3)
    assert (a["steps_on_time"], a["steps_due"]) == (1, 3)
    assert (a["assignments_on_time"], a["assignments_due"]) == (1, 2)
    assert a["assignment_on_time_rate"] == 50
    town = rows["凤桥镇"]
    assert (town["problems_on_time"], town["problems_due"]) == (1, 1)
    assert town["receipt_on_time_rate"] is None  # nothing due: no rate


def test_supervision_rates_count_only_what_is_due_by_the_day(
    record, office_user, dept_a
):
    # when counted on 2026-04-16: only what was due before that day
    row = rates.supervision_rates(
        user=office_user, year=2026, quarter=2, department=dept_a.pk, today=D(4, 16)
    )[0]
    # then: problem due 04-10; receipts due 04-03; steps due 04-15
    assert (row["problems_on_time"], row["problems_due"]) == (1, 1)
    assert (row["receipts_on_time"], row["receipts_due"]) == (1, 2)
    assert (row["steps_on_time"], row["steps_due"]) == (1, 2)
    assert row["assignments_due"] == 0


def test_supervision_rates_api_scoped_and_validated(
    client, record, liaison, outsider, dept_a, api_client_user
):
    url = "/api/v1/supervision-rates/"
    # when a liaison asks: only their own department
    client.force_login(liaison)
    mine = client.get(url, {"year": 2026, "quarter": 2}).json()
    other = client.get(url, {"year": 2026, "department": record.pk}).json()
    missing_year = client.get(url)
    # then
    assert [r["department_name"] for r in mine["results"]] == ["区委组织部"]
    assert other["count"] == 0
    assert missing_year.status_code == 400
    client.force_login(outsider)
    assert client.get(url, {"year": 2026, "department": dept_a.pk}).json()["count"] == 0
    client.force_login(api_client_user)
    assert client.get(url, {"year": 2026}).status_code == 200


def test_rates_page_shows_definitions_next_to_numbers(client, record, office_user):
    client.force_login(office_user)
    html = client.get("/supervision/rates/", {"year": 2026, "quarter": 2}).content
    html = html.decode()
    assert "问题按期处置率" in html and "在时限内整改到位" in html
    assert "(1/3)" in html
