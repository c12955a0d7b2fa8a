"""The daily scan's cost with nothing new: a fixed number of queries and no row
loaded, however many steps are open (at province scale 15k rows were loaded
and their working days counted in Python for nothing)."""

import datetime

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from notices.models import Notice
from notices.services import scan_due
from notices.services.scan import _before_working_days
from tests import factories
from tests.notices.conftest import TODAY, make_project, make_receipt
from workflows.calendar import add_working_days, working_days_between
from workflows.models import Receipt, Step


def _open_work(dept, n: int) -> None:
    """n projects, each with a step overdue (already warned at level 1 today)
    and a step due far away, and an overdue receipt (already warned)."""
    for _ in range(n):
        project = make_project(lead=dept)
        late = factories.StepFactory(
            project=project, department=dept, due_on=TODAY - datetime.timedelta(3)
        )
        factories.StepFactory(
            project=project,
            department=dept,
            code="later",
            order=2,
            due_on=add_working_days(TODAY, 20),
        )
        receipt = make_receipt(project, dept, due_on=TODAY - datetime.timedelta(3))
        factories.NoticeFactory(step=late, level=1, issued_on=TODAY)
        factories.NoticeFactory(
            step=None,
            project=project,
            department=dept,
            receipt=receipt,
            level=1,
            issued_on=TODAY,
        )


def _quiet_scan():
    """Run the scan; return its query count and the rows it loaded."""
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(sender.__name__)

    for model in (Step, Receipt, Notice):
        post_init.connect(count, sender=model, weak=False)
    try:
        with CaptureQueriesContext(connection) as queries:
            counts = scan_due(today=add_working_days(TODAY, 1))
    finally:
        for model in (Step, Receipt, Notice):
            post_init.disconnect(count, sender=model)
    assert counts == {"reminders": 0, "warnings": 0, "escalations": 0, "flagged": 0}
    return len(queries), loaded


@pytest.mark.django_db
def test_scan_due_with_nothing_new_loads_no_rows_and_fixed_queries(dept_a, dept_b):
    # given 10 projects with work already warned about today
    _open_work(dept_a, 10)
    _quiet_scan()  # the calendar and the rule are loaded once per process
    # when the scan runs the next working day (nothing due: interval is 5)
    few, loaded = _quiet_scan()
    # then it loads no step, receipt or notice
    assert loaded == []
    # and with 60 projects it costs the same number of queries
    _open_work(dept_b, 50)
    many, loaded = _quiet_scan()
    assert loaded == []
    assert many == few


@pytest.mark.django_db
def test_before_working_days_boundary_matches_the_count(db):
    # given days around a holiday week (National Day) and around today
    days = [TODAY, datetime.date(2026, 10, 8), datetime.date(2026, 10, 3)]
    for today in days:
        for n in range(0, 8):
            boundary = _before_working_days(today, n)
            for back in range(0, 25):
                day = today - datetime.timedelta(days=back)
                # then `day < boundary` says exactly "n working days lie after it"
                expected = working_days_between(day, today) >= n
                got = True if boundary is None else day < boundary
                assert got == expected, (today, n, day)


def _new_work(dept, n: int) -> None:
    """n projects, each with a step overdue since three days (no warning yet)
    and a step due tomorrow (no reminder yet)."""
    for _ in range(n):
        project = make_project(lead=dept)
        factories.StepFactory(
            project=project, department=dept, due_on=TODAY - datetime.timedelta(3)
        )
        factories.StepFactory(
            project=project,
            department=dept,
            code="soon",
            order=2,
            due_on=add_working_days(TODAY, 1),
        )


def _scan_counting_queries():
    with CaptureQueriesContext(connection) as queries:
        counts = scan_due(today=TODAY)
    return counts, len(queries)


@pytest.mark.django_db
def test_scan_due_creates_new_notices_in_batches_of_fixed_queries(dept_a):
    # given a first scan that made the counters (and loaded calendar and rule)
    _new_work(dept_a, 1)
    _scan_counting_queries()
    # when the scan raises 5 warnings and 5 reminders
    _new_work(dept_a, 5)
    few_counts, few = _scan_counting_queries()
    # and, another time, 30 of each (one INSERT on SQLite too: it splits an
    # INSERT at 999 parameters, 39 notice rows)
    _new_work(dept_a, 30)
    many_counts, many = _scan_counting_queries()
    # then both cost the same number of queries
    assert few_counts["warnings"] == 5 and few_counts["reminders"] == 5
    assert many_counts["warnings"] == 30 and many_counts["reminders"] == 30
    assert many == few
    # and the warnings are numbered 1..36 without a gap or a repeat
    warnings = Notice.objects.filter(kind=Notice.Kind.WARNING)
    assert sorted(warnings.values_list("serial", flat=True)) == list(range(1, 37))
    assert len(set(warnings.values_list("number", flat=True))) == 36
    # and every notice has its one "create" event, numbered like the notice
    for notice in Notice.objects.prefetch_related("events"):
        assert [(e.action, e.reason) for e in notice.events.all()] == [
            ("create", notice.number)
        ]
