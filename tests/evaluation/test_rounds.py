from decimal import Decimal

import pytest

from config.errors import DomainError, InvalidTransition
from evaluation import services
from evaluation.models import (
    Adjustment,
    CreditRecord,
    EvaluationRound,
    RoundEvent,
    ScoringStandard,
    StepScore,
)
from tests.evaluation.conftest import add_warnings, approved_on_time, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(office_user, dept_a, dept_b):
    """A 2026 round with sheets for dept_a (10/12) and dept_b (9/12)."""
    project = make_project(lead=dept_a, partners=[dept_b])
    approved_on_time(project, dept_a)
    add_warnings(approved_on_time(project, dept_b), 1)
    round_ = services.round_create(year=2026, actor=office_user)
    services.evaluation_propose(round=round_, project=project, actor=office_user)
    return round_


def _line(round_, department):
    return StepScore.objects.get(
        evaluation__round=round_, evaluation__department=department
    )


def test_mark_adjust_without_reason_is_refused(office_user, proposed, dept_a):
    # given
    line = _line(proposed, dept_a)

    # when / then
    for reason in ("", "   "):
        with pytest.raises(DomainError, match="理由"):
            services.mark_adjust(
                step_score=line, new_points="11", reason=reason, actor=office_user
            )
    line.refresh_from_db()
    assert line.final == Decimal("10.00")
    assert not Adjustment.objects.exists()


def test_mark_adjust_out_of_bounds_is_refused(office_user, proposed, dept_a):
    # given a line with high mark 12
    line = _line(proposed, dept_a)

    # when / then
    for value in ("-0.01", "12.01", "100"):
        with pytest.raises(DomainError, match="高点"):
            services.mark_adjust(
                step_score=line, new_points=value, reason="试", actor=office_user
            )
    line.refresh_from_db()
    assert line.final == Decimal("10.00")


def test_mark_adjust_records_who_old_new_and_updates_total(
    office_user, proposed, dept_a
):
    # given
    line = _line(proposed, dept_a)

    # when
    services.mark_adjust(
        step_score=line, new_points="12", reason="经验做法获全市推广", actor=office_user
    )

    # then
    adjustment = Adjustment.objects.get()
    assert (adjustment.old_points, adjustment.new_points) == (
        Decimal("10.00"),
        Decimal("12.00"),
    )
    assert adjustment.actor == office_user
    line.refresh_from_db()
    assert line.evaluation.total == Decimal("12.00")


def test_round_moves_draft_reviewed_published_with_events(office_user, proposed):
    # given a draft: publishing straight away is not allowed
    with pytest.raises(InvalidTransition):
        services.round_publish(round=proposed, actor=office_user)

    # when
    services.round_review(round=proposed, actor=office_user)
    services.round_publish(round=proposed, actor=office_user)

    # then
    proposed.refresh_from_db()
    assert proposed.status == EvaluationRound.Status.PUBLISHED
    assert proposed.published_at is not None
    assert list(
        RoundEvent.objects.filter(round=proposed).values_list("action", "to_status")
    ) == [("create", "draft"), ("review", "reviewed"), ("publish", "published")]
    with pytest.raises(InvalidTransition):
        services.round_review(round=proposed, actor=office_user)


def test_published_round_cannot_be_edited(office_user, proposed, dept_a):
    # given a published round
    services.round_review(round=proposed, actor=office_user)
    services.round_publish(round=proposed, actor=office_user)
    line = _line(proposed, dept_a)
    project = line.evaluation.project

    # when / then: every write is refused with the Chinese "frozen" message
    with pytest.raises(DomainError, match="已发布") as excinfo:
        services.mark_adjust(
            step_score=line, new_points="11", reason="补充材料", actor=office_user
        )
    assert excinfo.value.code == "frozen"
    with pytest.raises(DomainError, match="已发布"):
        services.evaluation_propose(round=proposed, project=project)
    with pytest.raises(DomainError, match="已发布"):
        services.round_propose_all(round=proposed)
    line.refresh_from_db()
    assert line.final == Decimal("10.00")
    assert not Adjustment.objects.exists()


def test_reviewed_round_must_go_back_to_draft_before_editing(
    office_user, proposed, dept_a
):
    # given
    services.round_review(round=proposed, actor=office_user)
    line = _line(proposed, dept_a)
    with pytest.raises(DomainError, match="复核"):
        services.mark_adjust(
            step_score=line, new_points="11", reason="x", actor=office_user
        )

    # when
    with pytest.raises(DomainError):
        services.round_reopen(round=proposed, actor=office_user, reason="")
    services.round_reopen(round=proposed, actor=office_user, reason="发现漏算")

    # then
    services.mark_adjust(
        step_score=line, new_points="11", reason="x", actor=office_user
    )
    assert Adjustment.objects.count() == 1


