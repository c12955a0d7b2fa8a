"""The dashboard's lights and 逾期最久的步骤 rows lead to the filtered lists."""

import datetime
import re

import pytest

from tests.factories import RegulationFactory
from workflows import services
from workflows.flows import seed_default_flows
from workflows.models import FlowTemplate, StepTemplate


@pytest.fixture
def late_project(office_user, dept_a):
    """A project started long ago: its first step is overdue (red)."""
    seed_default_flows(FlowTemplate, StepTemplate)
    today = datetime.date.today()
    return services.project_launch(
        regulation=RegulationFactory(title="迟到的法规"),
        year=today.year,
        lead_department=dept_a,
        partner_departments=[],
        flow_code="general",
        starts_on=today - datetime.timedelta(days=120),
        actor=office_user,
    )


@pytest.mark.django_db
def test_dashboard_red_light_links_to_the_red_projects(
    client, office_user, late_project
):
    # given the office on the dashboard of a year with an overdue step
    client.force_login(office_user)
    page = client.get(f"/evaluation/?year={late_project.year}").content.decode()
    # when it follows the red light
    link = re.search(r'href="([^"]*light=red)"[^>]*title="查看红灯执行项目"', page)
    assert link, "the red light is not a link"
    listed = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    # then the list shows the late project
    assert "迟到的法规" in listed


@pytest.mark.django_db
def test_dashboard_overdue_rows_link_to_step_and_project(
    client, office_user, late_project
):
    # given the office on the dashboard
    client.force_login(office_user)
    page = client.get(f"/evaluation/?year={late_project.year}").content.decode()
    step = late_project.steps.exclude(actor="office").order_by("due_on", "id").first()
    # then the overdue row links to its step and its project, each of which opens
    assert f'href="/workflows/steps/{step.pk}/"' in page
    assert f'href="/workflows/projects/{late_project.pk}/"' in page
    assert client.get(f"/workflows/steps/{step.pk}/").status_code == 200
