"""The rectification loop: 交办单 -> 落实表 accepted -> rectified (dated); past
due without acceptance -> overdue and a 警示单; both counted in the rate."""

import datetime

import pytest
from django.utils import timezone

from config.errors import InvalidTransition
from notices import services as notices
from notices.models import Notice
from supervision import rates, services
from supervision.models import Problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(office_user, dept_a):
    inspection = services.inspection_record(
        actor=office_user,
        kind="open",
        inspected_on=timezone.localdate(),
        inspectors="周涛",
        department=dept_a,
    )
    problem = services.problem_record(
        actor=office_user,
        inspection=inspection,
        description="学习记录不完整",
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    return services.problem_raise_assignment(actor=office_user, problem=problem)


def _report(notice, liaison):
    return notices.report_submit(
        notice=notice,
        actor=liaison,
        measures="补齐学习记录",
        result="已整改",
        person_responsible="陈静",
        completed_on=timezone.localdate(),
    )


def test_problem_accepted_report_rectifies_on_time_and_counts(
    problem, liaison, office_user, django_capture_on_commit_callbacks
):
    # given a problem handed over as a 交办单
    assert problem.status == "assigned"
    notice = problem.assignment

    # when the department answers and the office accepts (hooks run on commit)
    with django_capture_on_commit_callbacks(execute=True):
        _report(notice, liaison)
    problem.refresh_from_db()
    answered = problem.status
    with django_capture_on_commit_callbacks(execute=True):
        notices.report_accept(notice=notice, actor=office_user)

    # then it is rectified today, and counts as on time once due
    problem.refresh_from_db()
    assert answered == "answered"
    assert problem.status == "rectified"
    assert problem.rectified_on == timezone.localdate()
    assert [e.action for e in problem.events.order_by("id")] == [
        "record",
        "assign",
        "answer",
        "rectify",
    ]
    after_due = problem.due_on + datetime.timedelta(days=1)
    row = rates.supervision_rates(
        user=office_user,
        year=after_due.year,
        department=problem.inspection.department_id,
        today=after_due,
    )[0]
    assert (row["problems_due"], row["problems_on_time"]) == (1, 1)
    assert row["problem_on_time_rate"] == 100
    assert (row["assignments_due"], row["assignments_on_time"]) == (1, 1)


def test_problem_past_due_gets_one_warning_and_counts_against(
    problem, office_user, dept_a
):
    # given the 交办单 is never answered
    after_due = problem.due_on + datetime.timedelta(days=1)

    # when the daily scan runs after the due date, twice, and the notices scan
    services.supervision_scan(today=after_due)
    services.supervision_scan(today=after_due + datetime.timedelta(days=1))
    notices.scan_due(today=after_due)

    # then the problem is overdue with one level-1 警示单 on its 交办单
    problem.refresh_from_db()
    assert problem.status == "overdue" and problem.warned_on == after_due
    warnings = Notice.objects.filter(kind=Notice.Kind.WARNING, department=dept_a)
    assert list(warnings.values_list("level", "source_notice")) == [
        (1, problem.assignment_id)
    ]
    assert warnings.get().number  # numbered like every 警示单
    row = rates.supervision_rates(
        user=office_user, year=after_due.year, department=dept_a.pk, today=after_due
    )[0]
    assert (row["problems_due"], row["problems_on_time"]) == (1, 0)
    assert row["problem_on_time_rate"] == 0


def test_problem_late_acceptance_is_rectified_but_not_on_time(
    problem, liaison, office_user, dept_a, django_capture_on_commit_callbacks
):
    # given the problem went overdue
    after_due = problem.due_on + datetime.timedelta(days=1)
    services.supervision_scan(today=after_due)
    # when the 落实表 is accepted later (acceptance dated after the due date)
    with django_capture_on_commit_callbacks(execute=True):
        _report(problem.assignment, liaison)
        notices.report_accept(notice=problem.assignment, actor=office_user)
    Problem.objects.filter(pk=problem.pk).update(rectified_on=after_due)
    # then rectified, but it counts against the on-time rate
    problem.refresh_from_db()
    assert problem.status == "rectified"
    row = rates.supervision_rates(
        user=office_user, year=after_due.year, department=dept_a.pk, today=after_due
    )[0]
    assert (row["problems_due"], row["problems_on_time"]) == (1, 0)


def test_problem_missed_hook_is_caught_up_by_the_scan(problem, liaison, office_user):
    # given an accepted 落实表 whose hook never ran (callbacks not executed)
    _report(problem.assignment, liaison)
    notices.report_accept(notice=problem.assignment, actor=office_user)
    problem.refresh_from_db()
    assert problem.status == "assigned"
    # when
    counts = services.supervision_scan(today=timezone.localdate())
    # then
    problem.refresh_from_db()
    assert problem.status == "rectified" and counts["rectified_late_hook"] == 1
    assert problem.rectified_on == timezone.localdate()


def test_problem_forbidden_moves_refused(problem, office_user):
    # given a rectified problem
    services.problem_set_status(actor=office_user, problem=problem, to="rectified")
    # when / then: it cannot be closed unresolved or expire
    with pytest.raises(InvalidTransition):
        services.problem_set_status(
            actor=office_user, problem=problem, to="closed_unresolved"
        )
    with pytest.raises(InvalidTransition):
        services.PROBLEM_MACHINE.apply(problem, action="expire")


def test_problem_due_date_from_the_rule_in_working_days(office_user, dept_a):
    # given an inspection on Friday 2026-09-25; the rule says 20 working days
    inspection = services.inspection_record(
        actor=office_user,
        kind="open",
        inspected_on=datetime.date(2026, 9, 25),
        inspectors="周涛",
        department=dept_a,
    )
    # when
    found = services.problem_record(
        actor=office_user, inspection=inspection, description="台账缺失"
    )
    # then: National Day holidays (10-01..10-08) are skipped
    from workflows.calendar import add_working_days

    assert found.due_on == add_working_days(datetime.date(2026, 9, 25), 20)
    assert found.due_on > datetime.date(2026, 10, 23)


def test_problems_api_scoped(
    client, problem, liaison, outsider, inspector, office_user
):
    # when / then
    for user, expected in (
        (office_user, 1),
        (inspector, 1),
        (liaison, 1),
        (outsider, 0),
    ):
        client.force_login(user)
        listed = client.get("/api/v1/problems/").json()
        assert listed["count"] == expected, user.username
        detail = client.get(f"/api/v1/problems/{problem.pk}/")
        assert detail.status_code == (200 if expected else 404)
    client.force_login(office_user)
    row = client.get("/api/v1/problems/", {"status": "assigned"}).json()["results"][0]
    assert row["assignment"] == problem.assignment_id
    assert row["due_on"] == problem.due_on.isoformat() and row["rectified_on"] is None
