"""The notices API's envelope `count` from the offices' stored notice counts.

An office-wide reader (a district's or the city's office staff, an API client)
sees the notices to its offices' departments; each office's count per kind is
stored (NoticeTally) and kept by the writers of notices (one by one and in
batches), so an unfiltered list, or one filtered by kind, sums a few rows
instead of counting every notice of a city or a province. Any other filter, a
liaison, an inspector (copies) or an office not counted yet counts live. The
count must always be the number of rows the pages hold, and no reader sees
more.
"""

import io
import re
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notices.models import Notice, NoticeTally
from notices.selectors import notice_list
from notices.services import notice_create
from notices.services.batch import notices_create_batch
from notices.services.tallies import notice_tallies_missing, notice_tallies_recount
from org.models import Office
from org.services.departments import department_move
from tests import factories
from tests.notices.conftest import TODAY, make_project
from tests.plans import counted_scans
from workflows.models import StepTally

pytestmark = pytest.mark.django_db

K = Notice.Kind

# The paginator's COUNT over the notices table, as Django spells it.
NOTICES_COUNT = re.compile(r'SELECT COUNT\(\*\) AS "__count" FROM "notices_notice"')


def _draft(department, kind=K.WARNING, *, step=None, cc=()):
    return dict(
        kind=kind,
        department=department,
        title=f"{kind}：{department.name}",
        due_on=TODAY,
        cc_departments=list(cc),
        issued_on=TODAY,
        step=step,
        project=step.project if step else None,
    )


def _step(department, code):
    return factories.StepFactory(
        project=make_project(lead=department), department=department, code=code
    )


@pytest.fixture
def written(nanhu, xiuzhou, dept_a, dept_b, dept_a_child, xz_dept, inspection_group):
    """Notices of every kind in both districts, written after the count (as
    the migration counts every office): one by one and in a batch, one copied
    to the inspection group."""
    notice_tallies_recount()
    notice_create(**_draft(dept_a, K.NOTIFICATION))
    notice_create(**_draft(dept_b, K.REMINDER))
    notice_create(**_draft(dept_a_child, K.ASSIGNMENT))
    notice_create(**_draft(xz_dept, K.ASSIGNMENT))
    notices_create_batch(
        drafts=[
            _draft(dept_a, step=_step(dept_a, "a")),
            _draft(dept_b, step=_step(dept_b, "b"), cc=[inspection_group]),
            _draft(xz_dept, step=_step(xz_dept, "x")),
            _draft(xz_dept, K.REMINDER, step=_step(xz_dept, "y")),
        ]
    )


def _notices(api, user, url="/api/v1/notices/") -> tuple[int, int]:
    """(the envelope's count, how many COUNTs over the notices table it ran),
    asked with pages of one row: a full first page, so the envelope counts."""
    api.force_authenticate(user)
    url += ("&" if "?" in url else "?") + "page_size=1"
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return response.json()["count"], sum(
        bool(NOTICES_COUNT.search(q["sql"])) for q in captured.captured_queries
    )


def _stored() -> dict[tuple[int, str], int]:
    return {
        (office, kind): n
        for office, kind, n in NoticeTally.objects.values_list(
            "office_id", "kind", "notices"
        )
    }


def _live() -> dict[tuple[int, str], int]:
    return {
        (office.pk, kind): Notice.objects.filter(
            department__office=office, kind=kind
        ).count()
        for office in Office.objects.all()
        for kind in K.values
    }


def test_the_writers_keep_each_offices_stored_counts(written, nanhu, xiuzhou):
    # given / when notices written one by one and in a batch after the count
    # then each office's stored count of each kind is its live count
    assert _stored() == _live()
    assert _stored()[(nanhu.pk, K.WARNING)] == 2
    assert _stored()[(xiuzhou.pk, K.ASSIGNMENT)] == 1


def test_the_city_reads_the_stored_counts_without_counting_notices(
    written, api, city_user
):
    # when the city office reads every notice, and every warning
    every = _notices(api, city_user)
    warnings = _notices(api, city_user, "/api/v1/notices/?kind=warning")

    # then both are exact, from the stored counts alone
    assert every == (Notice.objects.count(), 0)
    assert warnings == (Notice.objects.filter(kind=K.WARNING).count(), 0)


def test_a_district_office_counts_only_its_own_notices(
    written, api, office_user, xz_office_user, nanhu, xiuzhou
):
    # when each district's office staff read the notices
    # then each counts its own office's notices, stored
    own = Notice.objects.filter(department__office=nanhu)
    assert _notices(api, office_user) == (own.count(), 0)
    assert _notices(api, office_user, "/api/v1/notices/?kind=reminder") == (
        own.filter(kind=K.REMINDER).count(),
        0,
    )
    other = Notice.objects.filter(department__office=xiuzhou)
    assert _notices(api, xz_office_user) == (other.count(), 0)


