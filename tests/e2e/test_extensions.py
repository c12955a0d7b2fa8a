"""Scenario: an overdue step gets an extension request granted and its later
dates move (the liaison asks on the step page, the office grants from the
延期申请 queue, the project page shows the new dates)."""

import datetime

import pytest
from django.utils import timezone

from workflows.models import ExtensionRequest, Step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cell(page, step):
    """The project grid's cell of `step` (its link and its 截止 date)."""
    return page.locator(
        "td", has=page.locator(f'a[href="/workflows/steps/{step.pk}/"]')
    )


def test_overdue_step_extension_granted_moves_later_dates(
    open_tab, expect, launch_project, liaison, office_user, dept_a, dept_b
):
    # given a project launched two months ago: dept_a's first step is overdue
    today = timezone.localdate()
    project = launch_project(starts_on=today - datetime.timedelta(days=60))
    step = (
        Step.objects.filter(project=project, department=dept_a, status=Step.Status.OPEN)
        .order_by("order", "id")
        .first()
    )
    assert step.due_on < today
    later = list(
        Step.objects.filter(
            project=project, department=dept_a, order__gt=step.order
        ).order_by("order", "id")
    )
    assert later
    before = {s.pk: (s.starts_on, s.due_on) for s in [step, *later]}
    others = {
        s.pk: s.due_on for s in Step.objects.filter(project=project, department=dept_b)
    }
    until = today + datetime.timedelta(days=14)
    while until.weekday() >= 5:  # a working day the liaison would pick
        until += datetime.timedelta(days=1)

    # when the liaison asks for 延期 through the step page's form
    liaison_tab = open_tab(phone=True).login_as(liaison)
    page = liaison_tab.page
    liaison_tab.goto(f"/workflows/steps/{step.pk}/")
    date_input = page.get_by_label("申请延期至")
    prefilled = date_input.input_value()
    if not prefilled:  # nothing rendered: type the date as a user would
        date_input.fill(until.isoformat())
    else:
        until = datetime.date.fromisoformat(prefilled)
    page.get_by_label("延期理由").fill("承办人参加封闭培训，需顺延两周")
    page.get_by_role("button", name="提交延期申请").tap()

    # then the request waits for the office
    expect(page.locator(".alert-success")).to_contain_text("延期申请已提交")
    expect(page.locator("#extension")).to_contain_text("待审批")
    request = ExtensionRequest.objects.get(step=step)
    assert request.until == until
    assert request.reason == "承办人参加封闭培训，需顺延两周"

    # when the office opens the 延期申请 queue and grants it
    office_tab = open_tab().login_as(office_user)
    office = office_tab.page
    office_tab.goto("/workflows/extensions/")
    row = office.locator("[data-row=extension]", has_text=step.name).filter(
        has_text=dept_a.name
    )
    expect(row).to_contain_text("承办人参加封闭培训")
    expect(row).to_contain_text(f"申请延期至 {until:%Y-%m-%d}")
    row.get_by_role("button", name="同意延期").click()

    # then the queue is empty and the dates moved
    expect(office.locator(".alert-success")).to_contain_text("已同意延期")
    expect(office.get_by_text("没有待审批的延期申请。")).to_be_visible()
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.GRANTED
    step.refresh_from_db()
    assert step.due_on == until
    for other in later:
        other.refresh_from_db()
        assert other.due_on > before[other.pk][1], other.code
        assert other.starts_on >= before[other.pk][0], other.code
    # dept_b's steps are not touched
    for pk, due_on in others.items():
        assert Step.objects.get(pk=pk).due_on == due_on

    # and the project page shows this step's and the later steps' new dates
    office_tab.goto(f"/workflows/projects/{project.pk}/")
    expect(_cell(office, step)).to_contain_text(f"截止{until:%m-%d}")
    for other in later:
        expect(_cell(office, other)).to_contain_text(f"截止{other.due_on:%m-%d}")
        old = before[other.pk][1]
        if old.strftime("%m-%d") != other.due_on.strftime("%m-%d"):
            expect(_cell(office, other)).not_to_contain_text(f"截止{old:%m-%d}")
    assert liaison_tab.console_errors == [] and office_tab.console_errors == []
