"""The daily scan in a deployment of several district offices: each row is judged
by its department's office's own rule (NoticeRule) and working-day calendar
(CalendarDay), in a number of queries that depends neither on the rows nor on
the offices."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.models import Notice
from notices.services import rule_update, scan_due
from org.models import Office
from tests import factories
from tests.notices.conftest import TODAY, make_project, make_receipt
from workflows import calendar
from workflows.calendar import add_working_days
from workflows.models import CalendarDay

pytestmark = pytest.mark.django_db

R, W = Notice.Kind.REMINDER, Notice.Kind.WARNING
D = datetime.date
# TODAY is Wednesday 2026-03-11; 3/12 is a holiday of office Y only.
Y_HOLIDAY = D(2026, 3, 12)
SOON = D(2026, 3, 17)  # 4 working days ahead (3 in Y's calendar)
LATE = D(2026, 3, 10)  # overdue by 1 working day


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Test transactions roll back without signals: drop cached overrides."""
    calendar.reset_local_cache()
    yield
    calendar.reset_local_cache()


def _office(code: str, name: str) -> Office:
    return Office.objects.create(
        code=code, name=f"{name}区委办", number_prefix=f"{name}执规", sort_order=9
    )


def _work(dept, *, tag: str = ""):
    """A project of `dept` with a step due SOON, a step overdue since LATE and
    a receipt overdue since LATE."""
    project = make_project(lead=dept)
    soon = factories.StepFactory(
        project=project, department=dept, code=f"soon{tag}", due_on=SOON
    )
    late = factories.StepFactory(
        project=project, department=dept, code=f"late{tag}", order=2, due_on=LATE
    )
    receipt = make_receipt(project, dept, due_on=LATE)
    return soon, late, receipt


def _notices(dept):
    """(kind, step code, no receipt?, due on, number) of dept's notices."""
    return sorted(
        (kind, code or "", receipt is None, due_on, number)
        for kind, code, receipt, due_on, number in Notice.objects.filter(
            department=dept
        ).values_list("kind", "step__code", "receipt", "due_on", "number")
    )


@pytest.fixture
def offices(dept_a):
    """dept_a in the default office; X with its own rule (remind 5 working days
    ahead, warn after 1 working day of grace, no receipt warnings); Y with an
    extra holiday in its own calendar."""
    office_x, office_y = _office("jx", "嘉兴"), _office("xz", "秀洲")
    assert Office.default() == dept_a.office
    dept_x = factories.DepartmentFactory(code="X", name="嘉兴司法局", office=office_x)
    dept_y = factories.DepartmentFactory(code="Y", name="秀洲司法局", office=office_y)
    rule_update(
        actor=None,
        office_id=office_x.pk,
        reminder_days_before=5,
        warning_grace_days=1,
        warn_overdue_receipts=False,
    )
    CalendarDay.objects.create(
        office=office_y, date=Y_HOLIDAY, is_workday=False, note="区内调休"
    )
    return dept_a, dept_x, dept_y


def test_scan_due_uses_each_offices_own_rule_and_calendar(offices):
    # given the same work in the default office, in X (own rule), in Y (own day off)
    dept_a, dept_x, dept_y = offices
    _work(dept_a), _work(dept_x), _work(dept_y)
    # when the scan runs today
    counts = scan_due(today=TODAY)
    # then the default office: as before, no reminder 4 working days ahead, a
    # warning for the late step and one for the receipt, due in 5 working days
    due_a = D(2026, 3, 18)
    assert _notices(dept_a) == [
        (W, "", False, due_a, "南湖执规警〔2026〕2号"),
        (W, "late", True, due_a, "南湖执规警〔2026〕1号"),
    ]
    # and X: reminded 5 working days ahead; the late step within its grace; no
    # receipt warnings
    assert _notices(dept_x) == [(R, "soon", True, SOON, "")]
    # and Y: SOON is 3 working days ahead in its calendar, so reminded; warned
    # like the default office, due 5 working days later skipping its holiday,
    # numbered by Y
    due_y = D(2026, 3, 19)
    assert _notices(dept_y) == [
        (R, "soon", True, SOON, ""),
        (W, "", False, due_y, "秀洲执规警〔2026〕2号"),
        (W, "late", True, due_y, "秀洲执规警〔2026〕1号"),
    ]
    assert counts == {"reminders": 2, "warnings": 4, "escalations": 0, "flagged": 0}
    # when the scan runs again the same day
    again = scan_due(today=TODAY)
    # then nothing new
    assert again == {"reminders": 0, "warnings": 0, "escalations": 0, "flagged": 0}
    assert Notice.objects.count() == 6


def test_scan_due_next_day_warns_after_the_offices_grace(offices):
    # given the work of X and Y and a scan today
    dept_a, dept_x, dept_y = offices
    _work(dept_x), _work(dept_y)
    scan_due(today=TODAY)
    # when the scan runs the next day (a working day for X, Y's holiday)
    counts = scan_due(today=Y_HOLIDAY)
    # then X's late step is now past its grace of 1 working day: warned, numbered
    # by X, due 5 of X's working days later; its receipt still not
    warned = Notice.objects.get(department=dept_x, kind=W)
    assert (warned.step.code, warned.number) == ("late", "嘉兴执规警〔2026〕1号")
    assert warned.due_on == add_working_days(Y_HOLIDAY, 5)
    assert counts["warnings"] == 1
    # and a second run that day adds nothing
    assert scan_due(today=Y_HOLIDAY)["warnings"] == 0


