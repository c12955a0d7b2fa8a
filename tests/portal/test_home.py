"""The home page as a to-do: each count is the rows of the list it links to."""

import datetime
import re

import pytest
from django.utils import timezone

from portal import selectors
from tests import factories
from workflows.models import ExtensionRequest, Step

pytestmark = pytest.mark.django_db


def _work(dept_a, dept_b, liaison, n=1):
    """n of each: submitted steps, overdue open steps, pending extensions."""
    today = timezone.localdate()
    for i in range(n):
        project = factories.ExecutionProjectFactory(lead_department=dept_a)
        factories.StepFactory(
            project=project,
            code="launch",
            status=Step.Status.SUBMITTED,
            submitted_at=timezone.now(),
            due_on=today + datetime.timedelta(days=30),
        )
        late = factories.StepFactory(
            project=project,
            code="training",
            order=2,
            due_on=today - datetime.timedelta(days=3 + i),
        )
        factories.StepFactory(
            project=project,
            code="study",
            order=3,
            department=dept_b,
            due_on=today + datetime.timedelta(days=40),
        )
        ExtensionRequest.objects.create(
            step=late,
            department=dept_a,
            reason="等待批复",
            until=today + datetime.timedelta(days=10),
            previous_due_on=late.due_on,
            requested_by=liaison,
        )


def _rows(client, url) -> int:
    return len(re.findall(r'data-row="', client.get(url).content.decode()))


def test_home_office_todo_counts_equal_the_rows_they_link_to(
    client, office_user, dept_a, dept_b, liaison
):
    # given some of each kind of work
    _work(dept_a, dept_b, liaison, n=2)
    client.force_login(office_user)

    # when the office opens its home page
    page = client.get("/").content.decode()
    tiles = re.findall(
        r'href="([^"]+)" data-todo="(\w+)"><span[^>]*>[^<]*</span>'
        r"<span[^>]*data-count>(\d+)</span>",
        page,
    )

    # then every count is the number of rows behind its link
    assert {key for _, key, _ in tiles} == {"review", "overdue", "extensions"}
    counts = {key: int(count) for _, key, count in tiles}
    assert counts == {"review": 2, "overdue": 2, "extensions": 2}
    for url, key, count in tiles:
        assert _rows(client, url.replace("&amp;", "&")) == int(count), key


def test_home_office_todo_takes_a_fixed_number_of_queries(
    office_user, dept_a, dept_b, liaison, django_assert_max_num_queries
):
    # given many rows of each kind
    _work(dept_a, dept_b, liaison, n=5)

    # when / then
    with django_assert_max_num_queries(5):
        todo = selectors.office_todo(user=office_user)
    assert [t["count"] for t in todo] == [5, 5, 5]
    with django_assert_max_num_queries(7):
        liaison_todo = selectors.liaison_todo(user=liaison)
    assert {t["key"]: t["count"] for t in liaison_todo}["open"] == 5


def test_home_liaison_sees_no_office_todo(client, liaison):
    client.force_login(liaison)
    page = client.get("/").content.decode()
    assert 'data-todo="review"' not in page and 'data-todo="extensions"' not in page


def test_home_liaison_todo_counts_equal_the_rows_they_link_to(
    client, office_user, dept_a, dept_b, liaison
):
    # given one of each for dept_a, a returned step, and dept_b's work aside
    _work(dept_a, dept_b, liaison, n=1)
    project = factories.ExecutionProjectFactory(lead_department=dept_a)
    factories.StepFactory(project=project, status=Step.Status.RETURNED)
    client.force_login(liaison)

    # when the liaison opens the home page
    page = client.get("/").content.decode()
    tiles = re.findall(
        r'href="([^"]+)" data-todo="(\w+)"><span[^>]*>[^<]*</span>'
        r"<span[^>]*data-count>(\d+)</span>",
        page,
    )

    # then its steps' counts are the rows of the step lists they link to
    counts = {key: int(count) for _, key, count in tiles}
    assert counts["open"] == 1 and counts["returned"] == 1
    for url, key, count in tiles:
        if key in {"open", "returned"}:
            assert _rows(client, url.replace("&amp;", "&")) == int(count), key
