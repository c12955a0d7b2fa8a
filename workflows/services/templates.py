"""Editing the flow templates (office). Launch copies a template's fields into
each Step, so an edit here applies to projects launched afterwards only."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from config.errors import DomainError, NotAllowed
from org.selectors import is_office
from workflows.models import EVIDENCE_KINDS, Actor, FlowTemplate, StepTemplate

EDITABLE_FIELDS = (
    "code",
    "name",
    "duration_days",
    "parallel",
    "evidence_kinds",
    "base_points",
    "high_points",
    "description",
)


def _check(actor) -> None:
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以编辑流程模板。")


def _clean(flow: FlowTemplate, values: dict, *, instance=None) -> dict:
    code = (values.get("code") or "").strip()
    name = (values.get("name") or "").strip()
    if not code or not code.replace("_", "").isalnum() or not code.isascii():
        raise DomainError("步骤代码只能使用英文字母、数字和下划线。")
    if not name:
        raise DomainError("请填写步骤名称。")
    clash = StepTemplate.objects.filter(flow=flow, code=code)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise DomainError(f"该流程已有代码为“{code}”的步骤。")
    days = int(values.get("duration_days") or 0)
    if not 1 <= days <= 365:
        raise DomainError("时限应为1到365个工作日。")
    base = Decimal(str(values.get("base_points", 0)))
    high = Decimal(str(values.get("high_points", 0)))
    if base < 0 or high < base:
        raise DomainError("高点不能低于基点，分值不能为负。")
    kinds = [k for k in values.get("evidence_kinds") or [] if k in EVIDENCE_KINDS]
    # `step_actor`: who does the step (the service's `actor` is the user).
    actor = values.get("step_actor") or (instance.actor if instance else Actor.ALL)
    if actor not in Actor.values:
        raise DomainError("执行主体只能是区委办、牵头部门或牵头及配合部门。")
    return {
        "code": code,
        "name": name,
        "actor": actor,
        "duration_days": days,
        "parallel": bool(values.get("parallel")),
        "evidence_kinds": kinds,
        "base_points": base,
        "high_points": high,
        "description": (values.get("description") or "").strip(),
    }


def step_template_add(*, flow: FlowTemplate, actor, **values) -> StepTemplate:
    """Append a step to a flow. Side effects: none beyond the new row."""
    _check(actor)
    cleaned = _clean(flow, values)
    with transaction.atomic():
        FlowTemplate.objects.select_for_update().filter(pk=flow.pk).first()
        last = StepTemplate.objects.filter(flow=flow).aggregate(m=Max("order"))["m"]
        step = StepTemplate.objects.create(flow=flow, order=(last or 0) + 1, **cleaned)
        flow.save(update_fields=["updated_at"])
    return step


def step_template_update(
    *, step_template: StepTemplate, actor, **values
) -> StepTemplate:
    """Edit a step of a flow; running projects keep their copied values."""
    _check(actor)
    cleaned = _clean(step_template.flow, values, instance=step_template)
    for name, value in cleaned.items():
        setattr(step_template, name, value)
    with transaction.atomic():
        step_template.save()
        step_template.flow.save(update_fields=["updated_at"])
    return step_template


def step_template_move(*, step_template: StepTemplate, actor, up: bool) -> None:
    """Swap a step with its neighbour above (up=True) or below."""
    _check(actor)
    with transaction.atomic():
        FlowTemplate.objects.select_for_update().filter(
            pk=step_template.flow_id
        ).first()
        siblings = StepTemplate.objects.filter(flow_id=step_template.flow_id)
        if up:
            other = (
                siblings.filter(order__lt=step_template.order)
                .order_by("-order")
                .first()
            )
        else:
            other = (
                siblings.filter(order__gt=step_template.order).order_by("order").first()
            )
        if other is None:
            return
        mine, theirs = step_template.order, other.order
        # The (flow, order) constraint forbids a direct swap: park one first.
        parked = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
        StepTemplate.objects.filter(pk=step_template.pk).update(order=parked)
        StepTemplate.objects.filter(pk=other.pk).update(order=mine)
        StepTemplate.objects.filter(pk=step_template.pk).update(order=theirs)
        step_template.order = theirs
        step_template.flow.save(update_fields=["updated_at"])


def step_template_delete(*, step_template: StepTemplate, actor) -> None:
    """Remove a step from a flow; steps already launched keep their copy."""
    _check(actor)
    with transaction.atomic():
        if StepTemplate.objects.filter(flow_id=step_template.flow_id).count() <= 1:
            raise DomainError("流程至少要保留一个步骤。")
        flow = step_template.flow
        order = step_template.order
        step_template.delete()
        for later in StepTemplate.objects.filter(flow=flow, order__gt=order).order_by(
            "order"
        ):
            StepTemplate.objects.filter(pk=later.pk).update(order=later.order - 1)
        flow.save(update_fields=["updated_at"])
