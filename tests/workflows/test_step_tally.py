"""The steps API's envelope `count` from the offices' stored step counts.

An office-wide reader (a district's or the city's office staff, an API client)
sees the steps of its offices' departments; each office's count is stored
(StepTally) and kept by the launch, the one writer of steps, so an unfiltered
list sums a few rows instead of counting every step of a city or a province.
A filter, a liaison or an office not counted yet counts live. The count must
always be the number of rows the pages hold, and no reader sees more.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import Department, Office
from org.services.departments import department_move, office_create
from tests import factories
from tests.plans import counted_scans
from workflows import services
from workflows.flows import seed_default_flows
from workflows.models import FlowTemplate, Step, StepTally, StepTemplate
from workflows.selectors import step_list
from workflows.services.tallies import step_tallies_missing, step_tallies_recount

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 9, 1)

# The paginator's COUNT over the steps table, as Django spells it.
STEPS_COUNT = re.compile(r'SELECT COUNT\(\*\) AS "__count" FROM "workflows_step"')


@pytest.fixture
def counted(db, nanhu, xiuzhou):
    """Both districts and the city with flows, counted before any launch (as
    the migration counts every office)."""
    seed_default_flows(FlowTemplate, StepTemplate)
    step_tallies_recount()


def _launch(actor, lead, partners=()):
    return services.project_launch(
        regulation=factories.RegulationFactory(),
        year=2026,
        lead_department=lead,
        partner_departments=list(partners),
        flow_code="general",
        starts_on=START,
        actor=actor,
    )


def _steps(api, user, url="/api/v1/steps/") -> tuple[int, int, set[int]]:
    """(the envelope's count, how many COUNTs over the steps table it ran, the
    departments of the page), asked with pages of one row: a full first page,
    so the envelope counts (a short first page is its own count)."""
    api.force_authenticate(user)
    url += ("&" if "?" in url else "?") + "page_size=1"
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    return (
        body["count"],
        sum(bool(STEPS_COUNT.search(q["sql"])) for q in captured.captured_queries),
        {row["department"] for row in body["results"]},
    )


def _stored() -> dict[int, int]:
    return dict(StepTally.objects.values_list("office_id", "steps"))


def _live() -> dict[int, int]:
    return {
        office.pk: Step.objects.filter(department__office=office).count()
        for office in Office.objects.all()
    }


@pytest.fixture
def launched(
    counted, office_user, xz_office_user, dept_a, dept_b, dept_a_child, xz_dept
):
    _launch(office_user, dept_a, partners=[dept_b, dept_a_child])
    _launch(office_user, dept_b)
    _launch(xz_office_user, xz_dept)


def test_launches_keep_each_offices_stored_count(launched, nanhu, xiuzhou):
    # given / when three launches in two districts after the count
    # then each office's stored count is its live count
    assert _stored() == _live()
    assert _stored()[nanhu.pk] > _stored()[xiuzhou.pk] > 0


def test_the_city_reads_the_stored_counts_without_counting_steps(
    launched, api, city_user
):
    # when the city office reads every step of its districts
    count, counts_run, _ = _steps(api, city_user)

    # then the count is every step, from the stored counts alone
    assert (count, counts_run) == (Step.objects.count(), 0)


def test_a_district_office_counts_only_its_own_steps(
    launched, api, office_user, xz_office_user, nanhu, xiuzhou
):
    # when each district's office staff read the steps
    nanhu_count, runs, departments = _steps(api, office_user)
    xz_count, xz_runs, xz_departments = _steps(api, xz_office_user)

    # then each counts its own office's steps, stored, and sees no other's
    assert (nanhu_count, runs) == (_live()[nanhu.pk], 0)
    assert (xz_count, xz_runs) == (_live()[xiuzhou.pk], 0)
    assert Department.objects.get(pk=departments.pop()).office == nanhu
    assert Department.objects.get(pk=xz_departments.pop()).office == xiuzhou


def test_liaisons_inspectors_and_filters_count_live(
    launched,
    api,
    liaison,
    xz_liaison,
    inspector,
    city_user,
    dept_a,
    dept_a_child,
    xz_dept,
):
    # when a liaison, another district's liaison and an inspector read, and
    # the city filters by status
    owner = _steps(api, liaison)
    outsider = _steps(api, xz_liaison)
    watcher = _steps(api, inspector)
    open_ = _steps(api, city_user, "/api/v1/steps/?status=open")

    # then each counts live, exactly the rows it may see
    subtree = [dept_a.pk, dept_a_child.pk]
    assert owner[:2] == (Step.objects.filter(department__in=subtree).count(), 1)
    assert owner[2] <= set(subtree)
    assert outsider[:2] == (Step.objects.filter(department=xz_dept).count(), 1)
    assert watcher[:2] == (step_list(user=inspector).count(), 1)
    assert open_[:2] == (Step.objects.filter(status="open").count(), 1)


def test_an_office_not_counted_yet_is_counted_live(launched, api, city_user, nanhu):
    # given 南湖's stored count missing (data loaded around the services)
    StepTally.objects.filter(office=nanhu).delete()

    # when / then the city's count is still exact, counting 南湖 live
    assert _steps(api, city_user)[:2] == (Step.objects.count(), 1)
    # and once counted again, stored
    assert step_tallies_missing() == 1
    assert _steps(api, city_user)[:2] == (Step.objects.count(), 0)


def test_moving_a_unit_to_another_office_counts_both_again(
    launched, api, office_user, xz_dept, dept_b, nanhu, xiuzhou
):
    # given 南湖's 司法局 with steps
    moved = Step.objects.filter(department=dept_b).count()
    before = _stored()
    assert moved > 0

    # when it moves under a 秀洲 unit
    department_move(department=dept_b, parent=xz_dept)

    # then both offices' stored counts follow, and 南湖's staff count fewer
    assert _stored() == _live()
    assert _stored()[nanhu.pk] == before[nanhu.pk] - moved
    assert _stored()[xiuzhou.pk] == before[xiuzhou.pk] + moved
    assert _steps(api, office_user)[:2] == (_live()[nanhu.pk], 0)


def test_a_new_office_starts_counted_at_zero(counted, city):
    # when
    office = office_create(
        code="pinghu", name="平湖市委办", number_prefix="平湖执规", parent=city
    )

    # then
    assert _stored()[office.pk] == 0


@pytest.mark.postgres
def test_the_city_counts_no_steps_on_postgresql(launched, api, city_user):
    # given the city office, its districts counted
    api.force_authenticate(city_user)

    def plans(url) -> int:
        return counted_scans(api, url, "workflows_step")

    # when / then: the unfiltered list's plans aggregate no steps; a status
    # filter's do (the test sees a COUNT when there is one). Pages of one row.
    assert plans("/api/v1/steps/?page_size=1") == 0
    assert plans("/api/v1/steps/?status=open&page_size=1") >= 1
