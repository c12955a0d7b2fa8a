"""The one place that changes a status of a step or a project.

Allowed moves are data (`TRANSITIONS`). A move is a conditional UPDATE that
changes the row only if it is still in the status the caller saw, so when two
people act on the same step at once exactly one wins and the other gets
InvalidTransition. Each move writes an Event row; what other apps should hear
is sent with `transaction.on_commit`.
"""

from __future__ import annotations

from django.db import models, transaction

from config.errors import InvalidTransition
from workflows.models import Event, ExecutionProject, Step
from workflows.signals import step_changed

S = Step.Status
P = ExecutionProject.Status

# action -> (model, statuses it may start from, status it ends in)
TRANSITIONS: dict[str, tuple[type[models.Model], frozenset[str], str]] = {
    # the step before is approved (or launch opened the first stage)
    "open": (Step, frozenset({S.WAITING}), S.OPEN),
    # the department submits evidence, or resubmits after a return
    "submit": (Step, frozenset({S.OPEN, S.RETURNED}), S.SUBMITTED),
    # the office reviews submitted evidence
    "approve": (Step, frozenset({S.SUBMITTED}), S.APPROVED),
    "return": (Step, frozenset({S.SUBMITTED}), S.RETURNED),
    # every step of every department approved
    "complete": (ExecutionProject, frozenset({P.ACTIVE}), P.COMPLETED),
}

ACTION_LABELS = {
    "launch": "发起项目",
    "receipt": "确认回执",
    "open": "开始办理",
    "submit": "提交材料",
    "approve": "审核通过",
    "return": "退回",
    "complete": "项目完成",
    "flag": "列入通报",
}

_REFUSALS = {
    "open": "该步骤不是“未开始”状态，不能开启。",
    "submit": "该步骤当前为“{status}”，不能提交(只有办理中或已退回的步骤可以提交)。",
    "approve": "该步骤当前为“{status}”，不能审核通过(只有待审核的步骤可以审核)。",
    "return": "该步骤当前为“{status}”，不能退回(只有待审核的步骤可以退回)。",
    "complete": "项目当前为“{status}”，不能标记完成。",
}


def _transition(
    obj: Step | ExecutionProject,
    *,
    action: str,
    actor=None,
    reason: str = "",
    fields: dict | None = None,
) -> None:
    """Move `obj` by `action`; updates `obj` in place.

    Side effects: one Event row; for steps, `step_changed` sent after commit.
    Raises InvalidTransition if the move is not allowed from the status `obj`
    had when read, or if someone else moved it first.
    """
    model, sources, target = TRANSITIONS[action]
    if not isinstance(obj, model):
        raise TypeError(f"{action} applies to {model.__name__}")
    current = obj.status
    label = model.Status(current).label if current in model.Status.values else current
    if current not in sources:
        raise InvalidTransition(_REFUSALS[action].format(status=label))
    values = {"status": target, **(fields or {})}
    changed = model.objects.filter(pk=obj.pk, status=current).update(**values)
    if changed != 1:
        raise InvalidTransition("该事项刚刚已被他人处理，请刷新页面后查看最新状态。")
    expressions = []
    for name, value in values.items():
        if hasattr(value, "resolve_expression"):
            expressions.append(name)
        else:
            setattr(obj, name, value)
    if expressions:
        obj.refresh_from_db(fields=expressions)
    if isinstance(obj, Step):
        project_id, step_id, department_id = obj.project_id, obj.pk, obj.department_id
    else:
        project_id, step_id, department_id = obj.pk, None, None
    Event.objects.create(
        project_id=project_id,
        step_id=step_id,
        department_id=department_id,
        actor=actor,
        action=action,
        from_status=current,
        to_status=target,
        reason=reason,
    )
    if step_id is not None:
        actor_id = getattr(actor, "pk", None)
        transaction.on_commit(
            lambda: step_changed.send(
                sender=Step,
                step_id=step_id,
                action=action,
                from_status=current,
                to_status=target,
                actor_id=actor_id,
            )
        )
