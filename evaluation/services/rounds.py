"""Rounds and score sheets: create, propose, adjust, review, publish."""

import datetime
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone

from config.errors import DomainError, InvalidTransition, NotAllowed
from config.statemachine import Move, StateMachine, register
from evaluation.models import (
    Adjustment,
    CreditRecord,
    Evaluation,
    EvaluationRound,
    GradeThreshold,
    KeyIndicatorMiss,
    PeerRating,
    RoundEvent,
    RoundJob,
    StepScore,
)
from evaluation.services.propose import (
    WorkingDays,
    evaluation_propose,
    evaluations_propose,
    round_as_of,
)
from evaluation.services.propose import (
    lock_editable as _lock_editable,
)
from evaluation.services.scoring import q
from evaluation.services.standards import (
    grade_thresholds_ensure,
    standard_ensure_default,
)
from org.models import Office
from org.selectors import CITY_READ_ONLY, is_city, office_of
from workflows.models import ExecutionProject
from workflows.services import bulletin_done_for_projects

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


@transaction.atomic
def round_create(
    *,
    year: int,
    actor,
    quarter: int = 0,
    name: str = "",
    corrects: EvaluationRound | None = None,
    reason: str = "",
    office=None,
) -> EvaluationRound:
    """Open a round of an office (default: the actor's office, else the default
    office) for a year (quarter 0) or a quarter, with the current standards.

    A period that already has a published round takes only a correction round
    (`corrects` = that round, `reason` required).
    Side effects: creates default standards/grade thresholds if missing, a
    RoundEvent.
    """
    if quarter not in (0, 1, 2, 3, 4):
        raise DomainError("期间只能是全年或第一至第四季度。")
    if not 2000 <= int(year) <= 2100:
        raise DomainError("年度不正确。")
    if actor is not None and is_city(actor):
        raise NotAllowed(CITY_READ_ONLY)
    office = office or (office_of(actor) if actor is not None else None)
    office = office or Office.default()
    period = EvaluationRound.objects.filter(office=office, year=year, quarter=quarter)
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
        office=office,
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
            standard_ensure_default(flow_code=f, actor=actor, office=office)
            for f in ("general", "simple")
        ]
    )
    RoundEvent.objects.create(
        round=round_, actor=actor, action="create", to_status=S.DRAFT, reason=reason
    )
    return round_


def _propose_start(round_: EvaluationRound, *, today) -> None:
    _lock_editable(round_.pk)
    as_of = round_as_of(round_, today=today)
    # updated_at too: the ETag must move when sheets of withdrawn projects go.
    EvaluationRound.objects.filter(pk=round_.pk).update(
        as_of=as_of, updated_at=timezone.now()
    )
    round_.as_of = as_of
    Evaluation.objects.filter(
        round=round_, project__status=ExecutionProject.Status.WITHDRAWN
    ).delete()


