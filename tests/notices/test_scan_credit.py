"""以信用为基础的差别化监管: a department whose latest credit grade is C or D is
reminded earlier (通知规则, data), with a frozen `today`."""

from decimal import Decimal

import pytest

from evaluation.models import CreditRecord, EvaluationRound
from notices.models import Notice
from notices.services import rule_update, scan_due
from tests import factories
from tests.notices.conftest import TODAY
from workflows.calendar import add_working_days

pytestmark = pytest.mark.django_db


def _credit(department, year, grade):
    round_ = EvaluationRound.objects.filter(year=year, quarter=0).first()
    return CreditRecord.objects.create(
        department=department,
        year=year,
        score=Decimal("60"),
        grade=grade,
        source_round=round_ or factories.EvaluationRoundFactory(year=year),
    )


def _reminded(step) -> bool:
    return Notice.objects.filter(step=step, kind=Notice.Kind.REMINDER).exists()


def test_scan_credit_low_grade_is_reminded_earlier(
    project_a, dept_a, dept_b, office_user, step_factory
):
    # given both owe a step due in 5 working days (default horizon 3, +2 for C/D);
    # dept_a's latest grade is C (it was A the year before), dept_b's is B
    due = add_working_days(TODAY, 5)
    step_a = step_factory(project=project_a, department=dept_a, due_on=due)
    step_b = step_factory(project=project_a, department=dept_b, due_on=due)
    _credit(dept_a, 2024, "A")
    _credit(dept_a, 2025, "C")
    _credit(dept_b, 2025, "B")

    # when the scan runs today
    counts = scan_due(today=TODAY)

    # then only the low-credit department is reminded already
    assert counts["reminders"] == 1
    assert _reminded(step_a) and not _reminded(step_b)


def test_scan_credit_rule_is_data(project_a, dept_a, office_user, step_factory):
    # given dept_a graded D, a step due in 5 working days
    step = step_factory(
        project=project_a, department=dept_a, due_on=add_working_days(TODAY, 5)
    )
    _credit(dept_a, 2025, "D")

    # when the office targets only grade C
    rule_update(actor=office_user, low_credit_grades="C")

    # then D is reminded on the usual horizon only
    assert scan_due(today=TODAY)["reminders"] == 0

    # when the office targets C and D again but only 1 day earlier (3 + 1 < 5)
    rule_update(actor=office_user, low_credit_grades="C，D", low_credit_extra_days=1)
    assert scan_due(today=TODAY)["reminders"] == 0

    # then with 2 extra days (3 + 2 = 5) it is reminded
    rule_update(actor=office_user, low_credit_extra_days=2)
    assert scan_due(today=TODAY)["reminders"] == 1
    assert _reminded(step)


def test_scan_credit_not_a_latest_grade(project_a, dept_a, step_factory):
    # given dept_a was D long ago but is A now
    step = step_factory(
        project=project_a, department=dept_a, due_on=add_working_days(TODAY, 5)
    )
    _credit(dept_a, 2024, "D")
    _credit(dept_a, 2025, "A")

    # when / then it is reminded on the usual horizon
    assert scan_due(today=TODAY)["reminders"] == 0
    assert not _reminded(step)
