"""Scenarios 2-4: receipts, evidence upload and review, in a real browser."""

import pytest

from workflows import services
from workflows.models import Event, Receipt, Step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _first_open_step(project, department):
    return (
        Step.objects.filter(
            project=project, department=department, status=Step.Status.OPEN
        )
        .order_by("order")
        .first()
    )


def test_inbox_liaison_signs_notice_and_receipt_in_my_todo_on_phone(
    open_tab, expect, launch_project, liaison, dept_a
):
    # given a launched project: dept_a's 告知单 and its 回执 wait in 我的待办
    project = launch_project()
    receipt = Receipt.objects.get(project=project, department=dept_a)
    tab = open_tab(phone=True).login_as(liaison)
    page = tab.page
    tab.goto("/inbox/")
    row = page.locator("[data-row=sign]", has_text=project.regulation.title)
    expect(row).to_have_count(1)  # the 告知单 carries the 回执: one item
    expect(row).to_contain_text("含回执")
    expect(page.locator("#sign-count")).to_have_text("1")
    tab.screenshot("inbox-phone-before")

    # when the liaison ticks it and taps 签收所选 once
    row.locator("input[name=items]").tap()
    page.get_by_role("button", name="签收所选（1）").tap()

    # then both are signed, and the page says nothing is left to sign
    expect(page.locator(".alert-success")).to_contain_text("已签收1项")
    expect(page.get_by_text("没有待签收的事项。")).to_be_visible()
    receipt.refresh_from_db()
    assert receipt.confirmed_at is not None
    assert receipt.confirmed_by == liaison
    tab.screenshot("inbox-phone")
    # and an old link to the workflows inbox lands on the same page
    tab.goto("/workflows/inbox/")
    expect(page).to_have_url(tab.base_url + "/inbox/")
    expect(page.get_by_text("没有待签收的事项。")).to_be_visible()
    assert tab.console_errors == []


def test_step_upload_then_office_approves_and_next_step_opens(
    open_tab,
    expect,
    launch_project,
    liaison,
    office_user,
    dept_a,
    media_root,
    tmp_path,
):
    # given dept_a's training done, its parallel 配套 open (the last of the
    # stage), and a small file on disk
    from workflows import services

    project = launch_project()
    training = Step.objects.get(project=project, department=dept_a, code="training")
    services.step_submit(step=training, actor=liaison, text="已培训")
    services.step_approve(step=training, actor=office_user)
    step = _first_open_step(project, dept_a)
    assert step.code == "supporting_measures"
    next_step = Step.objects.get(project=project, department=dept_a, code="filing")
    assert next_step.status == Step.Status.WAITING
    upload = tmp_path / "学习会议记录.txt"
    upload.write_text("2026年党组理论学习中心组学习记录", encoding="utf-8")

    # when the liaison (phone) fills the form and uploads the file
    liaison_tab = open_tab(phone=True).login_as(liaison)
    page = liaison_tab.page
    liaison_tab.goto(f"/workflows/steps/{step.pk}/")
    page.get_by_label("工作说明").fill("已召开专题学习会")
    page.get_by_label("文件").set_input_files(str(upload))
    page.get_by_role("button", name="提交", exact=True).tap()

    # then the page confirms, lists the file, and the step waits for review
    expect(page.locator(".alert-success")).to_contain_text("佐证材料已提交")
    expect(page.get_by_role("link", name="学习会议记录.txt")).to_be_visible()
    step.refresh_from_db()
    assert step.status == Step.Status.SUBMITTED
    stored = step.evidence.get().files.get()
    assert stored.original_name == "学习会议记录.txt"
    assert (media_root / stored.file.name).read_text(encoding="utf-8") == (
        "2026年党组理论学习中心组学习记录"
    )

    # when the office user (desktop) approves on the step page
    office_tab = open_tab().login_as(office_user)
    office = office_tab.page
    office_tab.goto(f"/workflows/steps/{step.pk}/")
    expect(office.get_by_text("已召开专题学习会")).to_be_visible()
    office.get_by_role("button", name="审核通过").click()

    # then approved, and the next step of dept_a is open
    expect(office.locator(".alert-success")).to_contain_text("已审核通过")
    step.refresh_from_db()
    next_step.refresh_from_db()
    assert step.status == Step.Status.APPROVED
    assert next_step.status == Step.Status.OPEN
    # the project timeline shows both events
    office_tab.goto(f"/workflows/projects/{project.pk}/")
    timeline = office.locator("h2:has-text('流转记录') + ul")
    for label, actor in (("提交材料", liaison), ("审核通过", office_user)):
        item = timeline.locator("li", has_text=label).filter(has_text=step.name)
        expect(item.first).to_contain_text(actor.username)
    assert liaison_tab.console_errors == [] and office_tab.console_errors == []


def test_step_return_needs_a_reason(
    open_tab, expect, launch_project, liaison, office_user, dept_a, media_root
):
    # given a submitted step
    project = launch_project()
    step = _first_open_step(project, dept_a)
    services.step_submit(step=step, actor=liaison, text="材料一份")
    events_before = Event.objects.filter(step=step).count()
    tab = open_tab().login_as(office_user)
    page = tab.page
    tab.goto(f"/workflows/steps/{step.pk}/")
    reason = page.get_by_label("退回原因")
    back = page.get_by_role("button", name="退回", exact=True)

    # when the office returns it with an empty reason: the browser refuses
    back.click()
    assert reason.evaluate("e => e.validity.valueMissing") is True
    # and with only blanks (passes the browser, not the server)
    reason.fill("   ")
    back.click()

    # then a Chinese error, and nothing changed
    expect(page.locator(".alert-danger")).to_contain_text("退回时必须填写退回原因")
    step.refresh_from_db()
    assert step.status == Step.Status.SUBMITTED
    assert step.return_count == 0
    assert Event.objects.filter(step=step).count() == events_before

    # when a reason is given
    page.get_by_label("退回原因").fill("会议记录缺少签到表")
    page.get_by_role("button", name="退回", exact=True).click()

    # then it is returned with the reason shown
    expect(page.locator(".alert-success")).to_contain_text("已退回")
    expect(page.locator(".alert-danger")).to_contain_text("会议记录缺少签到表")
    step.refresh_from_db()
    assert step.status == Step.Status.RETURNED
    assert step.return_count == 1
    assert tab.console_errors == []
