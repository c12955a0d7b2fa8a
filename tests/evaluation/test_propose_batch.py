"""Proposal by batches of projects (issue 13): a batch costs the same number of
queries however many projects it holds, and gives the same sheets, lines and
deductions as proposing each project on its own."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import services
from evaluation.models import Deduction, Evaluation, StepScore
from notices.models import Notice
from org.models import Department
from tests import factories
from tests.evaluation.conftest import (
    add_warnings,
    approved_on_time,
    make_project,
    make_step,
)
from workflows.models import Step

pytestmark = pytest.mark.django_db


def _project_with_a_record(lead, partner, year=2026):
    """A project whose record touches every kind of line: a late step with two
    returns and a warning, a step never approved, a warning on the project as a
    whole and an assignment never answered."""
    project = make_project(lead=lead, partners=[partner], year=year)
    approved_on_time(project, lead)
    late = make_step(
        project,
        lead,
        "training",
        order=2,
        due_on=datetime.date(year, 4, 1),
        approved_on=datetime.date(year, 4, 10),
        return_count=2,
        rating="good",
    )
    add_warnings(late, 1)
    make_step(
        project,
        partner,
        "report",
        order=3,
        due_on=datetime.date(year, 5, 6),
        status=Step.Status.SUBMITTED,
    )
    Notice.objects.create(
        kind=Notice.Kind.WARNING,
        year=year,
        department=partner,
        project=project,
        title="项目警示单",
        issued_on=datetime.date(year, 5, 20),
    )
    Notice.objects.create(
        kind=Notice.Kind.ASSIGNMENT,
        year=year,
        department=partner,
        project=project,
        title="交办单",
        issued_on=datetime.date(year, 5, 20),
        due_on=datetime.date(year, 6, 1),
    )
    return project


def _projects(count, year=2026):
    departments = [
        factories.DepartmentFactory(kind=Department.Kind.DISTRICT)
        for _ in range(count + 1)
    ]
    return [
        _project_with_a_record(departments[i], departments[i + 1], year=year)
        for i in range(count)
    ]


def _queries(propose) -> int:
    with CaptureQueriesContext(connection) as captured:
        propose()
    # The working-day calendar is loaded once per process (and reloaded every
    # few seconds where no shared cache holds its version): not per project.
    return sum(
        1 for q in captured.captured_queries if "workflows_calendarday" not in q["sql"]
    )


def _snapshot(round_) -> list:
    sheets = [
        (
            e.project_id,
            e.department_id,
            e.standard_id,
            e.is_lead,
            e.proposed_total,
            e.total,
            e.max_total,
            e.warnings,
            e.overdue_days,
        )
        for e in Evaluation.objects.filter(round=round_).order_by(
            "project_id", "department_id"
        )
    ]
    lines = list(
        StepScore.objects.filter(evaluation__round=round_)
        .order_by("step_id")
        .values_list(
            "evaluation__project_id",
            "evaluation__department_id",
            "step_id",
            "code",
            "order",
            "base_points",
            "high_points",
            "proposed",
            "final",
            "explanation",
        )
    )
    deductions = list(
        Deduction.objects.filter(evaluation__round=round_)
        .order_by("step_score__step_id", "kind", "source_event_id", "source_notice_id")
        .values_list(
            "evaluation__project_id",
            "step_score__step_id",
            "kind",
            "reason",
            "points",
            "source_event_id",
            "source_notice_id",
        )
    )
    return [sheets, lines, deductions]


def test_a_batch_of_12_projects_costs_the_queries_of_a_batch_of_3(office_user):
    # given 3 and 12 projects of the same year, each with a full record
    few, many = _projects(3), _projects(12)
    round_ = services.round_create(year=2026, actor=office_user)

    # when each set is proposed as one batch, then proposed again
    first = [
        _queries(
            lambda batch=batch: services.evaluations_propose(
                round=round_, projects=batch, actor=office_user
            )
        )
        for batch in (few, many)
    ]
    again = [
        _queries(
            lambda batch=batch: services.evaluations_propose(
                round=round_, projects=batch, actor=office_user
            )
        )
        for batch in (few, many)
    ]

    # then both cost the same, the first time and when proposed again
    assert first[0] == first[1]
    assert again[0] == again[1]
    assert Evaluation.objects.filter(round=round_).count() == 2 * 15


def test_round_proposal_queries_do_not_grow_with_the_projects(office_user):
    # given a year of 3 projects and a year of 12
    _projects(3, year=2026)
    _projects(12, year=2027)
    small = services.round_create(year=2026, actor=office_user)
    large = services.round_create(year=2027, actor=office_user)

    # when each year's round is proposed after its year (one batch of up to
    # 50 projects)
    counts = [
        _queries(
            lambda r=r: services.round_propose_all(
                round=r, actor=office_user, today=datetime.date(2028, 1, 31)
            )
        )
        for r in (small, large)
    ]

    # then the year with four times the projects costs the same queries
    assert counts[0] == counts[1]
    assert Evaluation.objects.filter(round=small).count() == 6
    assert Evaluation.objects.filter(round=large).count() == 24
    assert Deduction.objects.filter(evaluation__round=large).count() > 24


def test_a_batch_gives_the_sheets_of_proposing_each_project_alone(office_user):
    # given projects with warnings, returns, lateness and an unanswered
    # assignment, a round proposed as one batch
    projects = _projects(4)
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user, batch_size=3)
    batched = _snapshot(round_)

    # when the sheets are dropped and each project is proposed on its own
    Evaluation.objects.filter(round=round_).delete()
    for project in projects:
        services.evaluation_propose(round=round_, project=project, actor=office_user)
    alone = _snapshot(round_)

    # then sheets, lines and deductions are the same, and every project
    # carries only its own record's deductions
    assert batched == alone
    kinds = {(project_id, kind) for project_id, _, kind, *_ in batched[2]}
    for project in projects:
        assert {k for p, k in kinds if p == project.pk} >= {
            "warning",
            "overdue",
            "return",
            "assignment",
        }
    per_project = [
        sum(1 for d in batched[2] if d[0] == project.pk) for project in projects
    ]
    assert len(set(per_project)) == 1


def _deductions_in_line_order(round_) -> list:
    """Each line's deductions in the order the line shows them (by id)."""
    return list(
        Deduction.objects.filter(evaluation__round=round_)
        .order_by("evaluation__project_id", "step_score__step_id", "id")
        .values_list(
            "evaluation__project_id",
            "step_score__step_id",
            "kind",
            "reason",
            "points",
            "source_event_id",
            "source_notice_id",
        )
    )


