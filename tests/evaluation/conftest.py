"""Builders for evaluation tests: projects and steps with a known record.

Rows are written straight to the tables by tests/factories.py (not through
launch/submit/approve) so a test fixes every date and count that the scoring
rules read.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from notices.models import Notice
from tests import factories
from workflows.models import Event, Step


def make_project(*, lead, partners=(), year=2026, flow="general", regulation=None):
    extra = {"regulation": regulation} if regulation else {}
    return factories.ExecutionProjectFactory(
        lead_department=lead, partners=list(partners), year=year, flow=flow, **extra
    )


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def make_step(
    project,
    department,
    code,
    *,
    order=1,
    base=Decimal("10"),
    high=Decimal("12"),
    due_on=datetime.date(2026, 3, 2),
    approved_on=None,
    status=Step.Status.APPROVED,
    return_count=0,
    rating="",
):
    step = Step.objects.create(
        project=project,
        department=department,
        code=code,
        name=code,
        order=order,
        duration_days=5,
        base_points=base,
        high_points=high,
        starts_on=due_on - datetime.timedelta(days=7),
        due_on=due_on,
        status=status,
        approved_at=at_noon(approved_on) if approved_on else None,
        return_count=return_count,
        rating=rating or ("pass" if approved_on else ""),
    )
    returned = [
        Event.objects.create(
            project=project,
            step=step,
            department=department,
            action="return",
            from_status="submitted",
            to_status="returned",
            reason="材料不全",
        ).pk
        for _ in range(return_count)
    ]
    # Date the record as it happened: rounds read it as of their as-of date.
    Event.objects.filter(pk__in=returned).update(created_at=at_noon(due_on))
    if approved_on:
        event = Event.objects.create(
            project=project,
            step=step,
            department=department,
            action="approve",
            from_status="submitted",
            to_status="approved",
        )
        Event.objects.filter(pk=event.pk).update(created_at=at_noon(approved_on))
    return step


def add_warnings(step, count):
    return [
        Notice.objects.create(
            kind=Notice.Kind.WARNING,
            year=step.project.year,
            level=level,
            department=step.department,
            project=step.project,
            step=step,
            title=f"警示单{level}",
            issued_on=step.due_on,
        )
        for level in range(1, count + 1)
    ]


def approved_on_time(project, department, code="launch", *, order=1, **kwargs):
    """A step due and approved on Mar 2 of the project's year."""
    day = datetime.date(project.year, 3, 2)
    kwargs.setdefault("due_on", day)
    return make_step(
        project,
        department,
        code,
        order=order,
        approved_on=day,
        **kwargs,
    )


@pytest.fixture
def town(db):
    return factories.DepartmentFactory(code="T1", name="新嘉街道", kind="town")
