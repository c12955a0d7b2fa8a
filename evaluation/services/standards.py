"""Scoring standards as data: defaults from the flow templates, versioned edits."""

from decimal import Decimal

from django.db import transaction

from config.errors import DomainError
from evaluation.models import (
    DeductionRule,
    EvaluatingBody,
    GradeThreshold,
    KeyIndicator,
    ScoringStandard,
    StandardStep,
)
from workflows.models import StepTemplate

FLOW_NAMES = {"general": "七步法评分标准", "simple": "三步法评分标准"}

# The seeded defaults; the office edits them as data.
DEFAULT_RULES = {
    DeductionRule.Kind.WARNING: (Decimal("1.00"), Decimal("3.00")),
    DeductionRule.Kind.OVERDUE_DAY: (Decimal("0.20"), Decimal("2.00")),
    DeductionRule.Kind.RETURN: (Decimal("0.50"), Decimal("1.50")),
    DeductionRule.Kind.RECEIPT_DAY: (Decimal("0.20"), Decimal("1.00")),
    DeductionRule.Kind.ASSIGNMENT: (Decimal("1.00"), Decimal("3.00")),
    DeductionRule.Kind.REPORT_RETURN: (Decimal("0.50"), Decimal("1.50")),
}
# 评定等次 → the standard's field holding its share of (高点 − 基点).
RATING_SHARE_FIELDS = {
    "excellent": "excellent_share",
    "good": "good_share",
    "pass": "pass_share",
}
DEFAULT_INDICATORS = {
    "general": [
        ("supporting_measures", "制定出台配套制度或实施方案", "cap", "0.50"),
        ("filing", "配套制度按规定报送备案", "zero", "0"),
    ],
    "simple": [("implementation", "落实情况按规定报送备案", "cap", "0.50")],
}
DEFAULT_GRADES = [
    ("A", "优秀", Decimal("90")),
    ("B", "良好", Decimal("80")),
    ("C", "一般", Decimal("60")),
    ("D", "较差", Decimal("0")),
]


def grade_thresholds_ensure() -> None:
    """Create the A/B/C/D thresholds if the office has none yet.

    Side effects: inserts GradeThreshold rows once.
    """
    if GradeThreshold.objects.exists():
        return
    GradeThreshold.objects.bulk_create(
        GradeThreshold(grade=g, label=label, min_score=score)
        for g, label, score in DEFAULT_GRADES
    )


@transaction.atomic
def standard_ensure_default(*, flow_code: str, actor=None) -> ScoringStandard:
    """The current standard of a flow; seeded from its FlowTemplate if none.

    Side effects: may create a ScoringStandard with steps, indicators and rules.
    """
    current = ScoringStandard.objects.filter(flow_code=flow_code, is_current=True)
    existing = current.first()
    if existing is not None:
        return existing

    templates = list(
        StepTemplate.objects.filter(flow__code=flow_code).order_by("order")
    )
    last = (
        ScoringStandard.objects.filter(flow_code=flow_code).order_by("-version").first()
    )
    standard = ScoringStandard.objects.create(
        flow_code=flow_code,
        version=(last.version + 1) if last else 1,
        name=FLOW_NAMES.get(flow_code, flow_code),
        created_by=actor,
        note="按流程模板生成的默认标准",
    )
    StandardStep.objects.bulk_create(
        StandardStep(
            standard=standard,
            code=t.code,
            name=t.name,
            order=t.order,
            base_points=t.base_points,
            high_points=max(t.high_points, t.base_points),
        )
        for t in templates
    )
    codes = {t.code for t in templates}
    KeyIndicator.objects.bulk_create(
        KeyIndicator(
            standard=standard,
            step_code=code,
            description=text,
            effect=effect,
            cap_share=Decimal(share),
        )
        for code, text, effect, share in DEFAULT_INDICATORS.get(flow_code, [])
        if code in codes
    )
    DeductionRule.objects.bulk_create(
        DeductionRule(standard=standard, kind=kind, points=points, cap=cap)
        for kind, (points, cap) in DEFAULT_RULES.items()
    )
    return standard


def _copy_as_new_version(standard: ScoringStandard, *, actor, note: str):
    last = (
        ScoringStandard.objects.select_for_update()
        .filter(flow_code=standard.flow_code)
        .order_by("-version")
        .first()
    )
    ScoringStandard.objects.filter(
        flow_code=standard.flow_code, is_current=True
    ).update(is_current=False)
    new = ScoringStandard.objects.create(
        flow_code=standard.flow_code,
        version=last.version + 1,
        name=standard.name,
        note=note,
        created_by=actor,
        excellent_share=standard.excellent_share,
        good_share=standard.good_share,
        pass_share=standard.pass_share,
    )
    StandardStep.objects.bulk_create(
        StandardStep(
            standard=new,
            code=s.code,
            name=s.name,
            order=s.order,
            base_points=s.base_points,
            high_points=s.high_points,
        )
        for s in standard.steps.all()
    )
    KeyIndicator.objects.bulk_create(
        KeyIndicator(
            standard=new,
            step_code=i.step_code,
            description=i.description,
            effect=i.effect,
            cap_share=i.cap_share,
        )
        for i in standard.indicators.all()
    )
    DeductionRule.objects.bulk_create(
        DeductionRule(standard=new, kind=r.kind, points=r.points, cap=r.cap)
        for r in standard.rules.all()
    )
    EvaluatingBody.objects.bulk_create(
        EvaluatingBody(
            standard=new,
            name=b.name,
            kind=b.kind,
            department_id=b.department_id,
            weight=b.weight,
            order=b.order,
        )
        for b in standard.bodies.all()
    )
    return new


