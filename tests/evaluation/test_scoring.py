import datetime
from decimal import Decimal

import pytest

from evaluation import services
from evaluation.models import Deduction, KeyIndicator, StepScore
from tests.evaluation.conftest import add_warnings, approved_on_time, make_project
from workflows.models import Event, Step

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 25)  # a Wednesday, after the approvals below


@pytest.fixture
def record(dept_a, dept_b, step_factory):
    """A general-flow project: dept_a leads (four steps), dept_b is a partner."""
    project = make_project(lead=dept_a, partners=[dept_b])
    launch = approved_on_time(project, dept_a, "launch", order=1)
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
    measures = step_factory(
        project=project,
        department=dept_a,
        code="supporting_measures",
        order=3,
        due_on=datetime.date(2026, 3, 2),
        approved_on=datetime.date(2026, 3, 20),  # 14 working days late
        return_count=4,
    )
    add_warnings(measures, 4)
    filing = step_factory(
        project=project,
        department=dept_a,
        code="filing",
        order=4,
        due_on=datetime.date(2026, 3, 2),
        status=Step.Status.OPEN,  # not approved; 17 working days late by TODAY
    )
    approved_on_time(project, dept_b, "launch", order=1)
    return {
        "project": project,
        "launch": launch,
        "training": training,
        "measures": measures,
        "filing": filing,
    }


def _line(sheet, step):
    return StepScore.objects.get(evaluation=sheet, step=step)


def test_evaluation_propose_matches_rules_by_hand(office_user, record, dept_a, dept_b):
    # given the default standard: launch 10/12, training, supporting_measures and
    # filing 15/18; warning 1.00 (cap 3.00), overdue day 0.20 (cap 2.00),
    # return 0.50 (cap 1.50); key indicators: supporting_measures cap 50%,
    # filing zero.
    round_ = services.round_create(year=2026, actor=office_user)
    standard = round_.standards.get(flow_code="general")
    marks = {s.code: (s.base_points, s.high_points) for s in standard.steps.all()}
    assert marks["launch"] == (Decimal("10"), Decimal("12"))
    for code in ("training", "supporting_measures", "filing"):
        assert marks[code] == (Decimal("15"), Decimal("18"))

    # when
    sheets = services.evaluation_propose(
        round=round_, project=record["project"], actor=office_user, today=TODAY
    )

    # then
    sheet_a = next(s for s in sheets if s.department_id == dept_a.pk)
    sheet_b = next(s for s in sheets if s.department_id == dept_b.pk)
    # launch: on time, first submission            -> 10.00
    assert _line(sheet_a, record["launch"]).proposed == Decimal("10.00")
    # training: 15 - 3 days x 0.20 (0.60) - 1 return x 0.50 (0.50)
    #           - 2 warnings x 1.00 (2.00)          -> 11.90
    assert _line(sheet_a, record["training"]).proposed == Decimal("11.90")
    # supporting_measures: 14 days x 0.20 = 2.80 capped 2.00; 4 returns = 2.00
    #           capped 1.50; 4 warnings = 4.00 capped 3.00
    #           15 - 2.00 - 1.50 - 3.00             -> 8.50
    assert _line(sheet_a, record["measures"]).proposed == Decimal("8.50")
    # filing: not approved, 17 days late: 15 - 2.00 (cap) = 13.00, then the
    #           missing key indicator (zero) takes the rest -> 0.00
    assert _line(sheet_a, record["filing"]).proposed == Decimal("0.00")
    # total 10 + 11.90 + 8.50 + 0 = 30.40 of 12 + 18 + 18 + 18 = 66
    assert sheet_a.total == Decimal("30.40")
    assert sheet_a.proposed_total == Decimal("30.40")
    assert sheet_a.max_total == Decimal("66.00")
    assert sheet_a.warnings == 6
    assert sheet_a.is_lead
    # the partner's one step, on time: 10 of 12
    assert (sheet_b.total, sheet_b.max_total) == (Decimal("10.00"), Decimal("12.00"))
    # every point is explained: base - deductions == proposed, line by line
    for line in StepScore.objects.filter(evaluation=sheet_a):
        taken = sum((d.points for d in line.deductions.all()), Decimal(0))
        assert line.base_points - taken == line.proposed


def test_evaluation_propose_deductions_name_their_sources(office_user, record, dept_a):
    # given
    round_ = services.round_create(year=2026, actor=office_user)

    # when
    services.evaluation_propose(
        round=round_, project=record["project"], actor=office_user, today=TODAY
    )

    # then each warning line points at its notice, each return at its event
    training = record["training"]
    lines = Deduction.objects.filter(step_score__step=training)
    warning_ids = {d.source_notice_id for d in lines if d.kind == "warning"}
    assert warning_ids == set(training.notices.values_list("id", flat=True))
    return_ids = {d.source_event_id for d in lines if d.kind == "return"}
    assert return_ids == set(
        Event.objects.filter(step=training, to_status="returned").values_list(
            "id", flat=True
        )
    )
    overdue = lines.get(kind="overdue")
    assert "逾期3个工作日" in overdue.reason
    assert overdue.points == Decimal("0.60")
    launch_line = StepScore.objects.get(step=record["launch"])
    assert "按时完成且一次审核通过" in launch_line.explanation


def test_indicator_miss_caps_step_at_share_of_base(office_user, record, dept_a):
    # given a proposed sheet
    round_ = services.round_create(year=2026, actor=office_user)
    sheets = services.evaluation_propose(
        round=round_, project=record["project"], actor=office_user, today=TODAY
    )
    sheet_a = next(s for s in sheets if s.department_id == dept_a.pk)
    indicator = KeyIndicator.objects.get(
        standard=sheet_a.standard, step_code="supporting_measures"
    )

    # when the office records the measures indicator as missed
    services.indicator_miss_record(
        evaluation=sheet_a,
        indicator=indicator,
        reason="配套制度未出台",
        actor=office_user,
    )

    # then 8.50 is capped at 50% x 15 = 7.50; total 30.40 - 1.00 = 29.40
    sheet_a.refresh_from_db()
    assert _line(sheet_a, record["measures"]).proposed == Decimal("7.50")
    assert sheet_a.total == Decimal("29.40")


def test_evaluation_propose_again_keeps_adjusted_marks(office_user, record, dept_a):
    # given an adjusted line
    round_ = services.round_create(year=2026, actor=office_user)
    services.evaluation_propose(
        round=round_, project=record["project"], actor=office_user, today=TODAY
    )
    line = StepScore.objects.get(step=record["launch"])
    services.mark_adjust(
        step_score=line, new_points="12", reason="工作经验被省委推广", actor=office_user
    )

    # when the record is read again
    services.evaluation_propose(
        round=round_, project=record["project"], actor=office_user, today=TODAY
    )

    # then the office's mark stays, the proposal is still shown beside it
    line.refresh_from_db()
    assert (line.proposed, line.final) == (Decimal("10.00"), Decimal("12.00"))
    assert line.evaluation.total == Decimal("32.40")
