"""Builders for evaluation tests: projects and steps with a known record.

Rows are written straight to the tables by tests/factories.py (not through
launch/submit/approve) so a test fixes every date and count that the scoring
rules read.
"""

import datetime

import pytest

from tests import factories


def make_project(*, lead, partners=(), year=2026, flow="general", regulation=None):
    extra = {"regulation": regulation} if regulation else {}
    return factories.ExecutionProjectFactory(
        lead_department=lead, partners=list(partners), year=year, flow=flow, **extra
    )


def add_warnings(step, count):
    return [
        factories.NoticeFactory(step=step, level=level) for level in range(1, count + 1)
    ]


def approved_on_time(project, department, code="launch", *, order=1, **kwargs):
    return factories.StepFactory(
        project=project,
        department=department,
        code=code,
        order=order,
        approved_on=datetime.date(2026, 3, 2),
        **kwargs,
    )


@pytest.fixture
def town(db):
    return factories.DepartmentFactory(code="T1", name="新嘉街道", kind="town")