def test_proposing_again_rewrites_only_the_deductions_that_changed(office_user):
    # given a round proposed on 10 June
    projects = _projects(2)
    round_ = services.round_create(year=2026, actor=office_user)
    june_10, june_20 = datetime.date(2026, 6, 10), datetime.date(2026, 6, 20)
    services.round_propose_all(round=round_, actor=office_user, today=june_10)
    ids = set(Deduction.objects.filter(evaluation__round=round_).values_list("id"))

    # when it is proposed again the same day
    services.round_propose_all(round=round_, actor=office_user, today=june_10)

    # then every deduction stands as it was (the same rows)
    assert (
        set(Deduction.objects.filter(evaluation__round=round_).values_list("id")) == ids
    )

    # when it is proposed again ten days later (the step never approved is
    # later still, and its line's deductions change)
    services.round_propose_all(round=round_, actor=office_user, today=june_20)
    again = _snapshot(round_), _deductions_in_line_order(round_)
    kept = set(Deduction.objects.filter(evaluation__round=round_).values_list("id"))

    # then the lines that did not change keep their deductions, and the
    # round shows what a fresh proposal of that day shows, in the same order
    assert kept & ids and kept != ids
    Evaluation.objects.filter(round=round_).delete()
    for project in projects:
        services.evaluation_propose(
            round=round_, project=project, actor=office_user, today=june_20
        )
    assert (_snapshot(round_), _deductions_in_line_order(round_)) == again
