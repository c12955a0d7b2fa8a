"""Rounds and score sheets: create, propose, adjust, review, publish."""

import datetime
import logging
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Count, Sum
from django.utils import timezone

from config.errors import DomainError, InvalidTransition
from config.statemachine import Move, StateMachine, register
from evaluation.models import (
    Adjustment,
    CreditRecord,
    Deduction,
    Evaluation,
    EvaluationRound,
    GradeThreshold,
    KeyIndicatorMiss,
    PeerRating,
    RoundEvent,
    StepScore,
)
from evaluation.services.scoring import q, score_step
from evaluation.services.standards import (
    grade_thresholds_ensure,
    standard_ensure_default,
)
from notices.models import Notice
from workflows.models import Event, ExecutionProject, Step

logger = logging.getLogger(__name__)

S = EvaluationRound.Status


def _record_round_event(round_, action, from_status, to_status, actor, reason):
    RoundEvent.objects.create(
        round_id=round_.pk,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


# Allowed moves of a round, as data (config.statemachine).
ROUND_MACHINE = register(
    StateMachine(
        model=EvaluationRound,
        noun="评价轮次",
        moves={
            "review": Move({S.DRAFT}, S.REVIEWED, label="复核"),
            "reopen": Move({S.REVIEWED}, S.DRAFT, label="退回草稿"),
            "publish": Move({S.REVIEWED}, S.PUBLISHED, label="发布"),
            # a published correction round replaces the round it corrects
            "supersede": Move({S.PUBLISHED}, S.SUPERSEDED, label="更正"),
        },
        record=_record_round_event,
        refusal="评价轮次当前状态为“{status}”，不能变为“{target}”。",
        stale_message="评价轮次状态已被他人修改，请刷新后重试。",
    )
)

FROZEN_MESSAGE = (
    "该评价轮次已发布，已冻结，不能修改；如需更正，请新建更正轮次并说明原因。"
)


def _round_transition(
    round_: EvaluationRound,
    *,
    action: str,
    actor,
    reason: str = "",
    to: str | None = None,
    **fields,
) -> EvaluationRound:
    """Move a round by `action` (ROUND_MACHINE), judged by the status in the
    database, not the caller's copy. Side effects: conditional UPDATE, RoundEvent,
    a log line after commit."""
    if to is not None and to != ROUND_MACHINE.target(action):
        raise ValueError(f"round action {action!r} does not end in {to!r}")
    current = (
        EvaluationRound.objects.filter(pk=round_.pk)
        .values_list("status", flat=True)
        .first()
    )
    target = ROUND_MACHINE.target(action)
    if current is None:
        raise InvalidTransition(
            f"评价轮次当前状态为“不存在”，不能变为“{S(target).label}”。"
        )
    return ROUND_MACHINE.apply(
        round_,
        action=action,
        actor=actor,
        reason=reason,
        fields={"updated_at": timezone.now(), **fields},
        expected=current,
        on_commit=lambda: logger.info("round %s: %s -> %s", round_.pk, current, target),
    )


def _lock_editable(round_id: int) -> EvaluationRound:
    """Lock the round row and refuse unless it is a draft (frozen once published)."""
    round_ = EvaluationRound.objects.select_for_update().get(pk=round_id)
    if round_.is_frozen:
        raise DomainError(FROZEN_MESSAGE, code="frozen")
    if round_.status != S.DRAFT:
        raise DomainError("该评价轮次已复核，请先退回草稿再修改。", code="frozen")
    return round_


@transaction.atomic
def round_create(
    *,
    year: int,
    actor,
    quarter: int = 0,
    name: str = "",
    corrects: EvaluationRound | None = None,
    reason: str = "",
) -> EvaluationRound:
    """Open a round for a year (quarter 0) or a quarter, with the current standards.

    A period that already has a published round takes only a correction round
    (`corrects` = that round, `reason` required).
    Side effects: creates default standards/grade thresholds if missing, a
    RoundEvent.
    """
    if quarter not in (0, 1, 2, 3, 4):
        raise DomainError("期间只能是全年或第一至第四季度。")
    if not 2000 <= int(year) <= 2100:
        raise DomainError("年度不正确。")
    period = EvaluationRound.objects.filter(year=year, quarter=quarter)
    if period.filter(status__in=[S.DRAFT, S.REVIEWED]).exists():
        raise DomainError("该期间已有未发布的评价轮次，请先完成或使用该轮次。")
    published = period.filter(status=S.PUBLISHED).first()
    reason = (reason or "").strip()
    if published is not None:
        if corrects is None or corrects.pk != published.pk:
            raise DomainError(
                "该期间已有已发布的评价轮次，只能新建更正轮次（选择被更正的轮次）。"
            )
        if not reason:
            raise DomainError("新建更正轮次必须填写更正原因。")
    elif corrects is not None:
        raise DomainError("只能更正该期间已发布的评价轮次。")
    label = EvaluationRound.Quarter(quarter).label
    round_ = EvaluationRound.objects.create(
        year=year,
        quarter=quarter,
        name=name.strip()
        or f"{year}年{label}执规评价" + ("(更正)" if corrects else ""),
        corrects=corrects,
        correction_reason=reason,
        created_by=actor,
    )
    grade_thresholds_ensure()
    round_.standards.set(
        [
            standard_ensure_default(flow_code=f, actor=actor)
            for f in ("general", "simple")
        ]
    )
    RoundEvent.objects.create(
        round=round_, actor=actor, action="create", to_status=S.DRAFT, reason=reason
    )
    return round_


def _standard_for(round_: EvaluationRound, flow_code: str, cache: dict):
    if flow_code not in cache:
        standard = round_.standards.filter(flow_code=flow_code).first()
        if standard is None:
            standard = standard_ensure_default(flow_code=flow_code)
            round_.standards.add(standard)
        cache[flow_code] = (
            standard,
            {s.code: s for s in standard.steps.all()},
            {r.kind: r for r in standard.rules.all()},
            list(standard.indicators.all()),
        )
    return cache[flow_code]


@transaction.atomic
def evaluation_propose(
    *,
    round: EvaluationRound,  # noqa: A002 - the users' word
    project,
    actor=None,
    today: datetime.date | None = None,
    _standards: dict | None = None,
) -> list[Evaluation]:
    """Propose every department's score sheet for `project` from its record.

    Lines adjusted by the office keep their final mark; everything else (proposed
    marks, deductions, totals) is recomputed.
    Side effects: creates/updates Evaluation, StepScore, Deduction rows.
    """
    round_ = _lock_editable(round.pk)
    if project.year != round_.year:
        raise DomainError("项目年度与评价轮次年度不一致。")
    today = today or timezone.localdate()
    standard, std_steps, rules, indicators = _standard_for(
        round_, project.flow, _standards if _standards is not None else {}
    )
    indicators_by_code = defaultdict(list)
    for indicator in indicators:
        indicators_by_code[indicator.step_code].append(indicator)

    steps = list(
        Step.objects.filter(project=project).order_by("department_id", "order")
    )
    step_ids = [s.pk for s in steps]
    warnings = defaultdict(list)
    for notice in Notice.objects.filter(
        kind=Notice.Kind.WARNING, step_id__in=step_ids
    ).order_by("created_at", "id"):
        warnings[notice.step_id].append(notice)
    returns = defaultdict(list)
    approvals = {}
    for event in Event.objects.filter(step_id__in=step_ids).order_by(
        "created_at", "id"
    ):
        if event.to_status == Step.Status.RETURNED:
            returns[event.step_id].append(event.pk)
        elif event.to_status == Step.Status.APPROVED:
            approvals[event.step_id] = event.pk

    existing = {
        e.department_id: e
        for e in Evaluation.objects.filter(round=round_, project=project)
    }
    adjusted = {
        (line.evaluation_id, line.step_id): line.final
        for line in StepScore.objects.filter(
            evaluation__in=existing.values(), adjustments__isnull=False
        ).distinct()
    }
    # A correction round starts from the corrected round's adjustments: each is
    # carried over as an adjustment of its own, naming where it came from.
    carried = {}
    if round_.corrects_id:
        for adj in (
            Adjustment.objects.filter(
                step_score__evaluation__round_id=round_.corrects_id,
                step_score__evaluation__project=project,
            )
            .select_related("step_score__evaluation")
            .order_by("created_at", "id")
        ):
            key = (adj.step_score.evaluation.department_id, adj.step_score.step_id)
            carried[key] = adj  # the last adjustment wins
    misses = defaultdict(set)
    for miss in KeyIndicatorMiss.objects.filter(evaluation__in=existing.values()):
        misses[miss.evaluation_id].add(miss.indicator_id)

    by_department = defaultdict(list)
    for step in steps:
        by_department[step.department_id].append(step)

    sheets = []
    for department_id, dept_steps in by_department.items():
        sheet = existing.get(department_id)
        if sheet is None:
            sheet = Evaluation.objects.create(
                round=round_,
                project=project,
                department_id=department_id,
                standard=standard,
            )
        else:
            sheet.standard = standard
            Deduction.objects.filter(evaluation=sheet).delete()
        old_lines = {line.step_id: line for line in sheet.steps.all()}
        deductions = []
        totals = {"proposed": Decimal(0), "final": Decimal(0), "max": Decimal(0)}
        warning_count = overdue_days = 0
        for step in dept_steps:
            std = std_steps.get(step.code)
            base = std.base_points if std else step.base_points
            high = std.high_points if std else step.high_points
            result = score_step(
                step,
                base=base,
                high=high,
                rules=rules,
                indicators=indicators_by_code.get(step.code, []),
                missed_indicator_ids=misses.get(sheet.pk, set()),
                warnings=warnings.get(step.pk, []),
                return_event_ids=returns.get(step.pk, []),
                approve_event_id=approvals.get(step.pk),
                today=today,
            )
            final = adjusted.get((sheet.pk, step.pk), result.proposed)
            line = old_lines.get(step.pk) or StepScore(evaluation=sheet, step=step)
            carry = carried.get((department_id, step.pk)) if line.pk is None else None
            if carry is not None:
                final = min(carry.new_points, result.high)
            line.code, line.name, line.order = step.code, step.name, step.order
            line.base_points, line.high_points = result.base, result.high
            line.proposed, line.final = result.proposed, final
            line.explanation = result.explanation
            line.save()
            if carry is not None:
                Adjustment.objects.create(
                    step_score=line,
                    actor=actor,
                    old_points=result.proposed,
                    new_points=final,
                    reason=f"沿用被更正轮次的调整：{carry.reason}",
                )
            for ln in result.lines:
                deductions.append(
                    Deduction(
                        evaluation=sheet,
                        step_score=line,
                        kind=ln.kind,
                        reason=f"{step.name}：{ln.reason}",
                        points=ln.points,
                        source_event_id=ln.event_id,
                        source_notice_id=ln.notice_id,
                    )
                )
            totals["proposed"] += result.proposed
            totals["final"] += final
            totals["max"] += result.high
            warning_count += result.warnings
            overdue_days += result.overdue_days
        Deduction.objects.bulk_create(deductions)
        sheet.is_lead = department_id == project.lead_department_id
        sheet.proposed_total = q(totals["proposed"])
        sheet.total = q(totals["final"])
        sheet.max_total = q(totals["max"])
        sheet.warnings = warning_count
        sheet.overdue_days = overdue_days
        sheet.save()
        sheets.append(sheet)
    return sheets


def round_propose_all(
    *, round: EvaluationRound, actor=None, today: datetime.date | None = None
) -> int:  # noqa: A002
    """Propose sheets for every (not cancelled) project of the round's year.

    Side effects: as evaluation_propose, per project. Returns the number of sheets.
    """
    projects = ExecutionProject.objects.filter(year=round.year).exclude(
        status=ExecutionProject.Status.CANCELLED
    )
    cache: dict = {}
    count = 0
    with transaction.atomic():
        _lock_editable(round.pk)
        for project in projects:
            count += len(
                evaluation_propose(
                    round=round,
                    project=project,
                    actor=actor,
                    today=today,
                    _standards=cache,
                )
            )
    return count


def _recompute_total(evaluation_id: int) -> None:
    sums = StepScore.objects.filter(evaluation_id=evaluation_id).aggregate(
        total=Sum("final")
    )
    Evaluation.objects.filter(pk=evaluation_id).update(
        total=q(sums["total"] or 0), updated_at=timezone.now()
    )


@transaction.atomic
def mark_adjust(*, step_score: StepScore, new_points, reason: str, actor) -> Adjustment:
    """The office sets a step's final mark between 0 and its high mark, with a reason.

    Side effects: an Adjustment row (who, when, old, new, why); the sheet's total.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("调整分值必须填写调整理由。", code="reason_required")
    try:
        new_points = q(new_points)
    except Exception as exc:
        raise DomainError("分值必须是数字。") from exc
    evaluation = Evaluation.objects.only("round_id").get(pk=step_score.evaluation_id)
    _lock_editable(evaluation.round_id)
    line = StepScore.objects.select_for_update().get(pk=step_score.pk)
    if new_points < 0 or new_points > line.high_points:
        raise DomainError(
            f"调整后的分值须在 0 到高点 {line.high_points} 之间。", code="out_of_range"
        )
    adjustment = Adjustment.objects.create(
        step_score=line,
        actor=actor,
        old_points=line.final,
        new_points=new_points,
        reason=reason,
    )
    line.final = new_points
    line.save(update_fields=["final"])
    _recompute_total(line.evaluation_id)
    step_score.final = new_points
    return adjustment


@transaction.atomic
def indicator_miss_record(*, evaluation: Evaluation, indicator, reason: str, actor):
    """The office records that a key indicator was not met; the sheet is re-proposed.

    Side effects: a KeyIndicatorMiss row; the project's sheets recomputed.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写未达成的情况说明。")
    _lock_editable(evaluation.round_id)
    if indicator.standard_id != evaluation.standard_id:
        raise DomainError("该指标不属于本评分表使用的评分标准。")
    KeyIndicatorMiss.objects.get_or_create(
        evaluation=evaluation,
        indicator=indicator,
        defaults={"reason": reason, "recorded_by": actor},
    )
    evaluation_propose(round=evaluation.round, project=evaluation.project, actor=actor)


def round_review(*, round: EvaluationRound, actor) -> EvaluationRound:  # noqa: A002
    """Draft → reviewed. Side effects: RoundEvent."""
    with transaction.atomic():
        if not Evaluation.objects.filter(round=round).exists():
            raise DomainError("该轮次还没有评分表，请先生成评分。")
        return _round_transition(
            round,
            to=S.REVIEWED,
            actor=actor,
            action="review",
            reviewed_at=timezone.now(),
        )


def round_reopen(*, round: EvaluationRound, actor, reason: str) -> EvaluationRound:  # noqa: A002
    """Reviewed → draft, with a reason. Side effects: RoundEvent."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("退回草稿必须填写原因。")
    with transaction.atomic():
        return _round_transition(
            round, to=S.DRAFT, actor=actor, action="reopen", reason=reason
        )


def peer_averages(round_: EvaluationRound) -> dict[int, Decimal]:
    """多元互评: each rated department's average peer score in a round (one query)."""
    if not round_.peer_weight:
        return {}
    return {
        row["rated_id"]: q(row["avg"])
        for row in PeerRating.objects.filter(round=round_)
        .values("rated_id")
        .annotate(avg=Avg("score"))
        .order_by()
    }


def department_scores(
    evaluations, *, peer: dict | None = None, weight: Decimal = Decimal(0)
) -> list[dict]:
    """Per department: Σtotal, Σmax_total, projects, warnings and the 100-point
    score (one aggregate query).

    execution = 100·Σtotal/Σmax_total. With peer ratings (多元互评) of weight w,
    score = (1-w)·execution + w·(peer average); a department nobody rated keeps
    its execution score.
    """
    peer = peer or {}
    rows = (
        evaluations.values("department_id")
        .annotate(
            sum_total=Sum("total"),
            sum_max=Sum("max_total"),
            projects=Count("project_id", distinct=True),
            warnings=Sum("warnings"),
        )
        .order_by()
    )
    result = []
    for row in rows:
        sum_max = row["sum_max"] or Decimal(0)
        execution = q(Decimal(100) * row["sum_total"] / sum_max) if sum_max else q(0)
        peer_avg = peer.get(row["department_id"])
        score = execution
        if peer_avg is not None and weight:
            score = q((1 - weight) * execution + weight * peer_avg)
        result.append({**row, "execution": execution, "peer": peer_avg, "score": score})
    return result


def grade_for(score: Decimal, thresholds: list[GradeThreshold]) -> str:
    for threshold in thresholds:  # ordered by min_score, highest first
        if score >= threshold.min_score:
            return threshold.grade
    return thresholds[-1].grade if thresholds else ""


def _write_credit_records(round_: EvaluationRound) -> int:
    grade_thresholds_ensure()
    thresholds = list(GradeThreshold.objects.order_by("-min_score"))
    rows = department_scores(
        Evaluation.objects.filter(round=round_),
        peer=peer_averages(round_),
        weight=round_.peer_weight,
    )
    for row in rows:
        CreditRecord.objects.update_or_create(
            department_id=row["department_id"],
            year=round_.year,
            defaults={
                "score": row["score"],
                "grade": grade_for(row["score"], thresholds),
                "projects": row["projects"],
                "source_round": round_,
            },
        )
    # A correction that no longer covers a department drops its old record.
    CreditRecord.objects.filter(year=round_.year).exclude(source_round=round_).exclude(
        department_id__in=[r["department_id"] for r in rows]
    ).filter(source_round__status=S.SUPERSEDED).delete()
    return len(rows)


def round_publish(*, round: EvaluationRound, actor) -> EvaluationRound:  # noqa: A002
    """Reviewed → published: the round is frozen from now on.

    A correction round supersedes the round it corrects. A whole-year round writes
    each department's CreditRecord for the year: the score is on a 100-point scale,
    100·Σ(sheet totals)/Σ(sheet high-mark totals) over the department's projects
    (a weighted average, so the number of projects neither helps nor hurts);
    the grade comes from the GradeThreshold rows. Quarterly rounds do not touch
    credit records (the year's round does).
    Side effects: RoundEvents, CreditRecords, the corrected round superseded.
    """
    with transaction.atomic():
        round_ = EvaluationRound.objects.select_for_update().get(pk=round.pk)
        if round_.corrects_id:
            corrected = EvaluationRound.objects.get(pk=round_.corrects_id)
            if ROUND_MACHINE.allowed(corrected, "supersede"):
                _round_transition(
                    corrected,
                    to=S.SUPERSEDED,
                    actor=actor,
                    action="supersede",
                    reason=f"被“{round_.name}”更正：{round_.correction_reason}",
                )
        _round_transition(
            round_,
            to=S.PUBLISHED,
            actor=actor,
            action="publish",
            published_at=timezone.now(),
        )
        if round_.quarter == 0:
            _write_credit_records(round_)
    round.status = round_.status
    round.published_at = round_.published_at
    return round
