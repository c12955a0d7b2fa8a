import datetime

import pytest

from notices.models import Notice
from notices.services import assignment_issue, rule_update, scan_due
from tests.notices.conftest import TODAY, make_receipt
from workflows.calendar import add_working_days
from workflows.models import Event, Step

W = Notice.Kind.WARNING


def _kinds(**filters):
    return sorted(Notice.objects.filter(**filters).values_list("kind", "level"))


def test_scan_due_step_yields_one_reminder_then_one_warning(
    project_a, dept_a, step_factory
):
    # given a step due in two working days (default: remind 3 days before)
    due = add_working_days(TODAY, 2)
    step = step_factory(project=project_a, department=dept_a, due_on=due)
    # when the scan runs twice today
    first = scan_due(today=TODAY)
    second = scan_due(today=TODAY)
    # then exactly one reminder, no number, and the second run adds nothing
    assert first["reminders"] == 1 and second["reminders"] == 0
    reminder = Notice.objects.get(step=step)
    assert reminder.kind == Notice.Kind.REMINDER and reminder.number == ""
    # when the deadline passes and the scan runs twice on the next working day
    late = add_working_days(due, 1)
    counts = scan_due(today=late)
    scan_due(today=late)
    # then one warning, numbered, with a due date for the 落实表
    assert counts["warnings"] == 1
    assert _kinds(step=step) == [("reminder", 1), ("warning", 1)]
    warning = Notice.objects.get(step=step, kind=W)
    assert warning.number.startswith("南湖执规警〔2026〕")
    assert warning.due_on == add_working_days(late, 5)


def test_scan_due_skips_far_and_finished_steps(project_a, dept_a, step_factory):
    # given a step due far away, and an overdue one already approved
    step_factory(
        project=project_a,
        department=dept_a,
        due_on=add_working_days(TODAY, 10),
        code="a",
    )
    step_factory(
        project=project_a,
        department=dept_a,
        due_on=TODAY - datetime.timedelta(days=5),
        status=Step.Status.APPROVED,
        code="b",
        order=2,
    )
    # when the scan runs / then nothing is raised
    assert scan_due(today=TODAY) == {
        "reminders": 0,
        "warnings": 0,
        "escalations": 0,
        "flagged": 0,
    }
    assert not Notice.objects.exists()


def test_scan_due_escalates_at_second_and_third_warning(
    project_a, dept_a, inspection_group, step_factory
):
    # given an overdue step of A (leader 张三, supervised by the inspection group)
    dept_a.leader_name = "张三"
    dept_a.save()
    due = TODAY - datetime.timedelta(days=1)
    step = step_factory(project=project_a, department=dept_a, due_on=due)
    scan_due(today=TODAY)
    first = Notice.objects.get(step=step, kind=W, level=1)
    assert first.cc_text == "" and not first.cc_departments.exists()
    # when it stays overdue 4 working days: no escalation yet (interval is 5)
    scan_due(today=add_working_days(TODAY, 4))
    assert not Notice.objects.filter(step=step, level=2).exists()
    # when it stays overdue 5 working days after the first warning
    day2 = add_working_days(TODAY, 5)
    counts = scan_due(today=day2)
    # then the second warning copies the department's leader
    assert counts == {"reminders": 0, "warnings": 1, "escalations": 1, "flagged": 0}
    second = Notice.objects.get(step=step, kind=W, level=2)
    assert "张三" in second.cc_text and "张三" in second.body
    step.refresh_from_db()
    assert step.flagged_for_bulletin is False
    # when 5 more working days pass, twice
    day3 = add_working_days(day2, 5)
    scan_due(today=day3)
    scan_due(today=add_working_days(day3, 10))
    # then the third copies the inspection group and flags the step; no 4th
    third = Notice.objects.get(step=step, kind=W, level=3)
    assert list(third.cc_departments.all()) == [inspection_group]
    step.refresh_from_db()
    assert step.flagged_for_bulletin is True
    assert Notice.objects.filter(step=step, kind=W).count() == 3


def test_scan_due_rule_data_changes_reminder_horizon(
    project_a, dept_a, office_user, step_factory
):
    # given a step due in 5 working days and the default 3-day horizon
    step = step_factory(
        project=project_a, department=dept_a, due_on=add_working_days(TODAY, 5)
    )
    assert scan_due(today=TODAY)["reminders"] == 0
    # when the office sets reminders 5 working days ahead
    rule_update(actor=office_user, reminder_days_before=5)
    # then the scan reminds
    assert scan_due(today=TODAY)["reminders"] == 1
    assert Notice.objects.filter(step=step, kind=Notice.Kind.REMINDER).count() == 1


def test_scan_due_warns_overdue_receipt_once(project_a, dept_a, dept_b):
    # given A's receipt overdue and B's confirmed
    receipt_a = make_receipt(project_a, dept_a, due_on=TODAY - datetime.timedelta(1))
    make_receipt(
        project_a, dept_b, due_on=TODAY - datetime.timedelta(1), confirmed=True
    )
    # when the scan runs twice
    scan_due(today=TODAY)
    scan_due(today=TODAY)
    # then one warning, to A only
    assert list(Notice.objects.values_list("receipt", "kind")) == [(receipt_a.pk, W)]


def test_scan_due_warns_unanswered_assignment(dept_a, office_user):
    # given an assignment due yesterday and not answered
    assignment = assignment_issue(
        department=dept_a,
        title="整改培训台账",
        body="",
        due_on=TODAY - datetime.timedelta(days=1),
        actor=office_user,
    )
    # when the scan runs twice
    scan_due(today=TODAY)
    scan_due(today=TODAY)
    # then one warning follows the assignment
    warning = Notice.objects.get(source_notice=assignment)
    assert warning.kind == W and assignment.number in warning.title


@pytest.mark.parametrize("status", [Step.Status.SUBMITTED, Step.Status.WAITING])
def test_scan_due_no_warning_when_department_cannot_act(
    project_a, dept_a, status, step_factory
):
    # given an overdue step waiting for the office or for the step before
    step_factory(
        project=project_a,
        department=dept_a,
        due_on=TODAY - datetime.timedelta(3),
        status=status,
    )
    # when / then
    assert scan_due(today=TODAY)["warnings"] == 0


def test_scan_due_third_warning_writes_workflows_flag_event(
    project_a, dept_a, step_factory
):
    # given a step overdue long enough for three warnings

    step = step_factory(
        project=project_a, department=dept_a, due_on=TODAY - datetime.timedelta(days=1)
    )
    # when the scans of three escalation days run
    day = TODAY
    for _ in range(3):
        scan_due(today=day)
        day = add_working_days(day, 5)
    # then the step's timeline names the bulletin flag with the warning's number
    flag = Event.objects.get(step=step, action="flag")
    third = Notice.objects.get(step=step, kind=W, level=3)
    assert third.number in flag.reason
