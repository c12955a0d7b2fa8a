"""Forms in a real browser: what the browser itself accepts or refuses."""

import pytest
from django.utils import timezone

from tests.factories import RegulationFactory
from workflows.models import ExecutionProject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_launch_form_submits_with_the_prefilled_date(
    open_tab, expect, office_user, dept_a, dept_b
):
    # given the office on the launch form (启动日期 is prefilled, never typed)
    regulation = RegulationFactory(title="中国共产党纪律处分条例")
    tab = open_tab().login_as(office_user)
    page = tab.page
    tab.goto("/workflows/launch/")
    expect(page.get_by_label("启动日期")).to_have_value(
        timezone.localdate().isoformat()
    )

    # when it picks the regulation and the lead department, then submits
    page.get_by_label("党内法规").select_option(label=regulation.title)
    page.get_by_label("牵头执行部门").select_option(label=dept_a.name)
    page.get_by_role("button", name="发起").click()

    # then the browser accepted the form and the project exists, started today
    expect(page.get_by_text(regulation.title).first).to_be_visible()
    project = ExecutionProject.objects.get(regulation=regulation)
    assert project.starts_on == timezone.localdate()
    assert project.lead_department == dept_a
    assert tab.console_errors == []
