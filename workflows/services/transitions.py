"""The state machines of steps and projects (config.statemachine).

Allowed moves are data (`STEP_MOVES`, `PROJECT_MOVES`). `StateMachine.apply`
changes a row only if it is still in the status the caller saw, so when two
people act on the same step at once exactly one wins and the other gets
InvalidTransition. Each move writes an Event row; a project's move also sets
its receipts' `project_active` (receipts_follow_projects) in the same
transaction.
"""

from __future__ import annotations

from config.statemachine import Move, StateMachine, register
from workflows.models import Event, ExecutionProject, Receipt, Step

S = Step.Status
P = ExecutionProject.Status

STEP_MOVES = {
    # the department's own step before is approved (or launch opened the first)
    "open": Move(
        {S.WAITING},
        S.OPEN,
        "开启",
        refusal="该步骤不是“未开始”状态，不能开启。",
    ),
    # the department submits evidence, or resubmits after a return
    "submit": Move(
        {S.OPEN, S.RETURNED},
        S.SUBMITTED,
        "提交材料",
        refusal="该步骤当前为“{status}”，不能提交(只有办理中或已退回的步骤可以提交)。",
    ),
    # the office reviews submitted evidence
    "approve": Move(
        {S.SUBMITTED},
        S.APPROVED,
        "审核通过",
        refusal="该步骤当前为“{status}”，不能审核通过(只有待审核的步骤可以审核)。",
    ),
    "return": Move(
        {S.SUBMITTED},
        S.RETURNED,
        "退回",
        refusal="该步骤当前为“{status}”，不能退回(只有待审核的步骤可以退回)。",
    ),
    # an office step done by the office itself: 执行发起 at launch, 通报 when
    # the round covering the project is published (or by hand)
    "office_done": Move(
        {S.WAITING, S.OPEN, S.SUBMITTED, S.RETURNED},
        S.APPROVED,
        "办结",
        refusal="该步骤当前为“{status}”，不能办结。",
    ),
    # the project is withdrawn: whatever is not approved stops
    "cancel": Move(
        {S.WAITING, S.OPEN, S.SUBMITTED, S.RETURNED},
        S.CANCELLED,
        "取消",
        refusal="该步骤当前为“{status}”，不能取消。",
    ),
}

PROJECT_MOVES = {
    # every department's step approved, the 通报 not yet done
    "complete": Move({P.ACTIVE}, P.COMPLETED, "项目完成"),
    # last step approved and its 通报 done
    "close": Move({P.ACTIVE, P.COMPLETED}, P.CLOSED, "闭环"),
    # the office withdraws the project with a reason
    "withdraw": Move(
        {P.ACTIVE, P.COMPLETED},
        P.WITHDRAWN,
        "撤销",
        refusal="项目当前为“{status}”，不能撤销。",
    ),
}

ACTION_LABELS = {
    "launch": "发起项目",
    "receipt": "确认回执",
    "open": "开始办理",
    "submit": "提交材料",
    "approve": "审核通过",
    "return": "退回",
    "office_done": "区委办办结",
    "cancel": "取消",
    "complete": "项目完成",
    "close": "闭环",
    "withdraw": "撤销项目",
    "flag": "列入通报",
    "extension_ask": "申请延期",
    "extension_grant": "同意延期",
    "extension_refuse": "不同意延期",
    "urge": "催办",
}


def _step_event(step, action, from_status, to_status, actor, reason) -> Event:
    return Event(
        project_id=step.project_id,
        step_id=step.pk,
        department_id=step.department_id,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def _record_step(step, action, from_status, to_status, actor, reason):
    _step_event(step, action, from_status, to_status, actor, reason).save(
        force_insert=True
    )


def _project_event(project, action, from_status, to_status, actor, reason) -> Event:
    return Event(
        project_id=project.pk,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def _record_project(project, action, from_status, to_status, actor, reason):
    _project_event(project, action, from_status, to_status, actor, reason).save(
        force_insert=True
    )


def _record_steps(moved, action, to_status, actor, reason):
    """The Event rows of a bulk move of steps (one INSERT)."""
    Event.objects.bulk_create(
        [
            _step_event(step, action, from_status, to_status, actor, reason)
            for step, from_status in moved
        ]
    )


def _record_projects(moved, action, to_status, actor, reason):
    """The Event rows of a bulk move of projects (one INSERT)."""
    Event.objects.bulk_create(
        [
            _project_event(project, action, from_status, to_status, actor, reason)
            for project, from_status in moved
        ]
    )


def receipts_follow_projects(project_ids, *, active: bool) -> int:
    """Set Receipt.project_active of these projects' receipts to `active`
    (whether the projects are now 执行中): one UPDATE for them all, of the
    rows that differ. Called by the project machine inside every move's
    transaction (apply: one project; apply_many: every moved one); for rows
    written around the machine, call it with their ids. Returns the rows changed."""
    return (
        Receipt.objects.filter(project_id__in=list(project_ids))
        .exclude(project_active=active)
        .update(project_active=active)
    )


def _project_moved(projects, status: str) -> None:
    receipts_follow_projects([p.pk for p in projects], active=status == P.ACTIVE)


STEP_MACHINE = register(
    StateMachine(
        model=Step,
        moves=STEP_MOVES,
        record=_record_step,
        record_many=_record_steps,
        noun="该步骤",
    )
)
PROJECT_MACHINE = register(
    StateMachine(
        model=ExecutionProject,
        moves=PROJECT_MOVES,
        record=_record_project,
        record_many=_record_projects,
        after_move=_project_moved,
        noun="该项目",
    )
)


def _transition(
    obj: Step | ExecutionProject,
    *,
    action: str,
    actor=None,
    reason: str = "",
    fields: dict | None = None,
    on_commit=None,
) -> None:
    """Move a step or a project by `action` (through its machine); updates `obj`.

    Side effects: one Event row; `on_commit` callables after commit.
    """
    machine = STEP_MACHINE if isinstance(obj, Step) else PROJECT_MACHINE
    machine.apply(
        obj,
        action=action,
        actor=actor,
        reason=reason,
        fields=fields,
        on_commit=on_commit,
    )
