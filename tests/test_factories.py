"""The shared factories build records as the services would leave them, so tests
that write straight to the tables read like the real thing."""

import datetime

import pytest

from workflows.models import Event, Step

pytestmark = pytest.mark.django_db


def test_step_factory_approved_step_carries_its_history(step_factory, dept_a):
    # when
    step = step_factory(
        department=dept_a,
        code="training",
        approved_on=datetime.date(2026, 3, 5),
        return_count=2,
    )
    # then: approved at noon that day, two returns and one approval on record
    assert step.status == Step.Status.APPROVED
    assert step.approved_at.date() == datetime.date(2026, 3, 5)
    assert step.name == "培训"  # the general flow's name for the code
    actions = sorted(Event.objects.filter(step=step).values_list("action", flat=True))
    assert actions == ["approve", "return", "return"]


def test_step_factory_default_is_an_open_step_of_the_lead(step_factory):
    step = step_factory()
    assert step.status == Step.Status.OPEN and step.approved_at is None
    assert step.department == step.project.lead_department
    assert not Event.objects.filter(step=step).exists()


def test_project_factory_sets_partners_and_the_flow_template(
    project_factory, dept_a, dept_b
):
    project = project_factory(lead_department=dept_a, partners=[dept_b], flow="simple")
    assert list(project.partner_departments.all()) == [dept_b]
    assert project.flow_template.code == "simple"


def test_receipt_factory_confirmed_trait(receipt_factory):
    assert receipt_factory().confirmed_at is None
    assert receipt_factory(confirmed=True).confirmed_at is not None


def test_notice_factory_follows_its_step(notice_factory, step_factory, dept_b):
    step = step_factory(department=dept_b)
    notice = notice_factory(step=step, level=2)
    assert (notice.department, notice.project) == (dept_b, step.project)
    assert notice.title == "警示单2" and notice.year == step.project.year


def test_round_factory_is_a_draft_with_both_flows_standards(round_factory):
    round_ = round_factory(year=2025, quarter=1)
    assert round_.status == "draft" and round_.name == "2025年第一季度执规评价"
    assert sorted(round_.standards.values_list("flow_code", flat=True)) == [
        "general",
        "simple",
    ]
