"""How a project ends: the office's own steps, 已闭环 and 已撤销."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from org.selectors import is_office
from workflows.models import Actor, ExecutionProject, Step
from workflows.services.transitions import PROJECT_MACHINE, _transition

S = Step.Status
P = ExecutionProject.Status
FINISHED = (S.APPROVED, S.CANCELLED)


def project_settle(*, project: ExecutionProject, actor=None) -> ExecutionProject:
    """Move a project on once its steps allow: every department step approved →
    已完成; and its office steps (通报) done too → 已闭环.

    Call inside the transaction that approved the last step. Side effects: the
    project's status and an Event row when it moves.
    """
    if project.status not in (P.ACTIVE, P.COMPLETED):
        return project
    steps = Step.objects.filter(project_id=project.pk).exclude(status=S.CANCELLED)
    if steps.exclude(actor=Actor.OFFICE).exclude(status=S.APPROVED).exists():
        return project
    now = timezone.now()
    if not steps.exclude(status=S.APPROVED).exists():
        _transition(
            project,
            action="close",
            actor=actor,
            fields={"completed_at": project.completed_at or now},
        )
    elif project.status == P.ACTIVE:
        _transition(
            project, action="complete", actor=actor, fields={"completed_at": now}
        )
    return project


def step_office_done(*, step: Step, actor, reason: str = "") -> Step:
    """The office marks one of its own steps (e.g. 通报) done by hand.

    Side effects: the step approved with an Event row; the project may close.
    """
    if actor is not None and not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以办结区委办的步骤。")
    if step.actor != Actor.OFFICE:
        raise DomainError("只有区委办负责的步骤可以由区委办直接办结。")
    with transaction.atomic():
        project = ExecutionProject.objects.select_for_update(no_key=True).get(
            pk=step.project_id
        )
        if project.status == P.WITHDRAWN:
            raise DomainError("项目已撤销。")
        _transition(
            step,
            action="office_done",
            actor=actor,
            reason=(reason or "").strip(),
            fields={"approved_at": timezone.now()},
        )
        project_settle(project=project, actor=actor)
    return step


def bulletin_done_for_projects(*, project_ids, actor=None, reason: str) -> int:
    """A published round (and its bulletin) covers these projects: the 通报 of
    each project whose department steps are all approved is done, and the
    project closes. Projects still under way keep their 通报 open for a later
    round. Returns the number of projects closed.

    Side effects: office steps approved, projects closed, Event rows.
    """
    closed = 0
    projects = ExecutionProject.objects.select_for_update(no_key=True).filter(
        pk__in=list(project_ids), status=P.COMPLETED
    )
    now = timezone.now()
    for project in projects:
        for step in Step.objects.filter(project=project, actor=Actor.OFFICE).exclude(
            status__in=FINISHED
        ):
            _transition(
                step,
                action="office_done",
                actor=actor,
                reason=reason,
                fields={"approved_at": now},
            )
        project_settle(project=project, actor=actor)
        closed += project.status == P.CLOSED
    return closed


def project_withdraw(*, project: ExecutionProject, actor, reason: str):
    """The office withdraws (撤销) a project with a reason.

    Side effects: the project 已撤销 with an Event row; every step not yet
    approved cancelled (an Event row each); from now on the scan raises no
    notices for it and it leaves rounds, rankings and scores.
    Raises InvalidTransition when it is already closed or withdrawn.
    """
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以撤销项目。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("撤销项目必须填写原因。", code="reason_required")
    with transaction.atomic():
        locked = ExecutionProject.objects.select_for_update(no_key=True).get(
            pk=project.pk
        )
        PROJECT_MACHINE.apply(
            project,
            action="withdraw",
            actor=actor,
            reason=reason,
            expected=locked.status,
        )
        for step in Step.objects.filter(project_id=project.pk).exclude(
            status__in=FINISHED
        ):
            _transition(step, action="cancel", actor=actor, reason=reason)
    return project
