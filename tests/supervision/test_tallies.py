"""The stored per-office on-time figures (OfficeRateTally): the daily refresh
stores exactly what the city comparison counts live; the page reads them."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from org.models import Department, Office
from portal import selectors as portal_selectors
from supervision import services
from supervision.models import Duty, Inspection, OfficeRateTally, Problem
from supervision.rates import RATES
from supervision.tasks import refresh_office_rates
from tests import factories
from tests.evaluation.conftest import make_project
from workflows.models import Receipt, Step

pytestmark = pytest.mark.django_db

K = Department.Kind
# Last year: every quarter wholly due, whatever day the suite runs.
YEAR = timezone.localdate().year - 1


def _day(quarter: int, day: int = 10) -> datetime.date:
    return datetime.date(YEAR, 3 * quarter - 1, day)


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _due(department, due: datetime.date, on_time: bool) -> None:
    """One row of each rate for `department` due on `due`, done the day before
    (on time) or the day after (late)."""
    done = due + datetime.timedelta(days=-1 if on_time else 1)
    inspection = Inspection.objects.create(
        kind="open", inspected_on=due, inspectors="周涛", department=department
    )
    Problem.objects.create(
        inspection=inspection,
        description="问题",
        due_on=due,
        rectified_on=done,
        status="rectified",
    )
    project = make_project(lead=department, year=due.year)
    Receipt.objects.create(
        project=project, department=department, due_on=due, confirmed_at=_noon(done)
    )
    step = factories.StepFactory(
        project=project,
        department=department,
        code=f"s{Step.objects.count()}",
        due_on=due,
        status=Step.Status.APPROVED,
    )
    Step.objects.filter(pk=step.pk).update(submitted_at=_noon(done))
    factories.make_accepted_assignment(
        department, due_on=due, completed_on=done, reviewed_at=_noon(done)
    )
    Duty.objects.create(
        row=factories.ResponsibilityFactory(department=department),
        department=department,
        title="学法",
        period_start=due,
        occurs_on=due,
        due_on=due,
        status=Duty.Status.DONE,
        done_on=done,
    )


def _figures(rows) -> dict[str, list[tuple[int, int]]]:
    return {
        r["office"].code: [(x["due"], x["on_time"]) for x in r["rates"]] for r in rows
    }


@pytest.fixture
def spread(nanhu, xiuzhou, office_dept, dept_a, dept_a_child, xz_dept, city_user):
    """Rows in every corner of what the comparison counts and leaves out."""
    town = factories.DepartmentFactory(code="T", name="凤桥镇", kind=K.TOWN)
    village = factories.DepartmentFactory(
        code="T-V", name="联丰村", kind=K.VILLAGE, parent=town
    )
    closed_village = factories.DepartmentFactory(
        code="T-V2", name="撤并村", kind=K.VILLAGE, parent=town, is_active=False
    )
    closed_town = factories.DepartmentFactory(
        code="T2", name="撤并镇", kind=K.TOWN, is_active=False
    )
    closed_towns_village = factories.DepartmentFactory(
        code="T2-V", name="撤并镇的村", kind=K.VILLAGE, parent=closed_town
    )
    closed_department = factories.DepartmentFactory(
        code="OLD", name="已撤销局", kind=K.DISTRICT, is_active=False
    )
    group = dept_a.inspection_group  # 派驻纪检组: another kind
    city_unit = city_user.membership.department
    # counted: a district department (Q1 on time, Q2 late), a town (Q3) with
    # its village (Q4) and its inactive village (Q1); 秀洲's department (Q2)
    _due(dept_a, _day(1), True)
    _due(dept_a, _day(2), False)
    _due(town, _day(3), True)
    _due(village, _day(4), False)
    _due(closed_village, _day(1), True)
    _due(xz_dept, _day(2), True)
    # not counted: the office's own unit, a village under a district
    # department, an inactive town and its village, an inactive department,
    # a 派驻纪检组, the city's own unit
    for department in (
        office_dept,
        dept_a_child,
        closed_town,
        closed_towns_village,
        closed_department,
        group,
        city_unit,
    ):
        _due(department, _day(2), True)
    return town


def test_stored_figures_equal_the_live_comparison(spread, city_user):
    # when the year is refreshed
    written = services.office_rates_refresh(year=YEAR)

    # then two offices' five rates for the year and its four quarters
    assert written == OfficeRateTally.objects.count() == 2 * 5 * 5
    for quarter in (None, 1, 2, 3, 4):
        stored = portal_selectors.office_comparison(
            user=city_user, year=YEAR, quarter=quarter
        )
        live = portal_selectors.office_comparison(
            user=city_user, year=YEAR, quarter=quarter, live=True
        )
        assert all(row["computed_at"] is not None for row in stored)
        assert all(row["computed_at"] is None for row in live)
        assert _figures(stored) == _figures(live), quarter
    # and the hand count: 南湖's year is dept_a's 2, the town's 1, the
    # village's 1 and the inactive village's 1 of each rate; 3 on time
    figures = _figures(portal_selectors.office_comparison(user=city_user, year=YEAR))
    assert figures["nanhu"] == [(5, 3)] * len(RATES)
    assert figures["xiuzhou"] == [(1, 1)] * len(RATES)
    q2 = portal_selectors.office_comparison(user=city_user, year=YEAR, quarter=2)
    assert _figures(q2)["nanhu"] == [(1, 0)] * len(RATES)


def test_refresh_takes_the_same_queries_for_a_third_district(spread, city_user):
    # given a refresh of two districts
    with CaptureQueriesContext(connection) as two:
        services.office_rates_refresh(year=YEAR)
    # when a third district with towns and villages of its own has rows
    third = Office.objects.create(
        code="haiyan",
        name="海盐县委办",
        parent=city_user.membership.department.office,
        number_prefix="海盐",
    )
    for n in range(3):
        town = factories.DepartmentFactory(kind=K.TOWN, office=third)
        _due(town, _day(1), True)
        _due(factories.DepartmentFactory(kind=K.VILLAGE, parent=town), _day(2), n == 0)
    with CaptureQueriesContext(connection) as three:
        services.office_rates_refresh(year=YEAR)

    # then no query more, and its figures are stored (upserted, not doubled)
    assert len(three) == len(two)
    assert OfficeRateTally.objects.count() == 3 * 5 * 5
    row = OfficeRateTally.objects.get(office=third, year=YEAR, quarter=0, rate="step")
    assert (row.due, row.on_time) == (6, 4)
    reader = type(city_user).objects.get(pk=city_user.pk)
    stored = portal_selectors.office_comparison(user=reader, year=YEAR)
    live = portal_selectors.office_comparison(user=reader, year=YEAR, live=True)
    assert _figures(stored) == _figures(live)


def test_page_shows_stored_figures_and_their_time_else_counts_live(
    client,
    spread,
    city_user,
):
    client.force_login(city_user)
    url = f"/offices/?year={YEAR}"
    # given no stored figures: counted live
    page = client.get(url).content.decode()
    assert "实时统计" in page and "执规率统计于" not in page
    assert "3/5" in page

    # when the refresh has run (and a stored figure differs from the live one)
    services.office_rates_refresh(year=YEAR)
    OfficeRateTally.objects.filter(
        office__code="nanhu", year=YEAR, quarter=0, rate="duty"
    ).update(due=77, on_time=7)
    response = client.get(url)
    page = response.content.decode()

    # then the page shows the stored figures and when they were computed
    computed = timezone.localtime(OfficeRateTally.objects.latest("pk").computed_at)
    assert f"执规率统计于 {computed:%Y-%m-%d %H:%M}，每日更新" in page
    assert "实时统计" not in page
    assert "7/77" in page
    # and a year with no stored figures is counted live
    page = client.get(f"/offices/?year={YEAR - 1}").content.decode()
    assert "实时统计" in page


def test_outsiders_may_not_open_the_comparison(
    client,
    spread,
    xz_office_user,
    xz_liaison,
    office_user,
    liaison,
):
    services.office_rates_refresh(year=YEAR)
    for user in (xz_office_user, office_user, xz_liaison, liaison):
        client.force_login(user)
        assert client.get(f"/offices/?year={YEAR}").status_code == 403


def test_task_and_command_refresh_the_current_year_and_in_january_the_last(
    spread,
    city_user,
):
    # when the task runs (eagerly) on a day of November, then in January
    refresh_office_rates.delay(today=f"{YEAR}-11-30")
    assert set(OfficeRateTally.objects.values_list("year", flat=True)) == {YEAR}
    refresh_office_rates.delay(today=f"{YEAR + 1}-01-05")
    assert set(OfficeRateTally.objects.values_list("year", flat=True)) == {
        YEAR,
        YEAR + 1,
    }
    row = OfficeRateTally.objects.get(
        office__code="nanhu", year=YEAR, quarter=0, rate="step"
    )
    assert row.as_of == datetime.date(YEAR + 1, 1, 5)
    assert (row.due, row.on_time) == (5, 3)
    # and the command does it on demand for a year
    OfficeRateTally.objects.all().delete()
    out = io.StringIO()
    call_command("refresh_office_rates", "--year", str(YEAR), stdout=out)
    assert "50 条" in out.getvalue()
    assert OfficeRateTally.objects.filter(year=YEAR).count() == 50


def test_beat_runs_the_refresh_daily():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "supervision.tasks.refresh_office_rates"
    )
    schedule = entry["schedule"]
    assert schedule.hour == {1} and schedule.minute == {10}
    assert len(schedule.day_of_week) == 7
