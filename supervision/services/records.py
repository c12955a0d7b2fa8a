"""Supervision records (室组地联动监督): inspections, problems, accountability."""

import datetime

from django.db import transaction
from django.utils import timezone

from config.errors import DomainError, InvalidTransition, NotAllowed
from responsibilities.models import Role
from responsibilities.selectors import role_of, visible_departments
from supervision.models import Accountability, Inspection, Problem, SupervisionEvent
from supervision.services.plans import plan_fulfil

P = Problem.Status

# Allowed moves of a problem's rectification, as data.
PROBLEM_TRANSITIONS = {
    P.OPEN: {P.RECTIFYING, P.RECTIFIED},
    P.RECTIFYING: {P.RECTIFIED},
    P.RECTIFIED: {P.RECTIFYING},  # reopened when a check finds it not fixed
}


def _ensure_supervises(actor, department_id: int) -> None:
    """Office staff record for any department; an inspector only for what
    their group supervises."""
    role = role_of(actor)
    if role == Role.OFFICE:
        return
    if role == Role.INSPECTOR and (
        visible_departments(actor).filter(pk=department_id).exists()
    ):
        return
    raise NotAllowed("您不能为该单位登记监督记录。")


def _ensure_project_concerns(project, department) -> None:
    """A record may link only a project the department leads or partners in, so
    nobody attaches findings to another department's project."""
    if project is None:
        return
    if project.lead_department_id == department.pk:
        return
    if project.partner_departments.filter(pk=department.pk).exists():
        return
    raise DomainError("所选执行项目与该单位无关，请重新选择。")


def _problem_transition(problem: Problem, *, to: str, actor, action, reason=""):
    current = problem.status
    if to not in PROBLEM_TRANSITIONS.get(current, set()):
        raise InvalidTransition(
            f"问题当前为“{P(current).label}”，不能变为“{P(to).label}”。"
        )
    fields = {"status": to}
    fields["rectified_at"] = timezone.now() if to == P.RECTIFIED else None
    changed = Problem.objects.filter(pk=problem.pk, status=current).update(**fields)
    if changed != 1:
        raise InvalidTransition("问题状态已被他人修改，请刷新后重试。")
    SupervisionEvent.objects.create(
        problem=problem,
        actor=actor,
        action=action,
        from_status=current,
        to_status=to,
        reason=reason,
    )
    for name, value in fields.items():
        setattr(problem, name, value)
    return problem


@transaction.atomic
def inspection_record(
    *,
    actor,
    kind: str,
    inspected_on: datetime.date,
    inspectors: str,
    department,
    regulation=None,
    project=None,
    summary: str = "",
) -> Inspection:
    """Record an inspection (明察/暗访). Side effects: an Inspection row; the
    department's open plan, if any, fulfilled (supervision.services.plans)."""
    _ensure_supervises(actor, department.pk)
    _ensure_project_concerns(project, department)
    if kind not in Inspection.Kind.values:
        raise DomainError("检查方式只能是明察或暗访。")
    if not (inspectors or "").strip():
        raise DomainError("请填写检查人员。")
    if project is not None and regulation is None:
        regulation = project.regulation
    group = None
    if role_of(actor) == Role.INSPECTOR:
        group = actor.membership.department
    else:
        group = department.inspection_group
    inspection = Inspection.objects.create(
        kind=kind,
        inspected_on=inspected_on,
        inspectors=inspectors.strip(),
        inspection_group=group,
        department=department,
        regulation=regulation,
        project=project,
        summary=summary,
        recorded_by=actor,
    )
    plan_fulfil(inspection=inspection, actor=actor)
    return inspection


@transaction.atomic
def problem_record(
    *, actor, inspection: Inspection, description: str, due_on=None
) -> Problem:
    """Record a problem found by an inspection. Side effects: Problem + event."""
    _ensure_supervises(actor, inspection.department_id)
    if not (description or "").strip():
        raise DomainError("请填写问题描述。")
    problem = Problem.objects.create(
        inspection=inspection, description=description.strip(), due_on=due_on
    )
    SupervisionEvent.objects.create(
        problem=problem, actor=actor, action="record", to_status=P.OPEN
    )
    return problem


@transaction.atomic
def problem_set_status(*, actor, problem: Problem, to: str, reason: str = ""):
    """Move a problem's rectification status. Side effects: SupervisionEvent."""
    _ensure_supervises(actor, problem.inspection.department_id)
    if to not in P.values:
        raise DomainError("整改状态不正确。")
    return _problem_transition(
        problem, to=to, actor=actor, action=f"set_{to}", reason=reason
    )


@transaction.atomic
def problem_raise_assignment(*, actor, problem: Problem, due_on=None):
    """Hand a problem to its department as a 交办单 (notices.assignment_issue).

    Side effects: a Notice of kind assignment (delivered by notices after commit),
    the problem linked to it and moved to 整改中.
    """
    from notices.services import assignment_issue

    _ensure_supervises(actor, problem.inspection.department_id)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.assignment_id:
        raise DomainError("该问题已下发交办单。")
    inspection = problem.inspection
    due_on = due_on or problem.due_on
    if due_on is None:
        raise DomainError("请先填写整改时限。")
    notice = assignment_issue(
        department=inspection.department,
        title=f"整改交办：{problem.description[:60]}",
        body=(
            f"{inspection.inspected_on:%Y年%m月%d日}{inspection.get_kind_display()}"
            f"发现问题：{problem.description}\n请于{due_on:%Y年%m月%d日}前完成整改"
            "并报送落实表。"
        ),
        due_on=due_on,
        actor=actor,
        project=inspection.project,
    )
    Problem.objects.filter(pk=problem.pk).update(assignment=notice, due_on=due_on)
    problem.assignment = notice
    problem.due_on = due_on
    if problem.status == P.OPEN:
        _problem_transition(
            problem,
            to=P.RECTIFYING,
            actor=actor,
            action="assign",
            reason=f"下发交办单 {notice.number or notice.pk}",
        )
    return problem


@transaction.atomic
def accountability_record(
    *,
    actor,
    department,
    action: str,
    person: str,
    decided_on: datetime.date,
    problem: Problem | None = None,
    project=None,
    note: str = "",
) -> Accountability:
    """Record an accountability action (谈话提醒/通报/诫勉/处分).

    Side effects: an Accountability row.
    """
    _ensure_supervises(actor, department.pk)
    if action not in Accountability.Action.values:
        raise DomainError("问责方式不正确。")
    if not (person or "").strip():
        raise DomainError("请填写被问责人。")
    if problem is not None and problem.inspection.department_id != department.pk:
        raise DomainError("所选问题不是该单位的问题，请重新选择。")
    if problem is not None and project is None:
        project = problem.inspection.project
    _ensure_project_concerns(project, department)
    return Accountability.objects.create(
        problem=problem,
        department=department,
        project=project,
        action=action,
        person=person.strip(),
        decided_on=decided_on,
        note=note,
        recorded_by=actor,
    )
