"""Builders for the notices tests: a launched-looking project with steps and
receipts, made by tests/factories.py straight into the workflows tables (no
workflows services), so these tests depend only on the schema."""

import datetime

import pytest

from tests import factories
from workflows.models import FlowTemplate

# A Wednesday in an ordinary working week of 2026 (no holidays nearby).
TODAY = datetime.date(2026, 3, 11)


def make_project(*, lead, partners=(), year=2026, starts_on=TODAY):
    return factories.ExecutionProjectFactory(
        flow=FlowTemplate.Code.SIMPLE,
        lead_department=lead,
        partners=list(partners),
        year=year,
        starts_on=starts_on,
    )


def make_receipt(project, department, *, due_on, confirmed=False):
    return factories.ReceiptFactory(
        project=project, department=department, due_on=due_on, confirmed=confirmed
    )


@pytest.fixture
def project_a(dept_a, dept_b):
    return make_project(lead=dept_a, partners=[dept_b])


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
