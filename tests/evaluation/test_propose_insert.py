"""Proposal's plain INSERT path (PostgreSQL): the rows it writes are those
Django's bulk_create writes, primary keys set, and a proposal through it gives
the sheets the scoring rules give."""

import datetime
from decimal import Decimal

import pytest

from evaluation import services
from evaluation.models import Deduction, Evaluation, StepScore
from evaluation.services.propose import _bulk_insert
from org.models import Department
from tests import factories
from tests.evaluation.conftest import approved_on_time, make_project, make_step

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

FIELDS = ["step_id", "code", "name", "order", "base_points", "high_points"] + [
    "proposed",
    "final",
    "explanation",
]


def _lines(sheet, steps, *, note):
    return [
        StepScore(
            evaluation_id=sheet.pk,
            step_id=step.pk,
            code=step.code,
            name=step.name,
            order=step.order,
            base_points=Decimal("10.00"),
            high_points=Decimal("12.00"),
            proposed=Decimal("9.5"),
            final=Decimal("9.50"),
            explanation=f"{note}：逾期1个工作日",
        )
        for step in steps
    ]


def test_plain_insert_writes_what_bulk_create_writes(office_user):
    # given two sheets of a round with the same steps
    department = factories.DepartmentFactory(kind=Department.Kind.DISTRICT)
    project = make_project(lead=department)
    steps = [
        approved_on_time(project, department),
        approved_on_time(project, department, "training", order=2),
    ]
    round_ = services.round_create(year=2026, actor=office_user)
    other = services.round_create(year=2026, quarter=1, actor=office_user)
    sheets = [
        Evaluation.objects.create(
            round=r,
            project=project,
            department=department,
            standard=r.standards.first(),
        )
        for r in (round_, other)
    ]

    # when the same lines go in through bulk_create and through the plain INSERT
    by_django = StepScore.objects.bulk_create(_lines(sheets[0], steps, note="甲"))
    by_insert = _lines(sheets[1], steps, note="甲")
    _bulk_insert(StepScore, by_insert)

    # then the plain INSERT set every primary key and wrote the same values
    assert all(line.pk for line in by_insert)
    assert {line.pk for line in by_insert} == set(
        StepScore.objects.filter(evaluation=sheets[1]).values_list("pk", flat=True)
    )

    def rows(sheet):
        return list(
            StepScore.objects.filter(evaluation=sheet)
            .order_by("step_id")
            .values_list(*FIELDS)
        )

    assert rows(sheets[1]) == rows(sheets[0])
    assert len(by_django) == 2


def test_proposal_on_postgres_gives_the_rules_marks(office_user):
    # given a step approved on time and a step approved 3 working days late
    # (2026-04-01 is a Wednesday: Thursday, Friday and Monday are late)
    department = factories.DepartmentFactory(kind=Department.Kind.DISTRICT)
    project = make_project(lead=department)
    approved_on_time(project, department)
    make_step(
        project,
        department,
        "training",
        order=2,
        due_on=datetime.date(2026, 4, 1),
        approved_on=datetime.date(2026, 4, 7),
    )
    round_ = services.round_create(year=2026, actor=office_user)

    # when the round is proposed
    services.round_propose_all(
        round=round_, actor=office_user, today=datetime.date(2026, 12, 31)
    )

    # then the on-time step (合格) keeps its base mark, the late one loses the
    # standard's per-day points for the overdue working days, and the sheet's
    # totals add up its lines
    sheet = Evaluation.objects.get(round=round_)
    lines = {ln.code: ln for ln in sheet.steps.all()}
    assert lines["launch"].proposed == lines["launch"].base_points
    late = lines["training"]
    overdue = Deduction.objects.get(step_score=late, kind="overdue")
    assert "逾期3个工作日" in overdue.reason
    assert overdue.points > 0
    assert late.proposed == late.base_points - overdue.points
    assert "逾期" in late.explanation
    assert sheet.proposed_total == lines["launch"].proposed + late.proposed
    assert sheet.max_total == sum(ln.high_points for ln in lines.values())
    assert sheet.pk and all(ln.pk for ln in lines.values())
