"""The level reached kept on each subject of warnings (warned_level /
warned_on): the scan's overdue passes select by it, so with nothing new they
read none of the overdue backlog, and the warnings raised stay those the
warnings issued call for."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notices.models import Notice
from notices.services import scan_due
from notices.services.scan import _candidates, _Offices, _overdue_steps
from notices.services.warned import warned_levels_rebuild, warned_levels_record
from tests import factories
from tests.notices.conftest import TODAY, make_project, make_receipt
from workflows.calendar import add_working_days, subtract_working_days
from workflows.models import Receipt, Step

W = Notice.Kind.WARNING
NONE = {"reminders": 0, "warnings": 0, "escalations": 0, "flagged": 0}


def _late_step(dept, *, due_on, code="late"):
    project = make_project(lead=dept)
    return factories.StepFactory(
        project=project, department=dept, code=code, due_on=due_on
    )


def _kept(row):
    row.refresh_from_db()
    return row.warned_level, row.warned_on


@pytest.mark.django_db
def test_scan_due_keeps_the_level_reached_on_step_receipt_and_assignment(dept_a):
    # given an overdue step, an overdue receipt and an overdue assignment
    due = TODAY - datetime.timedelta(days=1)
    step = _late_step(dept_a, due_on=due)
    receipt = make_receipt(step.project, dept_a, due_on=due)
    assignment = factories.NoticeFactory(
        kind=Notice.Kind.ASSIGNMENT,
        department=dept_a,
        due_on=due,
        status=Notice.Status.SENT,
    )
    assert _kept(step) == _kept(receipt) == _kept(assignment) == (0, None)
    # when the scan runs today, then once the interval (5) has passed
    first = scan_due(today=TODAY)
    later = add_working_days(TODAY, 5)
    second = scan_due(today=later)
    # then each row keeps the level reached and the day of its last warning
    assert first["warnings"] == 3 and second["warnings"] == 3
    assert _kept(step) == _kept(receipt) == _kept(assignment) == (2, later)


@pytest.mark.django_db
def test_scan_overdue_candidates_leave_out_the_settled_backlog(dept_a):
    # given a backlog: steps overdue for months, warned up to the top level,
    # and steps warned at level 1 today
    long_ago = TODAY - datetime.timedelta(days=90)
    for i in range(5):
        step = _late_step(dept_a, due_on=long_ago, code=f"top{i}")
        for level in (1, 2, 3):
            factories.NoticeFactory(
                step=step, level=level, issued_on=long_ago + datetime.timedelta(level)
            )
        recent = _late_step(dept_a, due_on=TODAY - datetime.timedelta(3), code=f"r{i}")
        factories.NoticeFactory(step=recent, level=1, issued_on=TODAY)
    tomorrow = add_working_days(TODAY, 1)
    # when the overdue steps pass is selected the next working day
    rows = _candidates(_Offices(tomorrow), _overdue_steps(tomorrow))
    # then it selects none of them, and the scan raises nothing
    assert list(rows) == []
    assert scan_due(today=tomorrow) == NONE
    # and a step that fell due today is the one row selected
    fresh = _late_step(dept_a, due_on=TODAY, code="fresh")
    rows = _candidates(_Offices(tomorrow), _overdue_steps(tomorrow))
    assert [row.pk for row in rows] == [fresh.pk]


@pytest.mark.django_db
def test_scan_with_nothing_new_reads_only_the_candidates_keys(dept_a):
    # given a step, a receipt and an assignment warned today
    due = TODAY - datetime.timedelta(days=10)
    step = _late_step(dept_a, due_on=due)
    make_receipt(step.project, dept_a, due_on=due)
    factories.NoticeFactory(
        kind=Notice.Kind.ASSIGNMENT, department=dept_a, due_on=due, status="sent"
    )
    assert scan_due(today=TODAY)["warnings"] == 3
    # when the scan runs again the same day
    with CaptureQueriesContext(connection) as captured:
        assert scan_due(today=TODAY) == NONE
    # then each overdue pass read its candidates' ids off their own table,
    # found none, and joined no project and aggregated no warnings
    sql = [q["sql"] for q in captured.captured_queries]
    assert not [q for q in sql if 'MAX("notices_notice"' in q]
    for table in ("workflows_step", "workflows_receipt", "notices_notice"):
        keys = [q for q in sql if q.startswith(f'SELECT "{table}"."id" AS "pk"')]
        assert keys and not any("JOIN" in q for q in keys), table


@pytest.mark.django_db
def test_scan_due_with_a_lagging_kept_level_raises_what_the_warnings_call_for(
    dept_a,
):
    # given two overdue steps whose level-1 warnings were written around the
    # services (kept level left at 0): one warned 6 working days ago, one today
    due = TODAY - datetime.timedelta(days=20)
    old = _late_step(dept_a, due_on=due, code="old")
    new = _late_step(dept_a, due_on=due, code="new")
    six_ago = subtract_working_days(TODAY, 6)
    factories.NoticeFactory(step=old, level=1, issued_on=six_ago)
    factories.NoticeFactory(step=new, level=1, issued_on=TODAY)
    Step.objects.update(warned_level=0, warned_on=None)
    # when the scan runs today
    counts = scan_due(today=TODAY)
    # then the old one is escalated to level 2 (not warned at level 1 again),
    # the new one gets nothing, and both keep the level reached
    assert counts["warnings"] == 1 and counts["escalations"] == 1
    assert sorted(Notice.objects.filter(step=old).values_list("level", flat=True)) == [
        1,
        2,
    ]
    assert Notice.objects.filter(step=new).count() == 1
    assert _kept(old) == (2, TODAY)
    assert _kept(new) == (1, TODAY)
    # and the next day neither is selected
    tomorrow = add_working_days(TODAY, 1)
    assert list(_candidates(_Offices(tomorrow), _overdue_steps(tomorrow))) == []


@pytest.mark.django_db
def test_warned_levels_record_raises_and_never_lowers(dept_a):
    # given a receipt warned at level 2 yesterday
    step = _late_step(dept_a, due_on=TODAY - datetime.timedelta(days=9))
    receipt = make_receipt(step.project, dept_a, due_on=step.due_on)
    yesterday = TODAY - datetime.timedelta(days=1)
    Receipt.objects.filter(pk=receipt.pk).update(warned_level=2, warned_on=yesterday)
    # when a level-1 warning of today and a reminder are recorded
    warning = Notice(kind=W, level=1, issued_on=TODAY, receipt=receipt)
    reminder = Notice(kind=Notice.Kind.REMINDER, level=3, issued_on=TODAY, step=step)
    warned_levels_record(notices=[warning, reminder, None])
    # then the level stays 2, the day moves to today, the step is untouched
    assert _kept(receipt) == (2, TODAY)
    assert _kept(step) == (0, None)


@pytest.mark.django_db
def test_warned_levels_rebuild_sets_each_row_from_its_warnings(dept_a):
    # given warnings written around the services (kept levels left at 0)
    step = _late_step(dept_a, due_on=TODAY - datetime.timedelta(days=20))
    other = _late_step(dept_a, due_on=TODAY - datetime.timedelta(days=20), code="b")
    receipt = make_receipt(step.project, dept_a, due_on=step.due_on)
    for level, day in ((1, 3), (2, 10)):
        factories.NoticeFactory(
            step=step, level=level, issued_on=TODAY - datetime.timedelta(days=day)
        )
    factories.NoticeFactory(
        step=None, project=step.project, department=dept_a, receipt=receipt
    )
    Step.objects.update(warned_level=0, warned_on=None)
    Receipt.objects.update(warned_level=0, warned_on=None)
    # when the kept levels are rebuilt
    warned_levels_rebuild()
    # then each row has its highest level and its latest warning's day
    assert _kept(step) == (2, TODAY - datetime.timedelta(days=3))
    assert _kept(receipt) == (1, timezone.localdate())
    assert _kept(other) == (0, None)
