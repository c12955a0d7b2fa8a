"""A liaison's inbox on a phone: tick several 告知单 and sign them at once."""

import pytest

from notices.models import Notice
from tests.factories import RegulationFactory
from workflows.models import Receipt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_liaison_signs_three_notices_at_once_on_a_phone(
    open_tab, expect, launch_project, liaison, dept_a
):
    # given three launched projects: three 告知单 (each with its 回执) for dept_a
    projects = [launch_project(regulation=RegulationFactory()) for _ in range(3)]
    tab = open_tab(phone=True).login_as(liaison)
    page = tab.page
    tab.goto("/notices/")
    assert page.viewport_size == {"width": 390, "height": 844}
    expect(page.locator("input[name=ids]")).to_have_count(3)
    tab.screenshot("inbox-sign-many-before")

    # when it ticks 全选 and taps 签收所选 once
    page.get_by_label("全选").tap()
    expect(page.get_by_role("button", name="签收所选（3）")).to_be_visible()
    page.get_by_role("button", name="签收所选（3）").tap()

    # then one round trip signed all three, and their receipts are confirmed too
    expect(page.locator(".alert-success")).to_contain_text("已签收3份")
    expect(page.locator("input[name=ids]")).to_have_count(0)
    notices = Notice.objects.filter(
        kind=Notice.Kind.NOTIFICATION, department=dept_a, project__in=projects
    )
    assert {n.status for n in notices} == {Notice.Status.CONFIRMED}
    assert {n.confirmed_by for n in notices} == {liaison}
    receipts = Receipt.objects.filter(project__in=projects, department=dept_a)
    assert all(r.confirmed_at is not None for r in receipts)
    assert tab.console_errors == []


def test_liaison_signs_three_items_at_once_in_my_todo_on_a_phone(
    open_tab, expect, launch_project, liaison, dept_a
):
    # given three launched projects: dept_a's 告知单, each with its 回执
    projects = [launch_project(regulation=RegulationFactory()) for _ in range(3)]
    tab = open_tab(phone=True).login_as(liaison)
    page = tab.page

    # when the liaison taps 待签收 on its home page
    tab.goto("/")
    tile = page.locator('[data-todo="sign"]')
    expect(tile.locator("[data-count]")).to_have_text("3")
    tile.tap()

    # then 我的待办 lists each 告知单 and its 回执 once
    expect(page.locator("input[name=items]")).to_have_count(3)
    tab.screenshot("my-todo-sign-before")

    # when it ticks 全选 and taps 签收所选 once
    page.get_by_label("全选").tap()
    page.get_by_role("button", name="签收所选（3）").tap()

    # then all three notices and their receipts are signed in one round trip
    expect(page.locator(".alert-success")).to_contain_text("已签收3项")
    expect(page.locator("input[name=items]")).to_have_count(0)
    notices = Notice.objects.filter(
        kind=Notice.Kind.NOTIFICATION, department=dept_a, project__in=projects
    )
    assert {n.status for n in notices} == {Notice.Status.CONFIRMED}
    receipts = Receipt.objects.filter(project__in=projects, department=dept_a)
    assert {r.confirmed_by for r in receipts} == {liaison}
    assert tab.console_errors == []
