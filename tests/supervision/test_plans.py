"""Plans from the 专项监督清单, with a frozen date (`today=` to the service)."""

import datetime

import pytest

from notices.models import Notice
from responsibilities.models import ResponsibilityList
from supervision import selectors, services
from supervision.models import Cycle, InspectionPlan, RowSchedule
from tests import factories

pytestmark = pytest.mark.django_db
Q2_START = datetime.date(2026, 4, 1)


@pytest.fixture
def quarterly_row(districts, dept_a, inspection_group):
    """Group G supervises dept_a on one regulation, quarterly (room R covers G)."""
    row = factories.ResponsibilityFactory(
        kind=ResponsibilityList.Kind.SUPERVISION,
        department=dept_a,
        inspection_group=inspection_group,
        focus="实施方案制定情况",
    )
    RowSchedule.objects.create(row=row, cycle=Cycle.QUARTERLY)
    return row


def _reminders(department):
    return Notice.objects.filter(kind=Notice.Kind.REMINDER, department=department)


def test_plans_scan_quarterly_row_yields_one_plan_and_one_reminder(
    quarterly_row, inspection_group
):
    # when the daily scan runs twice on the first day of Q2
    first = services.supervision_scan(today=Q2_START)
    again = services.supervision_scan(today=Q2_START + datetime.timedelta(days=1))

    # then one plan for the quarter, due at its end, and one reminder to the group
    plan = InspectionPlan.objects.get()
    assert (plan.period_start, plan.due_on) == (Q2_START, datetime.date(2026, 6, 30))
    assert plan.status == "planned" and plan.light == "yellow"
    assert plan.unit.department == inspection_group
    assert first["created"] == 1 and again["created"] == 0
    reminders = _reminders(inspection_group)
    assert reminders.count() == 1
    assert "2026年第2季度" in reminders.get().title


def test_plans_scan_plan_left_undone_goes_red_and_reaches_the_room(
    quarterly_row, districts, unit_inspectors
):
    # given the Q2 plan, never inspected
    services.supervision_scan(today=Q2_START)

    # when the scan runs after the quarter (twice)
    services.supervision_scan(today=datetime.date(2026, 7, 1))
    services.supervision_scan(today=datetime.date(2026, 7, 2))

    # then it is red, the room is told once, and Q3's plan exists
    plan = InspectionPlan.objects.get(period_start=Q2_START)
    assert plan.status == "overdue" and plan.light == "red"
    room_notices = _reminders(districts["room"].department)
    assert room_notices.count() == 1
    assert "逾期" in room_notices.get().title
    assert not _reminders(districts["room2"].department).exists()
    assert InspectionPlan.objects.filter(period_start="2026-07-01").exists()
    # and the room's inspector sees the red plan; the other room's does not
    assert plan in selectors.plan_list(user=unit_inspectors["room"], status="overdue")
    assert not selectors.plan_list(user=unit_inspectors["room2"]).exists()


def test_plans_inspection_in_period_fulfils_the_plan(
    quarterly_row, unit_inspectors, dept_a
):
    # given
    services.supervision_scan(today=Q2_START)
    # when the group inspects the department in May
    inspection = services.inspection_record(
        actor=unit_inspectors["g"],
        kind="open",
        inspected_on=datetime.date(2026, 5, 12),
        inspectors="刘洋",
        department=dept_a,
        regulation=quarterly_row.regulation,
    )
    # then the plan is done and stays green after the quarter
    services.supervision_scan(today=datetime.date(2026, 7, 1))
    plan = InspectionPlan.objects.get(period_start=Q2_START)
    assert plan.status == "done" and plan.inspection == inspection
    assert plan.events.filter(action="inspect").exists()


def test_plans_cycle_read_from_period_text_without_schedule(dept_a, inspection_group):
    # given a row with only the free text 每半年
    row = factories.ResponsibilityFactory(
        kind=ResponsibilityList.Kind.SUPERVISION,
        department=dept_a,
        inspection_group=inspection_group,
        period="每半年",
    )
    # when
    services.supervision_scan(today=datetime.date(2026, 8, 3))
    # then
    plan = InspectionPlan.objects.get(row=row)
    assert (plan.cycle, plan.period_start, plan.due_on) == (
        "half_yearly",
        datetime.date(2026, 7, 1),
        datetime.date(2026, 12, 31),
    )


def test_inspection_plans_api_scoped(
    client, quarterly_row, unit_inspectors, liaison, office_user
):
    # given
    services.supervision_scan(today=datetime.date(2026, 7, 1))
    url = "/api/v1/inspection-plans/"

    def count(user, **params):
        client.force_login(user)
        response = client.get(url, params)
        assert response.status_code == 200
        return response.json()["count"]

    # then
    assert count(office_user) == 1
    assert count(unit_inspectors["g"]) == 1
    assert count(unit_inspectors["room"], status="planned") == 1
    assert count(unit_inspectors["g2"]) == 0  # an outsider group
    assert count(unit_inspectors["local"]) == 0
    assert count(liaison) == 0  # plans may announce an unannounced visit
    client.force_login(office_user)
    assert client.get(url, {"status": "nope"}).status_code == 400


def test_plans_page_shows_red(client, quarterly_row, office_user):
    # given
    services.supervision_scan(today=Q2_START)
    services.supervision_scan(today=datetime.date(2026, 7, 1))
    client.force_login(office_user)
    # when
    html = client.get("/supervision/plans/").content.decode()
    # then
    assert "table-danger" in html and "逾期未检查" in html


def _low_credit(department, grade="C"):
    from decimal import Decimal

    from evaluation.models import CreditRecord

    CreditRecord.objects.create(
        department=department,
        year=2025,
        score=Decimal("55"),
        grade=grade,
        source_round=factories.EvaluationRoundFactory(year=2025),
    )


def test_plans_credit_low_grade_gets_plans_twice_as_often(quarterly_row, dept_a):
    # given dept_a's latest credit grade is C (quarterly row, no own low cycle)
    _low_credit(dept_a, "C")

    # when the scan runs on the first day of Q2 and again a month later
    services.supervision_scan(today=Q2_START)
    services.supervision_scan(today=datetime.date(2026, 5, 4))

    # then dept_a owes a plan every month (twice as often, at least)
    plans = list(InspectionPlan.objects.values_list("period_start", "due_on"))
    assert plans == [
        (Q2_START, datetime.date(2026, 4, 30)),
        (datetime.date(2026, 5, 1), datetime.date(2026, 5, 31)),
    ]


def test_plans_credit_low_cycle_is_data(quarterly_row, dept_a, dept_b):
    # given a yearly row for dept_a (grade D) whose low-credit cycle is quarterly
    schedule = quarterly_row.schedule
    schedule.cycle = Cycle.YEARLY
    schedule.low_credit_cycle = Cycle.QUARTERLY
    schedule.save()
    _low_credit(dept_a, "D")

    # when
    services.supervision_scan(today=Q2_START)

    # then the plan covers the quarter, not the year
    plan = InspectionPlan.objects.get()
    assert (plan.cycle, plan.due_on) == (Cycle.QUARTERLY, datetime.date(2026, 6, 30))


def test_plans_credit_good_grade_keeps_the_cycle(quarterly_row, dept_a):
    # given dept_a graded B
    _low_credit(dept_a, "B")

    # when
    services.supervision_scan(today=Q2_START)

    # then the quarter's plan
    plan = InspectionPlan.objects.get()
    assert plan.due_on == datetime.date(2026, 6, 30)
