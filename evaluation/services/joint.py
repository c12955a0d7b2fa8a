"""三家联评: bodies' marks, the office's notes on a missing body, and the one
combination of a department's score that rankings and credit records use."""

from decimal import Decimal

from django.db import transaction

from config.errors import DomainError, NotAllowed
from evaluation.models import (
    BodyMark,
    BodyMissing,
    EvaluatingBody,
    Evaluation,
    EvaluationRound,
)
from evaluation.services.rounds import department_scores, peer_averages
from evaluation.services.scoring import q
from evaluation.services.survey import satisfaction_rates, surveyed_department_ids
from org.models import Department, Role
from org.selectors import is_office, membership_of

# Departments the bodies mark: the ranked kinds (区级部门, 镇街).
MARKED_KINDS = [Department.Kind.DISTRICT, Department.Kind.TOWN]
MARKING_ROLES = {Role.OFFICE, Role.LEADER, Role.INSPECTOR}


def round_bodies(round_: EvaluationRound) -> list[EvaluatingBody]:
    """The bodies of a round: those of its first standard (by flow) that names
    any, so a round with several flows is judged by one set of bodies."""
    bodies = list(
        EvaluatingBody.objects.filter(standard__in=round_.standards.all())
        .select_related("department", "standard")
        .order_by("standard__flow_code", "order", "id")
    )
    if not bodies:
        return []
    first = bodies[0].standard_id
    return [b for b in bodies if b.standard_id == first]


def can_mark_for(user, body: EvaluatingBody) -> bool:
    """The office, or a user of the body's department with a marking role."""
    if is_office(user):
        return True
    membership = membership_of(user)
    return bool(
        membership
        and body.department_id
        and membership.department_id == body.department_id
        and membership.role in MARKING_ROLES
    )


def _ensure_draft(round_: EvaluationRound) -> None:
    if round_.status != EvaluationRound.Status.DRAFT:
        raise DomainError("轮次已复核或发布，联评评分不能再修改。")


@transaction.atomic
def body_mark_enter(
    *,
    round: EvaluationRound,  # noqa: A002
    body: EvaluatingBody,
    department: Department,
    mark,
    comment: str = "",
    actor,
) -> BodyMark:
    """Enter (or correct) a body's mark of a department. Side effects: none."""
    _ensure_draft(round)
    if body.kind != EvaluatingBody.Kind.MARKS:
        raise DomainError(f"“{body.name}”的得分由系统计算，不需录入。")
    if not can_mark_for(actor, body):
        raise NotAllowed(
            f"只有{body.department or '该主体'}的人员或区委办可以录入评分。"
        )
    mark = Decimal(str(mark))
    if not Decimal(0) <= mark <= Decimal(100):
        raise DomainError("评分应在0到100之间。")
    row, _ = BodyMark.objects.update_or_create(
        round=round,
        body=body,
        department=department,
        defaults={"mark": mark, "comment": comment.strip(), "entered_by": actor},
    )
    return row


@transaction.atomic
def body_missing_record(
    *,
    round: EvaluationRound,  # noqa: A002
    body: EvaluatingBody,
    reason: str,
    actor,
) -> BodyMissing:
    """The office records why a body gives no (or not all) marks. Side effects:
    none; the round may then be reviewed."""
    _ensure_draft(round)
    if not is_office(actor):
        raise NotAllowed("只有区委办可以登记缺评原因。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写缺评原因。")
    row, _ = BodyMissing.objects.update_or_create(
        round=round, body=body, defaults={"reason": reason, "recorded_by": actor}
    )
    return row


def _ranked_department_ids(round_: EvaluationRound) -> set[int]:
    return set(
        Evaluation.objects.filter(round=round_, department__kind__in=MARKED_KINDS)
        .values_list("department_id", flat=True)
        .distinct()
    )


def joint_gaps(round_: EvaluationRound) -> list[str]:
    """Why the round cannot be reviewed yet: each body without all its marks
    and without the office's note (empty when the round has no bodies)."""
    bodies = [b for b in round_bodies(round_) if b.kind != EvaluatingBody.Kind.RECORD]
    if not bodies:
        return []
    ranked = _ranked_department_ids(round_)
    excused = set(
        BodyMissing.objects.filter(round=round_).values_list("body_id", flat=True)
    )
    marked: dict[int, set[int]] = {}
    for body_id, department_id in BodyMark.objects.filter(round=round_).values_list(
        "body_id", "department_id"
    ):
        marked.setdefault(body_id, set()).add(department_id)
    surveyed = surveyed_department_ids(round_)
    gaps = []
    for body in bodies:
        if body.pk in excused:
            continue
        have = (
            surveyed
            if body.kind == EvaluatingBody.Kind.SURVEY
            else marked.get(body.pk, set())
        )
        missing = len(ranked - have)
        if missing:
            gaps.append(f"“{body.name}”还有{missing}个单位未评分")
    return gaps


def combined_scores(evaluations, *, round_: EvaluationRound | None) -> list[dict]:
    """Per department, as `department_scores`, with `score` the combined score.

    Without bodies, the round's peer ratings blend in as before. With bodies:
    score = Σ weight × mark, the record body's mark being the record-based
    score (100-point scale) and a survey body's the satisfaction rate; a body
    with no mark for the department (recorded missing) drops out and the
    others' weights are scaled up to 100%. Each row gains `bodies`:
    {body name: mark or None}.
    """
    bodies = round_bodies(round_) if round_ is not None else []
    if not bodies:
        peer = peer_averages(round_) if round_ is not None else {}
        weight = round_.peer_weight if round_ is not None else Decimal(0)
        return department_scores(evaluations, peer=peer, weight=weight)
    rows = department_scores(evaluations)
    marks = {
        (m.body_id, m.department_id): m.mark
        for m in BodyMark.objects.filter(round=round_)
    }
    rates = satisfaction_rates(round_)
    for row in rows:
        weighted = Decimal(0)
        weights = Decimal(0)
        row["bodies"] = {}
        for body in bodies:
            if body.kind == EvaluatingBody.Kind.RECORD:
                mark = row["execution"]
            elif body.kind == EvaluatingBody.Kind.SURVEY:
                mark = rates.get(row["department_id"])
            else:
                mark = marks.get((body.pk, row["department_id"]))
            row["bodies"][body.name] = mark
            if mark is not None and body.weight:
                weighted += body.weight * mark
                weights += body.weight
        row["score"] = q(weighted / weights) if weights else row["execution"]
    return rows