def test_correction_needs_a_reason_and_supersedes_the_published_round(
    office_user, proposed, dept_a
):
    # given a published 2026 round
    services.round_review(round=proposed, actor=office_user)
    services.round_publish(round=proposed, actor=office_user)
    assert CreditRecord.objects.get(department=dept_a).source_round == proposed

    # when / then: a plain second round, or a correction without reason, refused
    with pytest.raises(DomainError, match="更正"):
        services.round_create(year=2026, actor=office_user)
    with pytest.raises(DomainError, match="原因"):
        services.round_create(year=2026, actor=office_user, corrects=proposed)
    correction = services.round_create(
        year=2026, actor=office_user, corrects=proposed, reason="漏计一项佐证材料"
    )
    services.round_propose_all(round=correction, actor=office_user)
    line = _line(correction, dept_a)
    services.mark_adjust(
        step_score=line, new_points="12", reason="补计佐证", actor=office_user
    )
    services.round_review(round=correction, actor=office_user)
    services.round_publish(round=correction, actor=office_user)

    # then
    proposed.refresh_from_db()
    assert proposed.status == EvaluationRound.Status.SUPERSEDED
    record = CreditRecord.objects.get(department=dept_a, year=2026)
    assert record.source_round == correction
    assert record.score == Decimal("100.00")


def test_credit_records_come_from_published_rounds_only(
    office_user, proposed, dept_a, dept_b
):
    # given a proposed and reviewed round: no credit record yet
    services.round_review(round=proposed, actor=office_user)
    assert not CreditRecord.objects.exists()

    # when
    services.round_publish(round=proposed, actor=office_user)

    # then 100 x 10/12 = 83.33 -> B (80..90); 100 x 9/12 = 75.00 -> C (60..80)
    records = {r.department_id: r for r in CreditRecord.objects.all()}
    assert records[dept_a.pk].score == Decimal("83.33")
    assert records[dept_a.pk].grade == "B"
    assert records[dept_b.pk].score == Decimal("75.00")
    assert records[dept_b.pk].grade == "C"


def test_quarterly_round_does_not_write_credit_records(office_user, dept_a):
    # given
    project = make_project(lead=dept_a)
    approved_on_time(project, dept_a)
    round_ = services.round_create(year=2026, quarter=1, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    services.round_review(round=round_, actor=office_user)

    # when
    services.round_publish(round=round_, actor=office_user)

    # then
    assert not CreditRecord.objects.exists()


def test_standard_edit_after_use_makes_a_new_version(office_user, proposed):
    # given the general standard used by a round
    used = proposed.standards.get(flow_code="general")

    # when
    new = services.standard_update(
        standard=used,
        actor=office_user,
        steps={"launch": (Decimal("8"), Decimal("10"))},
        note="2027年起启动环节调整",
    )

    # then the round keeps its version, the new one is current
    assert new.pk != used.pk
    assert new.version == used.version + 1
    used.refresh_from_db()
    assert not used.is_current and new.is_current
    assert used.steps.get(code="launch").base_points == Decimal("10")
    assert new.steps.get(code="launch").base_points == Decimal("8")
    assert proposed.standards.get(flow_code="general") == used
    assert ScoringStandard.objects.filter(flow_code="general").count() == 2


def test_standard_edit_before_use_changes_in_place(office_user):
    # given an unused standard
    standard = services.standard_ensure_default(flow_code="simple")

    # when
    same = services.standard_update(
        standard=standard,
        actor=office_user,
        rules={"warning": (Decimal("2"), Decimal("4"))},
    )

    # then
    assert same.pk == standard.pk
    assert same.rules.get(kind="warning").points == Decimal("2")
    with pytest.raises(DomainError):
        services.standard_update(
            standard=standard,
            actor=office_user,
            steps={"launch": (Decimal("8"), Decimal("5"))},
        )


def test_one_open_round_per_period(office_user):
    services.round_create(year=2026, actor=office_user)
    with pytest.raises(DomainError, match="未发布"):
        services.round_create(year=2026, actor=office_user)
    assert services.round_create(year=2026, quarter=2, actor=office_user).quarter == 2


def test_published_round_row_cannot_be_saved(office_user, proposed):
    # given
    services.round_review(round=proposed, actor=office_user)
    services.round_publish(round=proposed, actor=office_user)
    proposed.refresh_from_db()

    # when / then
    proposed.name = "改名"
    with pytest.raises(DomainError, match="已冻结"):
        proposed.save()
    assert EvaluationRound.objects.get(pk=proposed.pk).name != "改名"


def test_correction_round_carries_over_adjustments(office_user, proposed, dept_a):
    # given an adjusted, published round
    services.mark_adjust(
        step_score=_line(proposed, dept_a),
        new_points="11.5",
        reason="经验被推广",
        actor=office_user,
    )
    services.round_review(round=proposed, actor=office_user)
    services.round_publish(round=proposed, actor=office_user)

    # when a correction round is proposed from the record
    correction = services.round_create(
        year=2026, actor=office_user, corrects=proposed, reason="补计一项扣分"
    )
    services.round_propose_all(round=correction, actor=office_user)

    # then the office's mark is kept, explained by a carried-over adjustment
    line = _line(correction, dept_a)
    assert (line.proposed, line.final) == (Decimal("10.00"), Decimal("11.50"))
    adjustment = line.adjustments.get()
    assert adjustment.reason == "沿用被更正轮次的调整：经验被推广"
    assert line.evaluation.total == Decimal("11.50")
