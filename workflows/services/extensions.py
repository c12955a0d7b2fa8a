"""延期申请: a department asks for more time on a step; the office answers.

A grant moves the step's due date to the date asked for and shifts the planned
dates of the department's later steps of the project by the same number of
working days (workflows/calendar.py). Each ask and answer writes an Event row on
the step, so the step's history shows it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from config.statemachine import Move, StateMachine, register
from org.selectors import can_act_for, is_office
from workflows import calendar
from workflows.models import Event, ExecutionProject, ExtensionRequest, Step

X = ExtensionRequest.Status

# Steps a department may ask more time for: open or returned (overdue is an
# open or returned step past its due date).
EXTENDABLE = {Step.Status.OPEN, Step.Status.RETURNED}

EXTENSION_MOVES = {
    "extension_grant": Move(
        {X.PENDING},
        X.GRANTED,
        "同意延期",
        refusal="该延期申请当前为“{status}”，不能再审批。",
    ),
    "extension_refuse": Move(
        {X.PENDING},
        X.REFUSED,
        "不同意延期",
        refusal="该延期申请当前为“{status}”，不能再审批。",
    ),
}


def _record(request, action, from_status, to_status, actor, reason):
    step = request.step
    Event.objects.create(
        project_id=step.project_id,
        step_id=step.pk,
        department_id=request.department_id,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


EXTENSION_MACHINE = register(
    StateMachine(
        model=ExtensionRequest,
        moves=EXTENSION_MOVES,
        record=_record,
        noun="该延期申请",
    )
)


def extension_ask(*, step: Step, actor, reason: str, until) -> ExtensionRequest:
    """The step's department asks to move its due date to `until`.

    Side effects: an ExtensionRequest row (pending) and an Event row
    `extension_ask` on the step. Refused when the step is not open or returned,
    when `until` is not after the current due date, or when a request is
    already pending.
    """
    if step.actor == "office" or not can_act_for(actor, step.department_id):
        raise NotAllowed("只有本单位联络员可以申请延期。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("申请延期时必须填写理由。", code="reason_required")
    if until is None:
        raise DomainError("请填写申请延期至的日期。", code="until_required")
    if step.status not in EXTENDABLE:
        raise DomainError(
            "只有办理中、已退回或已逾期的步骤可以申请延期。", code="not_extendable"
        )
    if until <= step.due_on:
        raise DomainError(
            f"延期日期须晚于当前截止日期({step.due_on:%Y-%m-%d})。",
            code="until_too_early",
        )
    with transaction.atomic():
        Step.objects.select_for_update().filter(pk=step.pk).first()
        if ExtensionRequest.objects.filter(step=step, status=X.PENDING).exists():
            raise DomainError(
                "该步骤已有待审批的延期申请，请等待区委办答复。",
                code="extension_pending",
            )
        request = ExtensionRequest.objects.create(
            step=step,
            department_id=step.department_id,
            reason=reason,
            until=until,
            previous_due_on=step.due_on,
            requested_by=actor,
        )
        Event.objects.create(
            project_id=step.project_id,
            step_id=step.pk,
            department_id=step.department_id,
            actor=actor,
            action="extension_ask",
            to_status=X.PENDING,
            reason=f"申请延期至{until:%Y-%m-%d}：{reason}",
        )
    return request


def extension_latest(*, step: Step) -> ExtensionRequest | None:
    """The step's most recent request (pending or answered)."""
    return step.extension_requests.order_by("-requested_at", "-id").first()


def _office_only(actor) -> None:
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以审批延期申请。")


def extension_grant(*, request: ExtensionRequest, actor, reason: str = ""):
    """The office grants a request: the step is due on `request.until`.

    Scoring: the overdue deduction counts from the step's due date, and a
    granted extension moves that date, so a step done by the new date is not
    overdue and a later one loses points from the new date on. That is the
    standard's default (an approved 延期 replaces the 时限); nothing in
    evaluation needs to know about extensions.

    Side effects: the request moves to `granted` (Event `extension_grant`);
    the step's due_on becomes `until`; the planned start and due dates of the
    same department's later steps of the project that are not done move by the
    same number of working days; the project's due date moves when a step now
    ends after it.
    """
    _office_only(actor)
    with transaction.atomic():
        step = Step.objects.select_for_update().get(pk=request.step_id)
        request.step = step
        EXTENSION_MACHINE.apply(
            request,
            action="extension_grant",
            actor=actor,
            reason=(reason or "").strip() or f"同意延期至{request.until:%Y-%m-%d}",
            fields={
                "answer": (reason or "").strip(),
                "answered_by": actor,
                "answered_at": timezone.now(),
            },
        )
        _move_dates(step, request.until)
    return request


def _move_dates(step: Step, until) -> None:
    shift = calendar.working_days_between(step.due_on, until)
    step.due_on = until
    step.save(update_fields=["due_on"])
    later = list(
        Step.objects.select_for_update()
        .filter(
            project_id=step.project_id,
            department_id=step.department_id,
            order__gt=step.order,
        )
        .exclude(status__in=[Step.Status.APPROVED, Step.Status.CANCELLED])
    )
    for other in later:
        other.starts_on = calendar.add_working_days(other.starts_on, shift)
        other.due_on = calendar.add_working_days(other.due_on, shift)
    if later:
        Step.objects.bulk_update(later, ["starts_on", "due_on"])
    last = max([until, *(s.due_on for s in later)])
    project = ExecutionProject.objects.get(pk=step.project_id)
    if project.due_on is not None and last > project.due_on:
        project.due_on = last
        project.save(update_fields=["due_on"])


def extension_refuse(*, request: ExtensionRequest, actor, reason: str):
    """The office refuses a request with a reason; no date changes.

    Side effects: the request moves to `refused` (Event `extension_refuse`
    with the reason).
    """
    _office_only(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("不同意延期时必须填写理由。", code="reason_required")
    with transaction.atomic():
        EXTENSION_MACHINE.apply(
            request,
            action="extension_refuse",
            actor=actor,
            reason=reason,
            fields={
                "answer": reason,
                "answered_by": actor,
                "answered_at": timezone.now(),
            },
        )
    return request
