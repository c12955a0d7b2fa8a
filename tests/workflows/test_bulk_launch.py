"""Bulk launch from the lead list: the office's choice of rows, the warning about
years without holiday data, and the background job's progress and summary."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from regulations.models import Regulation
from responsibilities.models import ResponsibilityList
from tests.factories import DepartmentFactory, ResponsibilityFactory
from workflows import calendar, services, tasks
from workflows.models import BulkLaunchJob, CalendarDay, Event, ExecutionProject

pytestmark = pytest.mark.django_db
D = datetime.date
START = D(2026, 3, 2)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.reset_local_cache()
    yield
    calendar.reset_local_cache()


@pytest.fixture
def lead_rows(db):
    """Three launchable lead-list rows, each with its own lead and one partner."""
    rows = []
    for _ in range(3):
        lead, partner = DepartmentFactory.create_batch(2)
        row = ResponsibilityFactory(department=lead, default_flow="simple")
        row.partner_departments.set([partner])
        rows.append(row)
    return rows


@pytest.fixture
def start_job(office_user, django_capture_on_commit_callbacks):
    """start_job(ids) -> the job, after its (eager) task ran at commit."""

    def _start(ids, *, year=2026, starts_on=START):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.bulk_launch_start(
                year=year,
                starts_on=starts_on,
                responsibility_ids=ids,
                actor=office_user,
            )
        job.refresh_from_db()
        return job

    return _start


def test_bulk_launch_launches_only_the_chosen_rows(lead_rows, start_job):
    # given three launchable rows, of which the office chooses the first and last
    first, middle, last = lead_rows
    # when the job runs
    job = start_job([first.pk, last.pk])
    # then exactly those two projects exist, with the list's lead and partners
    projects = ExecutionProject.objects.filter(year=2026)
    assert {p.regulation_id for p in projects} == {
        first.regulation_id,
        last.regulation_id,
    }
    project = projects.get(regulation=first.regulation)
    assert project.lead_department == first.department
    assert list(project.partner_departments.all()) == list(
        first.partner_departments.all()
    )
    # and each went through the launch service (its launch event is there)
    assert Event.objects.filter(action="launch", project__in=projects).count() == 2
    # and the job says it is finished: 2 of 2, both launched, none skipped
    assert job.is_finished and job.started_at is not None
    assert (job.processed, job.total, job.percent) == (2, 2, 100)
    assert [r["project"] for r in job.launched] == [
        projects.get(regulation=first.regulation).pk,
        projects.get(regulation=last.regulation).pk,
    ]
    assert job.skipped == []
    assert not ExecutionProject.objects.filter(regulation=middle.regulation).exists()


def test_bulk_launch_reports_a_failing_row_and_launches_the_others(
    lead_rows, start_job, office_user
):
    # given three chosen rows: one already launched by hand since the preview,
    # one whose regulation was repealed meanwhile
    done, repealed, good = lead_rows
    services.project_launch(
        regulation=done.regulation,
        year=2026,
        lead_department=done.department,
        starts_on=START,
        actor=office_user,
    )
    Regulation.objects.filter(pk=repealed.regulation_id).update(
        status=Regulation.Status.REPEALED
    )
    # when the job runs
    job = start_job([done.pk, repealed.pk, good.pk])
    # then the good row is launched, the other two are skipped with reasons
    assert [r["regulation"] for r in job.launched] == [good.regulation.title]
    assert {r["regulation"]: r["reason"] for r in job.skipped} == {
        done.regulation.title: "该法规2026年度的执行项目已经发起，不能重复发起。",
        repealed.regulation.title: "该法规已废止，不能发起执行项目。",
    }
    assert job.processed == 3 and job.is_finished
    assert ExecutionProject.objects.filter(regulation=good.regulation).exists()


def test_bulk_launch_task_run_twice_launches_nothing_twice(lead_rows, start_job):
    # given a finished job
    job = start_job([lead_rows[0].pk])
    # when the task is delivered again (acks_late after a lost worker)
    tasks.bulk_launch_run(job.pk)
    # then nothing more is launched and the summary is unchanged
    job.refresh_from_db()
    assert ExecutionProject.objects.count() == 1
    assert len(job.results) == 1 and job.processed == 1


def test_bulk_launch_task_resumes_a_job_cut_short(lead_rows, office_user):
    # given a job whose worker died after its first row
    first, second, _ = lead_rows
    job = BulkLaunchJob.objects.create(
        year=2026,
        starts_on=START,
        responsibility_ids=[first.pk, second.pk],
        total=2,
        created_by=office_user,
    )
    services.bulk_launch_run(job_id=job.pk)
    job.refresh_from_db()
    ExecutionProject.objects.filter(regulation=second.regulation).delete()
    BulkLaunchJob.objects.filter(pk=job.pk).update(
        finished_at=None, processed=1, results=job.results[:1]
    )
    # when the task runs again
    tasks.bulk_launch_run(job.pk)
    # then only the missing row is launched, and the job is finished
    job.refresh_from_db()
    assert job.is_finished and job.processed == 2
    assert ExecutionProject.objects.filter(regulation=first.regulation).count() == 1
    assert ExecutionProject.objects.filter(regulation=second.regulation).count() == 1


def test_bulk_launch_start_refuses_an_empty_choice_and_other_lists(
    office_user, lead_rows
):
    driver = ResponsibilityFactory(kind=ResponsibilityList.Kind.DRIVER)
    # when nothing is chosen / a row of another list is slipped in
    with pytest.raises(DomainError, match="请至少选择一条"):
        services.bulk_launch_start(
            year=2026, starts_on=START, responsibility_ids=[], actor=office_user
        )
    with pytest.raises(DomainError, match="不在牵头执行部门清单中"):
        services.bulk_launch_start(
            year=2026,
            starts_on=START,
            responsibility_ids=[lead_rows[0].pk, driver.pk],
            actor=office_user,
        )
    # then no job was queued
    assert BulkLaunchJob.objects.count() == 0


def test_bulk_launch_start_refuses_a_liaison(liaison, lead_rows):
    with pytest.raises(NotAllowed):
        services.bulk_launch_start(
            year=2026,
            starts_on=START,
            responsibility_ids=[lead_rows[0].pk],
            actor=liaison,
        )
    assert BulkLaunchJob.objects.count() == 0


def test_years_without_holidays_follow_the_deadlines(db):
    # given the package knows 2026 but not 2027, and the general flow's
    # deadlines run about three months
    assert calendar.year_is_known(2026) and not calendar.year_is_known(2027)
    # when a 2026 launch starts in March: every deadline stays in 2026
    spring = services.bulk_launch_years_without_holidays(
        year=2026, starts_on=START, flow_codes={"general"}
    )
    # when it starts in December: the deadlines reach into 2027
    winter = services.bulk_launch_years_without_holidays(
        year=2026, starts_on=D(2026, 12, 1), flow_codes={"general", "simple"}
    )
    # when the launch year itself is unknown
    later = services.bulk_launch_years_without_holidays(
        year=2028, starts_on=D(2028, 3, 1), flow_codes={"simple"}
    )
    # then
    assert spring == []
    assert winter == [2027]
    assert later == [2028]


def test_years_without_holidays_count_days_the_office_entered(db):
    # given the office entered 2027's New Year holiday in the calendar
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    calendar.reset_local_cache()
    # when a December launch reaches into 2027
    years = services.bulk_launch_years_without_holidays(
        year=2026, starts_on=D(2026, 12, 1), flow_codes={"general"}
    )
    # then 2027 is no longer reported as unknown
    assert years == []


def test_bulk_launch_page_checks_launchable_rows_and_warns(
    client, office_user, lead_rows
):
    # given the office previews a December start (deadlines reach into 2027)
    client.force_login(office_user)
    # when the page renders
    html = client.get("/workflows/launch/bulk/?year=2026&starts_on=2026-12-01")
    html = html.content.decode()
    # then every launchable row is a checked box, and the warning names 2027
    boxes = re.findall(r'<input[^>]*name="responsibilities"[^>]*>', html)
    assert len(boxes) == len(lead_rows)
    assert all(box.endswith(" checked>") for box in boxes)
    assert "工作日历中没有2027年的节假日数据" in html
    # and a March start in 2026 has no warning
    html = client.get("/workflows/launch/bulk/?year=2026&starts_on=2026-03-02")
    assert "节假日数据" not in html.content.decode()


def test_bulk_launch_page_starts_a_job_and_shows_its_summary(
    client, office_user, lead_rows, django_capture_on_commit_callbacks
):
    client.force_login(office_user)
    chosen = [lead_rows[0].pk, lead_rows[2].pk]
    # when the office posts its choice of two rows
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/workflows/launch/bulk/",
            {"year": "2026", "starts_on": "2026-03-02", "responsibilities": chosen},
        )
    # then it lands on the job's progress page, which shows the summary
    job = BulkLaunchJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workflows/launch/bulk/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "完成" in page and "已发起 <strong" in page
    for row in (lead_rows[0], lead_rows[2]):
        project = ExecutionProject.objects.get(regulation=row.regulation)
        assert f'href="/workflows/projects/{project.pk}/"' in page
    # and the htmx poll gets the fragment alone, which stops polling when done
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    fragment = fragment.content.decode()
    assert "<html" not in fragment and 'id="bulk-progress"' in fragment
    assert "hx-trigger" not in fragment


def test_bulk_launch_progress_polls_while_running(client, office_user, lead_rows):
    # given a queued job the worker has not started
    job = BulkLaunchJob.objects.create(
        year=2026,
        starts_on=START,
        responsibility_ids=[lead_rows[0].pk],
        total=1,
        created_by=office_user,
    )
    client.force_login(office_user)
    # when the page polls
    fragment = client.get(
        f"/workflows/launch/bulk/{job.pk}/", headers={"HX-Request": "true"}
    ).content.decode()
    # then it keeps polling and says it waits
    assert 'hx-trigger="every 1s"' in fragment
    assert "排队中" in fragment


def test_bulk_launch_page_without_a_choice_keeps_the_preview(
    client, office_user, lead_rows
):
    client.force_login(office_user)
    # when the office clears every box and submits
    response = client.post(
        "/workflows/launch/bulk/", {"year": "2026", "starts_on": "2026-03-02"}
    )
    # then the preview comes back with a Chinese error, nothing queued
    html = response.content.decode()
    assert response.status_code == 200
    assert "请至少选择一条清单条目。" in html
    assert f'value="{lead_rows[0].pk}"' in html
    assert BulkLaunchJob.objects.count() == 0


def test_bulk_launch_job_page_is_office_only(client, liaison, office_user, lead_rows):
    job = BulkLaunchJob.objects.create(
        year=2026, starts_on=START, total=0, created_by=office_user
    )
    client.force_login(liaison)
    assert client.get(f"/workflows/launch/bulk/{job.pk}/").status_code == 403


def test_launch_form_from_a_lead_row_is_prefilled(client, office_user, lead_rows):
    # given a lead-list row with one active and one stopped partner
    row = lead_rows[0]
    stopped = DepartmentFactory(is_active=False)
    row.partner_departments.add(stopped)
    partner = row.partner_departments.exclude(pk=stopped.pk).get()
    client.force_login(office_user)
    # when the office opens the launch form from that row
    form = client.get(f"/workflows/launch/?responsibility={row.pk}").context["form"]
    # then regulation, lead, active partners and the listed flow are filled in
    assert form.initial["regulation"] == row.regulation_id
    assert form.initial["lead_department"] == row.department_id
    assert form.initial["partner_departments"] == [partner.pk]
    assert form.initial["flow"] == "simple"
    # and opened from the regulation, the same row answers
    form = client.get(f"/workflows/launch/?regulation={row.regulation_id}").context[
        "form"
    ]
    assert form.initial["lead_department"] == row.department_id


def test_lead_list_rows_link_to_the_launch_form(client, office_user, lead_rows):
    client.force_login(office_user)
    html = client.get("/responsibilities/?kind=lead").content.decode()
    for row in lead_rows:
        assert f'href="/workflows/launch/?responsibility={row.pk}">启动项目' in html


def test_bulk_launch_preview_queries_do_not_grow_with_rows(client, office_user):
    # given the preview of a list of 2 rows, then of 10
    client.force_login(office_user)
    url = "/workflows/launch/bulk/?year=2026&starts_on=2026-12-01"

    def queries(count):
        for _ in range(count):
            row = ResponsibilityFactory(department=DepartmentFactory())
            row.partner_departments.set([DepartmentFactory()])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    # when each renders (after a first request warmed the calendar's copy)
    queries(1)
    # then the count of queries is the same
    assert queries(2) == queries(8)


def test_bulk_launch_progress_stops_polling_a_stalled_job(
    client, office_user, lead_rows
):
    # given a job queued an hour ago that no worker ever started
    job = BulkLaunchJob.objects.create(
        year=2026, starts_on=START, total=1, created_by=office_user
    )
    BulkLaunchJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(office_user)
    # when the page is opened
    html = client.get(f"/workflows/launch/bulk/{job.pk}/").content.decode()
    # then it says so instead of polling forever
    assert "后台任务长时间没有完成" in html
    assert "hx-trigger" not in html
