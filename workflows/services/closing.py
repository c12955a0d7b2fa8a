"""How a project ends: the office's own steps, 已闭环 and 已撤销."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from org.selectors import is_office
from workflows import hooks
from workflows.models import Actor, ExecutionProject, Step
from workflows.services.transitions import PROJECT_MACHINE, STEP_MACHINE, _transition

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

    In bulk (a round covers thousands of projects): a fixed number of queries
    however many projects, through the machines' bulk path (apply_many), so a
    step or project no longer in the status the move starts from is skipped.
    Side effects: office steps approved, projects closed, one Event row each.
    """
    projects = list(
        ExecutionProject.objects.select_for_update(no_key=True)
        .filter(pk__in=list(project_ids), status=P.COMPLETED)
        .order_by("pk")
    )
    if not projects:
        return 0
    steps = Step.objects.filter(project__in=projects, actor=Actor.OFFICE).exclude(
        status__in=FINISHED
    )
    STEP_MACHINE.apply_many(
        list(steps.order_by("project_id", "department_id", "order", "pk")),
        action="office_done",
        actor=actor,
        reason=reason,
        fields={"approved_at": timezone.now()},
    )
    return sum(p.status == P.CLOSED for p in projects_settle(projects, actor=actor))


def projects_settle(projects: list, *, actor=None) -> list:
    """project_settle for many projects at once (two queries and the bulk
    moves); returns the projects that moved. Side effects: as project_settle.
    """
    projects = [p for p in projects if p.status in (P.ACTIVE, P.COMPLETED)]
    if not projects:
        return []
    unfinished = set(
        Step.objects.filter(project__in=projects)
        .exclude(status__in=FINISHED)
        .values_list("project_id", "actor")
        .distinct()
        .order_by()
    )
    busy = {pk for pk, actor_ in unfinished if actor_ != Actor.OFFICE}
    open_ = {pk for pk, _ in unfinished}
    now = timezone.now()
    to_close = [p for p in projects if p.pk not in open_]
    to_complete = [
        p
        for p in projects
        if p.pk in open_ and p.pk not in busy and p.status == P.ACTIVE
    ]
    moved = PROJECT_MACHINE.apply_many(
        [p for p in to_close if p.completed_at], action="close", actor=actor
    )
    moved += PROJECT_MACHINE.apply_many(
        [p for p in to_close if not p.completed_at],
        action="close",
        actor=actor,
        fields={"completed_at": now},
    )
    moved += PROJECT_MACHINE.apply_many(
        to_complete, action="complete", actor=actor, fields={"completed_at": now}
    )
    return moved


def project_withdraw(*, project: ExecutionProject, actor, reason: str):
    """The office withdraws (撤销) a project with a reason.

    Side effects: the project 已撤销 with an Event row; every step not yet
    approved cancelled (an Event row each); from now on the scan raises no
    notices for it and it leaves rounds, rankings and scores (the published
    rounds holding its sheets count them again: workflows.hooks.project_withdrawn).
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
        hooks.project_withdrawn(project_id=project.pk)
    return project
