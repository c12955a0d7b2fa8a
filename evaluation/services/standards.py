"""Scoring standards as data: defaults from the flow templates, versioned edits.

Per office (issue 13): rows without an office are the default (全市默认)
standard; a district office may copy the default into its own override
(本区调整, `standard_override_create`), edit it through `standard_update`, and
drop back to the default (`standard_override_drop`).

Who edits what: an override only by its own office's staff; the default by the
staff of the deployment's default office (`Office.default()`), as before
offices existed, because a city office (市委办) writes nothing in this app. The
default office has no override: its standard is the default. City staff,
leaders and other offices read. `actor=None` is the system (seeding, demo).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
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
from org.models import Office
from org.selectors import CITY_READ_ONLY, is_city, is_office, office_of
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


def standards_may_edit(user, *, office_id: int | None) -> bool:
    """May `user` edit the standards of office `office_id` (None: the default)?
    Its own office's staff (the default: the default office's staff); a
    superuser without membership any; the system (`None`) any; the city none."""
    if user is None:
        return True
    if not is_office(user):
        return False
    own = office_of(user)
    if own is None:  # a superuser without membership: the whole deployment
        return True
    if office_id is None:
        return own.pk == Office.default().pk
    return own.pk == office_id


def _refuse_unless_editor(actor, office_id: int | None) -> None:
    if standards_may_edit(actor, office_id=office_id):
        return
    if is_city(actor):
        raise PermissionDenied(CITY_READ_ONLY)
    if office_id is None:
        raise PermissionDenied(
            f"全市默认评分标准由{Office.default().name}修改；"
            "本区可按本区调整后修改本区的评分标准。"
        )
    raise PermissionDenied("只有本区委办工作人员可以修改本区调整后的评分标准。")


@transaction.atomic
def standard_ensure_default(
    *, flow_code: str, actor=None, office=None
) -> ScoringStandard:
    """The current standard of a flow for `office` (an Office or its id; None:
    the default): the office's override (本区调整) if any, else the default's
    current (全市默认), seeded from the flow's FlowTemplate if there is none.

    Side effects: may create the default ScoringStandard with steps,
    indicators and rules.
    """
    existing = (
        ScoringStandard.objects.filter(flow_code=flow_code)
        .current_for(office)
        .get(flow_code)
    )
    if existing is not None:
        return existing

    templates = list(
        StepTemplate.objects.filter(flow__code=flow_code).order_by("order")
    )
    last = (
        ScoringStandard.objects.filter(flow_code=flow_code, office__isnull=True)
        .order_by("-version")
        .first()
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


def _copy_as_new_version(
    standard: ScoringStandard, *, actor, note: str, office_id=...
) -> ScoringStandard:
    """A copy of `standard` with its lines as the next version of `office_id`'s
    rows of the flow (default: the standard's own office, or the default),
    made current in their place."""
    if office_id is ...:
        office_id = standard.office_id
    # filter(office_id=None) is IS NULL: the default's rows.
    rows = ScoringStandard.objects.filter(
        flow_code=standard.flow_code, office_id=office_id
    )
    last = rows.select_for_update().order_by("-version").first()
    rows.filter(is_current=True).update(is_current=False)
    new = ScoringStandard.objects.create(
        office_id=office_id,
        flow_code=standard.flow_code,
        version=last.version + 1 if last else 1,
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
    # A body's department of another office (the default's, copied into an
    # override) is left out: the office enters that body's marks itself until
    # it names its own department (standard_bodies_set).
    EvaluatingBody.objects.bulk_create(
        EvaluatingBody(
            standard=new,
            name=b.name,
            kind=b.kind,
            department_id=(
                b.department_id
                if office_id == standard.office_id
                or (b.department and b.department.office_id == office_id)
                else None
            ),
            weight=b.weight,
            order=b.order,
        )
        for b in standard.bodies.select_related("department")
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
    version (of the same office's rows, or the default's) that becomes current;
    rounds keep the version they used. Only the standard's editors
    (`standards_may_edit`) may: PermissionDenied otherwise.
    Side effects: may create a new ScoringStandard version (copying its lines).
    Returns the version that holds the edit.
    """
    _refuse_unless_editor(actor, standard.office_id)
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
    _refuse_unless_editor(actor, standard.office_id)
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


def _override_office(office, actor) -> Office:
    office = office if isinstance(office, Office) else Office.objects.get(pk=office)
    _refuse_unless_editor(actor, office.pk)
    if office.kind != Office.Kind.DISTRICT:
        raise DomainError("只有区委办可以按本区调整评分标准。")
    if office.pk == Office.default().pk:
        raise DomainError("本区的评分标准就是全市默认标准，请直接修改。")
    return office


@transaction.atomic
def standard_override_create(*, office, flow_code: str, actor) -> ScoringStandard:
    """按本区调整: copy the default's current standard of a flow (with its
    steps, indicators, rules and bodies) as `office`'s own current version
    (its version 1, or the next after an override it dropped); the office then
    edits it with `standard_update`. Only the office's own staff; not the
    default office (whose standard is the default).

    Side effects: creates a ScoringStandard of the office with its lines.
    Returns it.
    """
    office = _override_office(office, actor)
    if flow_code not in FLOW_NAMES:
        raise DomainError("流程不存在。")
    if ScoringStandard.objects.filter(
        office=office, flow_code=flow_code, is_current=True
    ).exists():
        raise DomainError("本区已按本区调整该评分标准，请直接修改。")
    default = standard_ensure_default(flow_code=flow_code, actor=actor)
    return _copy_as_new_version(
        default,
        actor=actor,
        note=f"按本区调整：复制全市默认标准第{default.version}版",
        office_id=office.pk,
    )


@transaction.atomic
def standard_override_drop(*, office, flow_code: str, actor) -> ScoringStandard:
    """恢复全市默认: retire `office`'s override of a flow, so the default's
    current standard applies to its next rounds. Rounds keep the versions they
    used: nothing is deleted. Only the office's own staff.

    Side effects: sets is_current False on the office's rows of the flow.
    Returns the default standard now in force for the office.
    """
    office = _override_office(office, actor)
    retired = ScoringStandard.objects.filter(
        office=office, flow_code=flow_code, is_current=True
    ).update(is_current=False)
    if not retired:
        raise DomainError("本区未调整该评分标准，已在使用全市默认标准。")
    return standard_ensure_default(flow_code=flow_code, office=office)
