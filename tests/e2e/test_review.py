"""The office's review queue in a real browser: 全选本页 + 批量通过, and 下一条
from a step page."""

import pytest

from workflows import services
from workflows.models import Event, Step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_review_batch_approve_and_next(
    open_tab, expect, launch_project, liaison, outsider, office_user, dept_a, dept_b
):
    # given three submitted steps (two projects), oldest first
    first, second = launch_project(), launch_project()
    steps = [
        Step.objects.filter(project=project, department=department, status="open")
        .order_by("order", "id")
        .first()
        for project, department in ((first, dept_a), (first, dept_b), (second, dept_a))
    ]
    for step in steps:
        actor = liaison if step.department_id == dept_a.pk else outsider
        services.step_submit(step=step, actor=actor, text=f"说明{step.pk}")
    tab = open_tab().login_as(office_user)
    page = tab.page

    # when the office approves the first on its page, then takes 下一条
    tab.goto(f"/workflows/steps/{steps[0].pk}/")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".alert-success")).to_contain_text("已审核通过")
    page.get_by_role("link", name="下一条").click()

    # then the next one in the 待审核 order opens, evidence above the decision
    expect(page).to_have_url(f"{tab.base_url}/workflows/steps/{steps[1].pk}/")
    expect(page.locator("#evidence")).to_contain_text(f"说明{steps[1].pk}")
    assert page.evaluate(
        "document.querySelector('#evidence').compareDocumentPosition("
        "document.querySelector('#review')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )

    # when the rest are ticked with 全选本页 and 批量通过
    tab.goto("/workflows/review/")
    expect(page.locator("[data-row=step]")).to_have_count(2)
    page.get_by_label("全选本页").check()
    expect(page.locator("input[name=steps]:checked")).to_have_count(2)
    page.get_by_role("button", name="批量通过").click()

    # then both are approved 合格, one event each, and the queue is empty
    expect(page.locator(".alert-success")).to_contain_text("已审核通过2条")
    expect(page.get_by_text("没有待审核的材料。")).to_be_visible()
    for step in steps[1:]:
        step.refresh_from_db()
        assert (step.status, step.rating) == (Step.Status.APPROVED, "pass")
        assert Event.objects.filter(step=step, action="approve").count() == 1
    assert tab.console_errors == []
