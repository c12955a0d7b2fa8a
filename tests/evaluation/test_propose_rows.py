"""Proposal writes its lines and deductions as plain rows (no model instance
per row): nothing may be lost on the way. A small record whose every line and
deduction is known, proposed, proposed again, on SQLite and PostgreSQL."""

import datetime
from decimal import Decimal

import pytest

from evaluation import services
from evaluation.models import Deduction, Evaluation, StepScore
from evaluation.services.propose import DEDUCTION_FIELDS, LINE_FIELDS, _insert_rows
from notices.models import Notice
from tests.evaluation.conftest import add_warnings, approved_on_time, make_project
from workflows.models import Step

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 3, 25)  # a Wednesday, after the approvals below
D = Decimal


@pytest.fixture
def scenario(dept_a, dept_b, step_factory):
    """dept_a leads with three steps and a 警示单 on the project as a whole;
    dept_b is a partner with one step approved on time."""
    project = make_project(lead=dept_a, partners=[dept_b])
    approved_on_time(project, dept_a, "launch", order=1)
    training = step_factory(
        project=project,
        department=dept_a,
        code="training",
        order=2,
        due_on=datetime.date(2026, 3, 2),  # Monday
        approved_on=datetime.date(2026, 3, 5),  # Thursday: 3 working days late
        return_count=1,
    )
    add_warnings(training, 2)
    step_factory(
        project=project,
        department=dept_a,
        code="filing",
        order=4,
        due_on=datetime.date(2026, 3, 2),
        status=Step.Status.OPEN,  # not approved; 17 working days late by AS_OF
    )
    Notice.objects.create(
        kind=Notice.Kind.WARNING,
        year=2026,
        level=1,
        department=dept_a,
        project=project,
        title="项目警示单",
        issued_on=datetime.date(2026, 3, 3),
    )
    approved_on_time(project, dept_b, "launch", order=1)
    return project


def _rows(round_):
    lines = sorted(
        StepScore.objects.filter(evaluation__round=round_).values_list(
            "evaluation__department__code", "code", "base_points", "proposed", "final"
        )
    )
    deductions = sorted(
        Deduction.objects.filter(evaluation__round=round_).values_list(
            "evaluation__department__code", "step_score__code", "kind", "points"
        )
    )
    return lines, deductions


def test_proposal_writes_every_line_and_deduction(
    office_user, scenario, dept_a, dept_b
):
    # given a round of the scenario's year
    round_ = services.round_create(year=2026, actor=office_user)

    # when it is proposed, then proposed again (the kept lines are updated)
    services.round_propose_all(round=round_, actor=office_user, today=AS_OF)
    first = _rows(round_)
    services.round_propose_all(round=round_, actor=office_user, today=AS_OF)

    # then every counted step has its line and every deduction is there:
    # launch (10) carries the project's 警示单 (-1.00); training (15) loses
    # 2 警示单 (2 x 1.00), 3 late working days (0.60) and 1 return (0.50);
    # filing (15, not approved) loses the overdue cap (2.00), then its
    # missing key indicator zeroes the rest (13.00); dept_b's launch is clean
    a, b = dept_a.code, dept_b.code
    assert first == (
        [
            (a, "filing", D("15.00"), D("0.00"), D("0.00")),
            (a, "launch", D("10.00"), D("9.00"), D("9.00")),
            (a, "training", D("15.00"), D("11.90"), D("11.90")),
            (b, "launch", D("10.00"), D("10.00"), D("10.00")),
        ],
        sorted(
            [
                (a, "filing", "indicator", D("13.00")),
                (a, "filing", "overdue", D("2.00")),
                (a, "launch", "warning", D("1.00")),
                (a, "training", "overdue", D("0.60")),
                (a, "training", "return", D("0.50")),
                (a, "training", "warning", D("1.00")),
                (a, "training", "warning", D("1.00")),
            ]
        ),
    )
    assert _rows(round_) == first
    # each sheet's totals are the sums of its lines, each line's mark its
    # base less its deductions
    for sheet in Evaluation.objects.filter(round=round_):
        lines = list(sheet.steps.all())
        assert sheet.proposed_total == sum(ln.proposed for ln in lines)
        assert sheet.total == sum(ln.final for ln in lines)
        assert sheet.max_total == sum(ln.high_points for ln in lines)
        for line in lines:
            taken = sum(d.points for d in line.deductions.all())
            assert line.proposed == line.base_points - taken
            assert all(d.evaluation_id == sheet.pk for d in line.deductions.all())


def test_insert_rows_returns_the_keys_in_order(office_user, scenario, dept_a):
    # given a proposed sheet and two more lines for it as plain rows
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user, today=AS_OF)
    sheet = Evaluation.objects.get(round=round_, department=dept_a)
    line = StepScore.objects.get(evaluation=sheet, code="training")
    rows = [
        (sheet.pk, line.pk, "warning", f"第{i}张", D(f"0.{i}0"), None, i)
        for i in (1, 2)
    ]

    # when they are inserted
    pks = _insert_rows(Deduction, DEDUCTION_FIELDS, rows)

    # then each key is its row's
    got = dict(Deduction.objects.filter(pk__in=pks).values_list("pk", "reason"))
    assert [got[pk] for pk in pks] == ["第1张", "第2张"]


def test_insert_rows_refuses_a_row_without_every_column():
    # given the fields of a line without its explanation
    fields = [f for f in LINE_FIELDS if f != "explanation"]

    # when / then a column left out is an error, not a silent default
    with pytest.raises(ValueError, match="explanation"):
        _insert_rows(StepScore, fields, [tuple(range(len(fields)))])


def test_text_with_tabs_newlines_and_backslashes_is_kept(office_user, dept_a):
    # given a step with a 警示单 whose title holds a tab, a newline and a
    # backslash (COPY's text format escapes them)
    project = make_project(lead=dept_a)
    step = approved_on_time(project, dept_a, "launch", order=1)
    title = "警示\t单\\甲\n乙\r"
    Notice.objects.create(
        kind=Notice.Kind.WARNING,
        year=2026,
        level=1,
        department=dept_a,
        project=project,
        step=step,
        title=title,
        issued_on=datetime.date(2026, 3, 2),
    )
    round_ = services.round_create(year=2026, actor=office_user)

    # when the round is proposed
    services.round_propose_all(round=round_, actor=office_user, today=AS_OF)

    # then the deduction's reason and the line's explanation carry it as is
    deduction = Deduction.objects.get(evaluation__round=round_, kind="warning")
    assert f"警示单 {title}(" in deduction.reason
    line = StepScore.objects.get(evaluation__round=round_)
    assert f"警示单 {title}(" in line.explanation