def round_propose_all(
    *,
    round: EvaluationRound,  # noqa: A002
    actor=None,
    today: datetime.date | None = None,
    progress=None,
    batch_size: int = 50,
) -> int:
    """Propose sheets for every (not withdrawn) project of the round's year, as
    of the round's as-of date (the period's last day, or today if earlier).

    Without `progress`, all in one transaction. With `progress(done, total)`
    (a background job), each batch of projects commits on its own and
    progress is reported after each: every batch re-checks that the round is
    still a draft, and proposing again recomputes the same sheets, so a job
    stopped half-way is finished by running it again.
    Side effects: the round's `as_of`; as evaluations_propose, per batch; the
    sheets of withdrawn projects removed. Returns the number of sheets.
    """
    projects = (
        ExecutionProject.objects.filter(year=round.year, office_id=round.office_id)
        .exclude(status=ExecutionProject.Status.WITHDRAWN)
        .order_by("pk")
    )
    cache: dict = {}
    days = WorkingDays(round.office_id)

    def propose(batch) -> int:
        # One batch of projects costs a fixed number of queries.
        return len(
            evaluations_propose(
                round=round,
                projects=batch,
                actor=actor,
                today=today,
                _standards=cache,
                _days=days,
            )
        )

    if progress is None:
        with transaction.atomic():
            _propose_start(round, today=today)
            ids = list(projects.values_list("pk", flat=True))
            return sum(
                propose(projects.filter(pk__in=ids[start : start + batch_size]))
                for start in range(0, len(ids), batch_size)
            )
    with transaction.atomic():
        _propose_start(round, today=today)
    ids = list(projects.values_list("pk", flat=True))
    progress(0, len(ids))
    count = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with transaction.atomic():
            count += propose(
                ExecutionProject.objects.filter(pk__in=chunk).order_by("pk")
            )
        progress(start + len(chunk), len(ids))
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
    """Draft → reviewed, once every evaluating body (三家联评) has marked every
    ranked department or the office recorded why it did not.
    Side effects: RoundEvent."""
    with transaction.atomic():
        if RoundJob.objects.filter(
            round=round,
            action=RoundJob.Action.PROPOSE,
            finished_at=None,
            created_at__gte=timezone.now() - RoundJob.TIME_LIMIT,
        ).exists():
            raise DomainError("评分正在后台生成，请等待完成后再复核。")
        if not Evaluation.objects.filter(round=round).exists():
            raise DomainError("该轮次还没有评分表，请先生成评分。")
        from evaluation.services.joint import joint_gaps  # joint imports this module

        gaps = joint_gaps(round)
        if gaps:
            raise DomainError(
                "三家联评尚未完成，不能复核：" + "；".join(gaps) + "。"
                "请督促录入评分，或由区委办登记缺评原因。"
            )
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
    from evaluation.services.joint import combined_scores  # joint imports this module

    rows = combined_scores(Evaluation.objects.filter(round=round_), round_=round_)
    # One upsert for every department (a correction overwrites the year's record).
    CreditRecord.objects.bulk_create(
        [
            CreditRecord(
                department_id=row["department_id"],
                year=round_.year,
                score=row["score"],
                grade=grade_for(row["score"], thresholds),
                projects=row["projects"],
                source_round=round_,
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["department", "year"],
        update_fields=["score", "grade", "projects", "source_round", "updated_at"],
        batch_size=1000,
    )
    # A correction that no longer covers a department drops its old record.
    CreditRecord.objects.filter(
        year=round_.year, department__office_id=round_.office_id
    ).exclude(source_round=round_).exclude(
        department_id__in=[r["department_id"] for r in rows]
    ).filter(source_round__status=S.SUPERSEDED).delete()
    return len(rows)


def round_sheets_counted(round_ids) -> dict[int, int | None]:
    """Round id -> the number of its sheets the scores list shows (those of
    projects not withdrawn), or None when a sheet's department is no longer
    of the round's office (the list scopes sheets by their department's
    office, so the round's own count would not match any reader): one query."""
    counted = {pk: 0 for pk in round_ids}
    rows = (
        Evaluation.objects.filter(round_id__in=counted)
        .values("round_id")
        .annotate(
            n=Count("pk", filter=~Q(project__status=ExecutionProject.Status.WITHDRAWN)),
            elsewhere=Count(
                "pk", filter=~Q(department__office_id=F("round__office_id"))
            ),
        )
        .order_by()
    )
    for row in rows:
        counted[row["round_id"]] = None if row["elsewhere"] else row["n"]
    return counted


def round_sheets_recount(*, round_ids) -> int:
    """Count again the stored sheets of these rounds that are published, after
    something changed what their lists show (a project withdrawn, departments
    moved to another office). Side effects: each round's `published_sheets`
    and the `updated_at` of all these rounds, the open ones too, whose lists
    are counted live but change as well (the score APIs' ETag moves). Returns
    the published rounds counted."""
    round_ids = list(round_ids)
    published = list(
        EvaluationRound.objects.filter(pk__in=round_ids, status=S.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    for pk, n in round_sheets_counted(published).items():
        EvaluationRound.objects.filter(pk=pk).update(published_sheets=n, updated_at=now)
    EvaluationRound.objects.filter(pk__in=round_ids).exclude(status=S.PUBLISHED).update(
        updated_at=now
    )
    return len(published)


def round_sheets_recount_for_project(*, project_id: int) -> int:
    """round_sheets_recount for the published rounds with sheets of a project
    (workflows.hooks.project_withdrawn)."""
    return round_sheets_recount(
        round_ids=Evaluation.objects.filter(project_id=project_id)
        .values_list("round_id", flat=True)
        .distinct()
    )


def round_sheets_recount_for_departments(*, path: str) -> int:
    """round_sheets_recount for the published rounds with sheets of a moved
    subtree of departments (org.hooks.departments_moved)."""
    return round_sheets_recount(
        round_ids=Evaluation.objects.filter(department__path__startswith=path)
        .values_list("round_id", flat=True)
        .distinct()
    )


def round_sheets_count_missing() -> int:
    """Count the published rounds written around the services (seed_scale) that
    have no stored count. Returns the rounds counted."""
    missing = EvaluationRound.objects.filter(
        status=S.PUBLISHED, published_sheets=None
    ).values_list("pk", flat=True)
    return round_sheets_recount(round_ids=missing)


def round_publish(*, round: EvaluationRound, actor) -> EvaluationRound:  # noqa: A002
    """Reviewed → published: the round is frozen from now on.

    A correction round supersedes the round it corrects. A whole-year round writes
    each department's CreditRecord for the year: the score is on a 100-point scale,
    100·Σ(sheet totals)/Σ(sheet high-mark totals) over the department's projects
    (a weighted average, so the number of projects neither helps nor hurts);
    the grade comes from the GradeThreshold rows. Quarterly rounds do not touch
    credit records (the year's round does).
    Side effects: RoundEvents, CreditRecords, the corrected round superseded;
    the round's stored sheet count (`published_sheets`); its RankingEntry
    rows; the 通报 step of each covered project whose departments are done,
    and so the project closed
    (workflows.bulletin_done_for_projects).
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
            # Frozen from now on: what the scores list counts of it, once.
            published_sheets=round_sheets_counted([round_.pk])[round_.pk],
        )
        if round_.quarter == 0:
            _write_credit_records(round_)
        # Frozen from now on: rank once and store it (rankings read the rows).
        from evaluation.services.rankings import ranking_entries_write

        ranking_entries_write(round=round_)
        # The round's bulletin is the 通报 of the projects it covers.
        bulletin_done_for_projects(
            project_ids=Evaluation.objects.filter(round=round_)
            .values_list("project_id", flat=True)
            .distinct(),
            actor=actor,
            reason=f"“{round_.name}”已发布通报",
        )
    round.status = round_.status
    round.published_at = round_.published_at
    round.published_sheets = round_.published_sheets
    return round
