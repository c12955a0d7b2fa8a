"""Supervision lists cost a constant number of queries, whatever their size."""

import datetime

import pytest

from responsibilities.models import ResponsibilityList
from supervision import services
from tests import factories

pytestmark = pytest.mark.django_db


def _rows(n, inspection_group):
    for _ in range(n):
        department = factories.DepartmentFactory(inspection_group=inspection_group)
        factories.ResponsibilityFactory(
            kind=ResponsibilityList.Kind.SUPERVISION,
            department=department,
            inspection_group=inspection_group,
            period="每季度",
        )
    services.supervision_scan(today=datetime.date(2026, 4, 1))


def _problems(n, office_user):
    for _ in range(n):
        inspection = services.inspection_record(
            actor=office_user,
            kind="open",
            inspected_on=datetime.date(2026, 4, 2),
            inspectors="周涛",
            department=factories.DepartmentFactory(),
        )
        services.problem_record(
            actor=office_user,
            inspection=inspection,
            description="问题",
            due_on=datetime.date(2026, 5, 6),
        )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/inspection-plans/",
        "/api/v1/problems/",
        "/api/v1/supervising-units/",
        "/api/v1/supervision-rates/?year=2026",
    ],
)
def test_supervision_lists_constant_queries(
    client, office_user, inspection_group, django_assert_max_num_queries, url
):
    # given a few rows, counted; then many more rows
    client.force_login(office_user)
    _rows(2, inspection_group)
    _problems(2, office_user)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    _rows(12, inspection_group)
    _problems(12, office_user)
    # when / then: the same number of queries
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
