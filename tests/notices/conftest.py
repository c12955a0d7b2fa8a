"""Builders for the notices tests: a launched-looking project with steps and
receipts, made directly from the workflows models (no workflows services), so
these tests depend only on the schema."""

import datetime

import pytest

from tests import factories
from workflows.models import ExecutionProject, FlowTemplate, Receipt, Step

# A Wednesday in an ordinary working week of 2026 (no holidays nearby).
TODAY = datetime.date(2026, 3, 11)


def make_project(*, lead, partners=(), year=2026, starts_on=TODAY):
    flow, _ = FlowTemplate.objects.get_or_create(
        code=FlowTemplate.Code.SIMPLE, defaults={"name": "三步法"}
    )
    project = ExecutionProject.objects.create(
        regulation=factories.RegulationFactory(),
        year=year,
        flow=flow.code,
        flow_template=flow,
        lead_department=lead,
        starts_on=starts_on,
    )
    project.partner_departments.set(partners)
    return project


def make_step(
    project, department, *, due_on, status=Step.Status.OPEN, code="launch", order=1
):
    return Step.objects.create(
        project=project,
        department=department,
        code=code,
        name={"launch": "执行发起", "implementation": "落实备案"}.get(code, code),
        order=order,
        duration_days=5,
        base_points=10,
        high_points=12,
        starts_on=due_on - datetime.timedelta(days=7),
        due_on=due_on,
        status=status,
    )


def make_receipt(project, department, *, due_on, confirmed=False):
    return Receipt.objects.create(
        project=project,
        department=department,
        due_on=due_on,
        confirmed_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
        if confirmed
        else None,
    )


@pytest.fixture
def project_a(dept_a, dept_b):
    return make_project(lead=dept_a, partners=[dept_b])


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