def test_liaisons_inspectors_and_other_filters_count_live(
    written, api, liaison, xz_liaison, inspector, city_user, dept_a, dept_a_child
):
    # when liaisons of both districts, an inspector copied on a warning, and
    # the city filtering by status or by kind and status read the notices
    # then each counts live, exactly the rows it may see
    subtree = Notice.objects.filter(department__in=[dept_a, dept_a_child])
    assert _notices(api, liaison) == (subtree.count(), 1)
    assert _notices(api, xz_liaison) == (
        Notice.objects.filter(department__office__code="xiuzhou").count(),
        1,
    )
    assert _notices(api, inspector) == (notice_list(user=inspector).count(), 1)
    pending = Notice.objects.filter(status=Notice.Status.PENDING)
    assert _notices(api, city_user, "/api/v1/notices/?status=pending") == (
        pending.count(),
        1,
    )
    url = "/api/v1/notices/?kind=warning&status=pending"
    assert _notices(api, city_user, url) == (pending.filter(kind=K.WARNING).count(), 1)


def test_an_office_not_counted_yet_is_counted_live(written, api, city_user, nanhu):
    # given 南湖's stored count of warnings missing (data loaded around the
    # services)
    NoticeTally.objects.filter(office=nanhu, kind=K.WARNING).delete()

    # when / then the city's counts are still exact, counting 南湖 live
    assert _notices(api, city_user) == (Notice.objects.count(), 1)
    url = "/api/v1/notices/?kind=warning"
    warnings = Notice.objects.filter(kind=K.WARNING).count()
    assert _notices(api, city_user, url) == (warnings, 1)
    # while the kinds still counted answer stored
    url = "/api/v1/notices/?kind=reminder"
    reminders = Notice.objects.filter(kind=K.REMINDER).count()
    assert _notices(api, city_user, url) == (reminders, 0)
    # and once counted again, stored
    assert notice_tallies_missing() == 1
    assert _notices(api, city_user) == (Notice.objects.count(), 0)


def test_moving_a_unit_to_another_office_counts_both_again(
    written, api, office_user, xz_dept, dept_b, nanhu
):
    # given 南湖's 司法局 with notices
    moved = Notice.objects.filter(department=dept_b).count()
    assert moved > 0

    # when it moves under a 秀洲 unit
    department_move(department=dept_b, parent=xz_dept)

    # then both offices' stored counts follow, and 南湖's staff count fewer
    assert _stored() == _live()
    assert _notices(api, office_user) == (
        Notice.objects.filter(department__office=nanhu).count(),
        0,
    )


@pytest.mark.postgres
def test_the_city_counts_no_notices_on_postgresql(written, api, city_user):
    # given the city office, its districts counted
    api.force_authenticate(city_user)

    def plans(url) -> int:
        return counted_scans(api, url, "notices_notice")

    # when / then: unfiltered and by kind, the plans aggregate no notices; a
    # status filter's do (the test sees a COUNT when there is one).
    assert plans("/api/v1/notices/?page_size=1") == 0
    assert plans("/api/v1/notices/?kind=warning&page_size=1") == 0
    assert plans("/api/v1/notices/?status=pending&page_size=1") >= 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_move_racing_a_notice_write_counts_it_once(nanhu, xiuzhou, dept_b, xz_dept):
    # given the offices counted, and a notice to 南湖's 司法局 written in a
    # transaction still open
    notice_tallies_recount()
    written, finish = threading.Event(), threading.Event()
    failures = []

    def write():
        try:
            with transaction.atomic():
                notice_create(**_draft(dept_b))
                written.set()
                finish.wait(10)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
            written.set()
        finally:
            connection.close()

    def move():
        try:
            department_move(department=dept_b, parent=xz_dept)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    assert written.wait(10)

    # when the unit moves to 秀洲 meanwhile (its recount waits for the write)
    mover = threading.Thread(target=move)
    mover.start()
    time.sleep(0.5)
    finish.set()
    writer.join(10)
    mover.join(10)

    # then the notice is counted once, in the office it ended up in
    assert failures == []
    assert _stored() == _live()
    assert _stored()[(xiuzhou.pk, K.WARNING)] == 1


def test_recount_command_counts_rows_written_around_the_services(
    nanhu, dept_a, xz_dept
):
    # given stored counts, then a notice and steps written around the services
    # (SQL, a load), which the stored counts do not know of
    notice_tallies_recount()
    step = _step(dept_a, "a")
    factories.StepFactory(project=step.project, department=xz_dept, code="b")
    Notice.objects.create(
        kind=K.ASSIGNMENT, year=2026, department=dept_a, title="手工", due_on=TODAY
    )
    before = NoticeTally.objects.filter(office=nanhu, kind=K.ASSIGNMENT).first()

    # when the recount command runs
    out = io.StringIO()
    call_command("recount_tallies", stdout=out)

    # then both counts equal the rows, and it says what it did
    after = NoticeTally.objects.get(office=nanhu, kind=K.ASSIGNMENT)
    assert (before.notices if before else 0) == 0 and after.notices == 1
    steps = {t.office_id: t.steps for t in StepTally.objects.all()}
    assert steps[nanhu.pk] == 1 and steps[xz_dept.office_id] == 1
    assert "已重新统计" in out.getvalue()
