import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from responsibilities.models import ResponsibilityList
from tests.factories import DepartmentFactory, RegulationFactory, ResponsibilityFactory
from workflows import services
from workflows.models import CalendarDay, ExecutionProject, Receipt, Step

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def project_a(launch):
    return launch(partner_departments=[])


def _launch_step(project, dept):
    return Step.objects.get(project=project, department=dept, code="training")


def test_overview_page_lists_visible_projects(client, project_a, outsider, office_user):
    # given / when the office looks
    client.force_login(office_user)
    page = client.get("/workflows/").content.decode()
    # then
    assert project_a.regulation.title in page
    assert "发起项目" in page
    # the outsider sees nothing of A
    client.force_login(outsider)
    page = client.get("/workflows/").content.decode()
    assert project_a.regulation.title not in page
    assert client.get(f"/workflows/projects/{project_a.pk}/").status_code == 404
    step = _launch_step(project_a, project_a.lead_department)
    assert client.get(f"/workflows/steps/{step.pk}/").status_code == 404


def test_overview_rows_escape_and_show_each_projects_figures(
    client, project_a, office_user
):
    # given a project whose title has HTML's special characters, with steps
    # overdue and one submitted
    project_a.regulation.title = 'A<b> & "C"'
    project_a.regulation.save()
    steps = list(project_a.steps.exclude(department=None).order_by("order", "id"))
    Step.objects.filter(pk=steps[0].pk).update(
        status=Step.Status.OPEN, due_on=timezone.localdate() - datetime.timedelta(1)
    )
    Step.objects.filter(pk=steps[1].pk).update(status=Step.Status.SUBMITTED)
    client.force_login(office_user)

    # when the office opens the overview
    row = client.get("/workflows/").content.decode().split("<tbody>")[1]

    # then the row links the project with its title escaped, and shows its
    # light, badges, progress, plan date and status
    assert f'<a href="/workflows/projects/{project_a.pk}/">' in row
    assert "A&lt;b&gt; &amp; &quot;C&quot;</a>" in row and "<b>" not in row
    assert '<span class="light light-red" title="红灯：已逾期"></span>' in row
    assert re.search(r'<span class="badge text-bg-danger">逾期[1-9]\d*</span>', row)
    assert '<span class="badge text-bg-primary">待审1</span>' in row
    assert f">{project_a.due_on:%Y-%m-%d}</td>" in row
    assert project_a.get_status_display() in row


def test_overview_page_bad_filter_is_a_message(client, office_user, project_a):
    client.force_login(office_user)
    response = client.get("/workflows/?light=purple&year=abc")
    assert response.status_code == 200
    assert "筛选条件无效" in response.content.decode()


def test_project_page_shows_grid_and_timeline(client, launch, office_user, liaison):
    project = launch()
    services.receipt_confirm(
        receipt=Receipt.objects.get(
            project=project, department=liaison.membership.department
        ),
        actor=liaison,
    )
    client.force_login(office_user)
    page = client.get(f"/workflows/projects/{project.pk}/").content.decode()
    assert "各单位步骤" in page and "培训" in page and "配套" in page
    assert "确认回执" in page and "发起项目" in page
    assert "区司法局" in page  # partner department row


def test_inbox_one_tap_receipt_and_returned_first(
    client, launch, liaison, office_user, dept_a
):
    # given two projects; one step returned
    first = launch()
    second = launch(regulation=RegulationFactory())
    returned = _launch_step(second, dept_a)
    services.step_submit(step=returned, actor=liaison, text="x")
    services.step_return(step=returned, actor=office_user, reason="请补充签到表")
    client.force_login(liaison)
    # when
    page = client.get("/inbox/").content.decode()
    # then the returned step comes first with its reason; first's receipt waits
    receipts_part, steps_part = page.split("待办步骤", 1)
    assert first.regulation.title in receipts_part
    assert steps_part.index("请补充签到表") < steps_part.index(first.regulation.title)
    receipt = Receipt.objects.get(project=first, department=dept_a)
    response = client.post(f"/workflows/receipts/{receipt.pk}/confirm/")
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.confirmed_at is not None