@transaction.atomic
def standard_update(
    *,
    standard: ScoringStandard,
    actor,
    steps: dict[str, tuple[Decimal, Decimal]] | None = None,
    rules: dict[str, tuple[Decimal, Decimal]] | None = None,
    shares: dict[str, Decimal] | None = None,
    weights: dict[str, Decimal] | None = None,
    note: str = "",
) -> ScoringStandard:
    """Edit marks (code -> (base, high)), rules (kind -> (points, cap)) and the
    evaluating bodies' weights (三家联评: body name -> weight, summing to 1).

    A version already used by a round is never changed: the edit goes into a new
    version that becomes current; rounds keep the version they used.
    Side effects: may create a new ScoringStandard version (copying its lines).
    Returns the version that holds the edit.
    """
    steps = steps or {}
    rules = rules or {}
    shares = shares or {}
    for rating, share in shares.items():
        if rating not in RATING_SHARE_FIELDS or not 0 <= Decimal(share) <= 1:
            raise DomainError("评定等次的取值比例须在 0 到 1 之间。")
    for code, (base, high) in steps.items():
        if base < 0 or high < base:
            raise DomainError(f"步骤“{code}”的分值有误：须 0 ≤ 基点 ≤ 高点。")
    for _kind, (points, cap) in rules.items():
        if points < 0 or cap < 0:
            raise DomainError("扣分分值和上限不能为负数。")
    if not standard.is_current:
        raise DomainError("只能修改当前版本的评分标准。")
    weights = {name: Decimal(w) for name, w in (weights or {}).items()}
    if weights:
        current = {b.name: b.weight for b in standard.bodies.all()}
        if set(weights) - set(current):
            raise DomainError("评价主体不存在。")
        if any(not 0 <= w <= 1 for w in weights.values()):
            raise DomainError("评价主体的权重须在 0 到 1 之间。")
        if sum((current | weights).values()) != 1:
            raise DomainError("各评价主体的权重合计须为 1(即100%)。")
    target = standard
    if standard.rounds.exists():
        target = _copy_as_new_version(
            standard, actor=actor, note=note or "修订(原版本已被评价轮次使用)"
        )
    elif note:
        target.note = note
        target.save(update_fields=["note"])
    if shares:
        for rating, share in shares.items():
            setattr(target, RATING_SHARE_FIELDS[rating], Decimal(share))
        target.save(update_fields=[RATING_SHARE_FIELDS[r] for r in shares])
    for code, (base, high) in steps.items():
        StandardStep.objects.filter(standard=target, code=code).update(
            base_points=base, high_points=high
        )
    for kind, (points, cap) in rules.items():
        DeductionRule.objects.update_or_create(
            standard=target, kind=kind, defaults={"points": points, "cap": cap}
        )
    for name, weight in weights.items():
        EvaluatingBody.objects.filter(standard=target, name=name).update(weight=weight)
    return target


@transaction.atomic
def standard_bodies_set(
    *, standard: ScoringStandard, bodies: list[dict], actor, note: str = ""
) -> ScoringStandard:
    """Name the evaluating bodies (三家联评) of a standard: each a dict of name,
    kind, department (or None) and weight; the weights sum to 1 and exactly one
    body is the record-based score.

    Like `standard_update`, a version used by a round gets a new version.
    Side effects: may create a new ScoringStandard version; replaces its bodies.
    Returns the version that holds them.
    """
    if not standard.is_current:
        raise DomainError("只能修改当前版本的评分标准。")
    if bodies:
        if sum(Decimal(b["weight"]) for b in bodies) != 1:
            raise DomainError("各评价主体的权重合计须为 1(即100%)。")
        records = [b for b in bodies if b.get("kind") == EvaluatingBody.Kind.RECORD]
        if len(records) != 1:
            raise DomainError("须有且只有一个依据执规记录评分的评价主体(区委办)。")
    target = standard
    if standard.rounds.exists():
        target = _copy_as_new_version(
            standard, actor=actor, note=note or "设置三家联评评价主体"
        )
    target.bodies.all().delete()
    EvaluatingBody.objects.bulk_create(
        EvaluatingBody(
            standard=target,
            name=b["name"],
            kind=b.get("kind", EvaluatingBody.Kind.MARKS),
            department=b.get("department"),
            weight=Decimal(b["weight"]),
            order=order,
        )
        for order, b in enumerate(bodies, start=1)
    )
    return target
