"""The projects list counts steps for the rows of its page only: a grouped join
of every project with every step before LIMIT (and a COUNT over that grouped
join) took 325 ms at city scale and 2 s at province scale."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from workflows import selectors
from workflows.models import Step

pytestmark = pytest.mark.django_db


def _outer(sql: str) -> str:
    """The SQL outside the per-row subqueries (after the last FROM of projects)."""
    return sql.rsplit('FROM "workflows_executionproject"', 1)[1]


def test_project_list_counts_visible_steps_per_project(
    launch, dept_a, dept_b, office_user, liaison
):
    # given a project whose steps are late, due soon, submitted and approved
    today = timezone.localdate()
    project = launch(starts_on=today + datetime.timedelta(days=30))
    steps = list(Step.objects.filter(project=project, department=dept_a))
    late, soon, submitted, done = steps[:4]
    Step.objects.filter(pk=late.pk).update(due_on=today - datetime.timedelta(days=1))
    Step.objects.filter(pk=soon.pk).update(due_on=today)
    Step.objects.filter(pk=submitted.pk).update(status="submitted")
    Step.objects.filter(pk=done.pk).update(status="approved")
    total = Step.objects.filter(project=project).count()
    own = Step.objects.filter(project=project, department=dept_a).count()
    # (the office's own 执行发起 step is approved at launch)
    approved = Step.objects.filter(project=project, status="approved").count()
    # when the office and A's liaison list projects
    office_row = selectors.project_list(user=office_user).get(pk=project.pk)
    liaison_row = selectors.project_list(user=liaison).get(pk=project.pk)
    # then the office counts every step, the liaison only A's
    assert (office_row.steps_total, liaison_row.steps_total) == (total, own)
    assert (office_row.steps_approved, liaison_row.steps_approved) == (approved, 1)
    assert office_row.steps_submitted == liaison_row.steps_submitted == 1
    assert office_row.steps_red == liaison_row.steps_red == 1
    assert office_row.steps_yellow == liaison_row.steps_yellow == 1
    assert office_row.light == "red" and liaison_row.light == "red"
    assert office_row.progress == 100 * approved // total
    assert liaison_row.progress == 100 // own
    # and filtering by light keeps it
    reds = selectors.project_list(user=office_user, filters={"light": "red"})
    assert list(reds.values_list("pk", flat=True)) == [project.pk]


@pytest.mark.parametrize("role", ["office", "liaison"])
def test_project_list_page_and_count_do_not_group_all_steps(
    launch, office_user, liaison, regulation, role
):
    # given a few projects
    launch()
    user = office_user if role == "office" else liaison
    projects = selectors.project_list(user=user, filters={"year": "2026"})
    # when the page's rows and the paginator's count run
    with CaptureQueriesContext(connection) as ctx:
        rows = list(projects[:50])
        count = projects.count()
    page_sql, count_sql = (q["sql"] for q in ctx.captured_queries[-2:])
    # then the page is not a GROUP BY over projects joined with steps (the
    # counts are per-row subqueries evaluated after LIMIT) ...
    assert "GROUP BY" not in _outer(page_sql)
    assert 'JOIN "workflows_step"' not in _outer(page_sql)
    # ... and the count counts projects alone
    assert "GROUP BY" not in count_sql and "COUNT(" in count_sql
    assert "workflows_step" not in count_sql or role == "liaison"
    assert 'JOIN "workflows_step"' not in count_sql
    assert count == len(rows) == 1