def test_old_inbox_page_redirects_to_the_one_inbox_keeping_the_query(client, liaison):
    # given a liaison with an old link to the workflows inbox
    client.force_login(liaison)
    # when it is opened
    response = client.get("/workflows/inbox/?tab=1&page=2")
    # then it lands on 我的待办, the one inbox, with the same query
    assert response.status_code == 302
    assert response["Location"] == "/inbox/?tab=1&page=2"


def test_inbox_outsider_cannot_confirm_other_receipt(client, project_a, outsider):
    receipt = Receipt.objects.get(project=project_a)
    client.force_login(outsider)
    assert client.post(f"/workflows/receipts/{receipt.pk}/confirm/").status_code == 404
    receipt.refresh_from_db()
    assert receipt.confirmed_at is None


def test_step_page_upload_review_and_download(
    client, project_a, liaison, office_user, outsider, dept_a, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    step = _launch_step(project_a, dept_a)
    # the liaison uploads
    client.force_login(liaison)
    page = client.get(f"/workflows/steps/{step.pk}/").content.decode()
    assert "提交佐证材料" in page
    upload = SimpleUploadedFile("签到表.xlsx", b"PK\x03\x04xlsx-bytes")
    client.post(
        f"/workflows/steps/{step.pk}/submit/", {"text": "已培训", "files": [upload]}
    )
    step.refresh_from_db()
    assert step.status == Step.Status.SUBMITTED
    record = step.evidence.get().files.get()
    # the office returns without a reason: refused, with a reason: returned
    client.force_login(office_user)
    client.post(f"/workflows/steps/{step.pk}/return/", {"reason": ""})
    step.refresh_from_db()
    assert step.status == Step.Status.SUBMITTED
    client.post(f"/workflows/steps/{step.pk}/return/", {"reason": "签到表缺页"})
    step.refresh_from_db()
    assert step.status == Step.Status.RETURNED
    # downloads are permission-checked
    response = client.get(f"/workflows/evidence/files/{record.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04xlsx-bytes"
    client.force_login(outsider)
    assert client.get(f"/workflows/evidence/files/{record.pk}/").status_code == 404
    # and the file is not served as public media
    client.force_login(office_user)
    assert (tmp_path / record.file.name).is_file()
    assert client.get(f"/media/{record.file.name}").status_code == 404


def test_step_page_bad_file_shows_chinese_error(
    client, project_a, liaison, dept_a, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    step = _launch_step(project_a, dept_a)
    client.force_login(liaison)
    upload = SimpleUploadedFile("脚本.sh", b"rm -rf")
    response = client.post(
        f"/workflows/steps/{step.pk}/submit/",
        {"text": "x", "files": [upload]},
        follow=True,
    )
    assert "类型不允许上传" in response.content.decode()
    step.refresh_from_db()
    assert step.status == Step.Status.OPEN


def test_launch_and_bulk_launch_pages(
    client, office_user, liaison, dept_a, dept_b, django_capture_on_commit_callbacks
):
    ResponsibilityFactory(department=dept_a, default_flow="simple")
    client.force_login(liaison)
    assert client.get("/workflows/launch/").status_code == 403
    assert client.get("/workflows/launch/bulk/").status_code == 403
    client.force_login(office_user)
    # single launch with bad input: Chinese error, nothing created
    response = client.post("/workflows/launch/", {"year": "2026"})
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    assert ExecutionProject.objects.count() == 0
    # bulk: preview, then confirm
    page = client.get("/workflows/launch/bulk/?year=2026&starts_on=2026-11-02")
    assert "可发起" in page.content.decode()
    row = ResponsibilityList.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/workflows/launch/bulk/",
            {"year": "2026", "starts_on": "2026-11-02", "responsibilities": [row.pk]},
        )
    assert response.status_code == 302
    assert ExecutionProject.objects.count() == 1
    page = client.get("/workflows/launch/bulk/?year=2026&starts_on=2026-11-02")
    assert "2026年度已发起" in page.content.decode()


def test_flow_template_pages(client, office_user, liaison):
    client.force_login(liaison)
    assert client.get("/workflows/flows/").status_code == 403
    client.force_login(office_user)
    page = client.get("/workflows/flows/").content.decode()
    assert "七步法" in page and "通报" in page and "评价闭环" in page


def test_calendar_page_edits_and_fallback_notice(client, office_user, liaison):
    client.force_login(liaison)
    assert client.get("/workflows/calendar/").status_code == 403
    client.force_login(office_user)
    page = client.get("/workflows/calendar/?year=2026&month=10").content.decode()
    assert "已内置" in page and "国庆节" in page and "National Day" not in page
    page = client.get("/workflows/calendar/?year=2027&month=1").content.decode()
    assert "周一至周五" in page
    client.post(
        "/workflows/calendar/",
        {"date": "2027-01-01", "is_workday": "", "note": "元旦"},
    )
    assert CalendarDay.objects.get(date=D(2027, 1, 1)).is_workday is False


@pytest.mark.parametrize(
    "url",
    ["/workflows/", "/inbox/", "/workflows/review/"],
)
def test_list_pages_constant_query_count(
    client, launch, office_user, liaison, url, django_assert_max_num_queries
):
    user = liaison if "inbox" in url else office_user
    client.force_login(user)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def grow(n):
        for _ in range(n):
            project = launch(regulation=RegulationFactory())
            step = _launch_step(project, liaison.membership.department)
            services.step_submit(step=step, actor=liaison, text="x")

    grow(2)
    small = measure()
    grow(6)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


def test_project_page_constant_query_count(
    client, launch, office_user, django_assert_max_num_queries
):
    client.force_login(office_user)
    few = launch(partner_departments=DepartmentFactory.create_batch(1))
    many = launch(
        regulation=RegulationFactory(),
        partner_departments=DepartmentFactory.create_batch(8),
    )
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/workflows/projects/{few.pk}/").status_code == 200
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert client.get(f"/workflows/projects/{many.pk}/").status_code == 200


def test_inbox_receipt_confirm_with_htmx_swaps_the_row(client, project_a, liaison):
    receipt = Receipt.objects.get(project=project_a)
    client.force_login(liaison)
    response = client.post(
        f"/workflows/receipts/{receipt.pk}/confirm/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "已确认回执" in response.content.decode()
    receipt.refresh_from_db()
    assert receipt.confirmed_at is not None


@pytest.mark.parametrize(
    "year, month",
    [("99999999999999999999999", "1"), ("1", "1"), ("9999", "12"), ("0", "1")],
)
def test_calendar_page_year_out_of_range_shows_this_month(
    client, office_user, year, month
):
    # given: a year datetime.date (or the month links around it) cannot hold
    client.force_login(office_user)
    # when
    response = client.get("/workflows/calendar/", {"year": year, "month": month})
    # then: the current month, not a 500
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["first"] == today.replace(day=1)


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/inbox/?tab=1", "/inbox/?tab=1"),
        ("/\\evil.example/", "/inbox/"),
        ("//evil.example/", "/inbox/"),
        ("https://evil.example/", "/inbox/"),
    ],
)
def test_receipt_confirm_next_stays_on_this_site(
    client, project_a, liaison, target, expected
):
    # given
    receipt = Receipt.objects.get(project=project_a)
    client.force_login(liaison)
    # when
    response = client.post(
        f"/workflows/receipts/{receipt.pk}/confirm/", {"next": target}
    )
    # then: a local path is followed, anything a browser would take off-site is not
    assert response.status_code == 302
    assert response["Location"] == expected


def test_overview_page_ignores_a_year_int_cannot_read(client, office_user, project_a):
    # given: "²" passes str.isdigit() but int() refuses it (was a 500)
    client.force_login(office_user)
    # when
    response = client.get("/workflows/?year=²&department=1e23&page=abc")
    # then: the bad filters are ignored, the rest of the page is there
    assert response.status_code == 200
    page = response.content.decode()
    assert "筛选条件无效" in page
    assert project_a.regulation.title in page


def test_overview_emptied_year_filter_shows_every_year(client, launch, office_user):
    # given a project of this year and one of an earlier year
    this_year = launch(year=timezone.localdate().year)
    earlier = launch(regulation=RegulationFactory(), year=2020)
    client.force_login(office_user)
    # when the list opens (this year by default), then with the year emptied
    default = client.get("/workflows/").content.decode()
    cleared = client.get("/workflows/?year=&q=").content.decode()
    export = client.get("/workflows/export/?year=")
    # then the default is this year; an empty year is no filter, also in Excel
    assert this_year.regulation.title in default
    assert earlier.regulation.title not in default
    assert this_year.regulation.title in cleared
    assert earlier.regulation.title in cleared
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    years = {row[0] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert years == {this_year.year, 2020}