def test_scan_due_escalates_on_the_offices_own_interval(offices):
    # given a late step in X, whose rule escalates after 2 working days only,
    # and one in the default office (5 working days)
    dept_a, dept_x, _dept_y = offices
    rule_update(actor=None, office_id=dept_x.office_id, escalation_interval_days=2)
    _soon, late_x, _receipt = _work(dept_x)
    _soon, late_a, _receipt = _work(dept_a)
    scan_due(today=TODAY)
    scan_due(today=add_working_days(TODAY, 1))  # X's first warning (grace 1)
    # when two more working days pass
    counts = scan_due(today=add_working_days(TODAY, 3))
    # then X's step is escalated to level 2; the default office's is not yet
    assert counts["escalations"] == 1
    assert Notice.objects.filter(step=late_x, kind=W, level=2).exists()
    assert not Notice.objects.filter(step=late_a, kind=W, level=2).exists()


def test_scan_due_default_offices_own_rows_do_not_apply_to_other_offices(offices):
    # given the default office's own rule (remind 5 working days ahead) and its
    # own day off, and office Z without rule or calendar rows of its own
    dept_a, _dept_x, _dept_y = offices
    rule_update(actor=None, reminder_days_before=4)
    CalendarDay.objects.create(
        office=dept_a.office, date=D(2026, 3, 13), is_workday=False
    )
    dept_z = factories.DepartmentFactory(code="Z", office=_office("zz", "平湖"))
    _work(dept_a), _work(dept_z)
    # when the scan runs
    counts = scan_due(today=TODAY)
    # then the default office reminds of SOON (3 of its working days ahead)
    assert Notice.objects.filter(department=dept_a, kind=R).count() == 1
    # and Z follows the default rule and calendar (4 working days ahead: no)
    assert not Notice.objects.filter(department=dept_z, kind=R).exists()
    assert Notice.objects.filter(department=dept_z, kind=W).count() == 2
    assert counts["reminders"] == 1


def _quiet_work(dept, n: int, *, tag: str) -> None:
    """n projects with an overdue step, already warned today, and a step due
    far away."""
    for i in range(n):
        project = make_project(lead=dept)
        late = factories.StepFactory(
            project=project, department=dept, code=f"q{tag}{i}", due_on=LATE
        )
        factories.StepFactory(
            project=project,
            department=dept,
            code=f"f{tag}{i}",
            order=2,
            due_on=add_working_days(TODAY, 20),
        )
        factories.NoticeFactory(step=late, level=1, issued_on=TODAY)


def _queries(day) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        counts = scan_due(today=day)
    return counts, len(queries)


def _office_with_rule(i: int):
    office = _office(f"o{i}", f"第{i}")
    rule_update(actor=None, office_id=office.pk, reminder_days_before=3 + i)
    return factories.DepartmentFactory(code=f"O{i}", office=office)


def test_scan_due_with_nothing_new_costs_the_same_for_more_offices_and_rows(
    dept_a,
):
    # given the default office and one office with its own rule, with work
    # already warned about today
    _quiet_work(dept_a, 2, tag="a")
    _quiet_work(_office_with_rule(1), 2, tag="1")
    _queries(TODAY)
    _, few = _queries(add_working_days(TODAY, 1))
    # when four more offices with their own rules and 10 times the rows are added
    for i in range(2, 6):
        _quiet_work(_office_with_rule(i), 5, tag=str(i))
    _quiet_work(dept_a, 20, tag="b")
    _queries(TODAY)
    counts, many = _queries(add_working_days(TODAY, 1))
    # then the scan with nothing new costs the same number of queries
    assert counts["warnings"] == 0 and counts["reminders"] == 0
    assert many == few


def _new_work(dept, n: int, *, tag: str) -> None:
    """n projects with a step overdue (no warning yet) and one due tomorrow."""
    for i in range(n):
        project = make_project(lead=dept)
        factories.StepFactory(
            project=project, department=dept, code=f"n{tag}{i}", due_on=LATE
        )
        factories.StepFactory(
            project=project,
            department=dept,
            code=f"m{tag}{i}",
            order=2,
            due_on=add_working_days(TODAY, 1),
        )


def test_scan_due_creating_notices_grows_with_offices_not_rows(dept_a):
    # given two offices with their own rules, and a first scan (counters made)
    depts = [_office_with_rule(i) for i in (1, 2)]
    for dept in depts:
        _new_work(dept, 1, tag="0")
    _queries(TODAY)
    # when each office gets 2 new rows, and then 15 new rows each (30 notices
    # of a kind: one INSERT on SQLite too, which splits at 999 parameters)
    for dept in depts:
        _new_work(dept, 2, tag="1")
    few_counts, few = _queries(TODAY)
    for dept in depts:
        _new_work(dept, 15, tag="2")
    many_counts, many = _queries(TODAY)
    # then the same number of queries, whatever the rows
    assert few_counts["warnings"] == 4 and few_counts["reminders"] == 4
    assert many_counts["warnings"] == 30 and many_counts["reminders"] == 30
    assert many == few
    # when four offices (twice as many) each get 2 new rows
    depts += [_office_with_rule(i) for i in (3, 4)]
    for dept in depts[2:]:
        _new_work(dept, 1, tag="0")
    _queries(TODAY)
    for dept in depts:
        _new_work(dept, 2, tag="3")
    more_counts, more = _queries(TODAY)
    # then at most twice the queries (numbering is per office)
    assert more_counts["warnings"] == 8
    assert more <= 2 * few
