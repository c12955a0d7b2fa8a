"""Launching from the lead list in a real browser: a bulk launch of the rows the
office ticks, with its progress page, and the single form opened from a row."""

import pytest
from django.utils import timezone

from tests.factories import DepartmentFactory, ResponsibilityFactory
from workflows import calendar, services
from workflows.models import BulkLaunchJob, ExecutionProject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.reset_local_cache()
    yield
    calendar.reset_local_cache()


def test_bulk_launch_of_two_chosen_rows_ends_with_a_summary(
    open_tab, expect, office_user
):
    # given three launchable rows in the lead list
    rows = []
    for name in ("甲", "乙", "丙"):
        lead = DepartmentFactory(name=f"区{name}局")
        row = ResponsibilityFactory(
            department=lead,
            default_flow="simple",
            regulation__title=f"党内法规{name}",
        )
        rows.append(row)
    first, middle, last = rows
    year = timezone.localdate().year
    tab = open_tab().login_as(office_user)
    page = tab.page
    tab.goto(f"/workflows/launch/bulk/?year={year}&starts_on={year}-03-02")
    boxes = page.locator('input[name="responsibilities"]')
    expect(boxes).to_have_count(3)
    for i in range(3):
        expect(boxes.nth(i)).to_be_checked()  # all chosen as the page renders

    # when the office unticks the middle row and launches the other two
    page.get_by_label(f"发起：{middle.regulation.title}").uncheck()
    button = page.get_by_role("button", name="发起选中的 2 个项目")
    expect(button).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()

    # then the progress page reaches 完成 with the summary and links
    expect(page.locator("#bulk-status")).to_have_text("完成")
    expect(page.locator("#bulk-launched")).to_have_text("2")
    expect(page.locator("#bulk-skipped")).to_have_text("0")
    links = page.locator("#bulk-launched-list a")
    expect(links).to_have_count(2)
    # and exactly those two projects exist
    launched = ExecutionProject.objects.filter(year=year)
    assert {p.regulation_id for p in launched} == {
        first.regulation_id,
        last.regulation_id,
    }
    job = BulkLaunchJob.objects.get()
    assert page.url.endswith(f"/workflows/launch/bulk/{job.pk}/")
    # a link leads to its project
    links.filter(has_text=first.regulation.title).click()
    expect(page.get_by_role("heading", name=first.regulation.title)).to_be_visible()
    assert tab.console_errors == []


def test_launch_form_opened_from_the_lead_list_submits_untouched(
    open_tab, expect, office_user, dept_a, dept_b
):
    # given a lead-list row: dept_a leads, dept_b partners
    row = ResponsibilityFactory(department=dept_a, regulation__title="党内法规丁")
    row.partner_departments.set([dept_b])
    tab = open_tab().login_as(office_user)
    page = tab.page
    tab.goto("/responsibilities/?kind=lead")

    # when the office clicks 启动项目 on that row and submits the form untouched
    page.locator("tr", has_text="党内法规丁").get_by_role(
        "link", name="启动项目"
    ).click()
    expect(page.get_by_role("heading", name="发起执行项目")).to_be_visible()
    # the partner list is searchable and shows dept_b chosen
    expect(page.get_by_label(dept_b.name, exact=True)).to_be_checked()
    page.get_by_role("button", name="发起", exact=True).click()

    # then the project exists with the list's lead and partners, started today
    expect(page.get_by_text("执行项目已发起")).to_be_visible()
    project = ExecutionProject.objects.get(regulation=row.regulation)
    assert project.lead_department == dept_a
    assert list(project.partner_departments.all()) == [dept_b]
    assert project.starts_on == timezone.localdate()
    assert tab.console_errors == []


def test_partner_filter_box_narrows_the_list_and_ticks_the_select(
    open_tab, expect, office_user, dept_a, dept_b
):
    # given many departments and the launch form
    for i in range(30):
        DepartmentFactory(name=f"测试单位{i:02d}")
    tab = open_tab().login_as(office_user)
    page = tab.page
    tab.goto("/workflows/launch/")
    select = page.locator("select[name=partner_departments]")
    expect(select).to_be_hidden()  # replaced by the filter box and checkboxes

    # when the office types part of a name and ticks the one match
    page.get_by_label("筛选配合部门").fill("单位07")
    boxes = page.locator(".zhigui-multiselect-list .form-check:visible")
    expect(boxes).to_have_count(1)
    page.get_by_label("测试单位07").check()

    # then the hidden select posts it, and the summary names it
    chosen = select.evaluate(
        "s => Array.from(s.selectedOptions).map(o => o.textContent)"
    )
    assert chosen == ["测试单位07"]
    expect(page.locator(".zhigui-multiselect-summary")).to_contain_text("测试单位07")


def test_progress_page_polls_until_the_worker_finishes(open_tab, expect, office_user):
    # given a queued job no worker has picked up yet
    row = ResponsibilityFactory(department=DepartmentFactory(), default_flow="simple")
    job = BulkLaunchJob.objects.create(
        year=timezone.localdate().year,
        starts_on=timezone.localdate(),
        responsibility_ids=[row.pk],
        total=1,
        created_by=office_user,
    )
    tab = open_tab().login_as(office_user)
    page = tab.page
    tab.goto(f"/workflows/launch/bulk/{job.pk}/")
    expect(page.locator("#bulk-status")).to_contain_text("排队中")

    # when the worker runs the job while the page is open
    services.bulk_launch_run(job_id=job.pk)

    # then the page (polling with htmx, no reload) shows the summary
    expect(page.locator("#bulk-status")).to_have_text("完成")
    expect(page.locator("#bulk-launched")).to_have_text("1")
    expect(page.locator(".progress-bar")).to_have_text("100%")
    assert tab.console_errors == []
