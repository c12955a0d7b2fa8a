"""Supervision records (室组地联动监督): inspections, problems, accountability."""

import datetime

from django.db import transaction
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from config.statemachine import Move, StateMachine, register
from notices.services import assignment_issue
from org.models import Role
from org.selectors import CITY_READ_ONLY, is_city, role_of, visible_departments
from supervision.models import (
    Accountability,
    Inspection,
    Problem,
    SupervisionEvent,
    SupervisionRule,
)
from supervision.services.plans import plan_fulfil
from workflows.calendar import add_working_days

P = Problem.Status
OPEN_STATES = [P.OPEN, P.ASSIGNED, P.ANSWERED]


def _record_event(problem, action, from_status, to_status, actor, reason):
    SupervisionEvent.objects.create(
        problem=problem,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


# Allowed moves of a problem's rectification, as data (config.statemachine).
PROBLEM_MACHINE = register(
    StateMachine(
        model=Problem,
        moves={
            "assign": Move([P.OPEN], P.ASSIGNED, "下发交办单"),
            "answer": Move([P.ASSIGNED], P.ANSWERED, "报送落实表"),
            "rectify": Move(OPEN_STATES + [P.OVERDUE], P.RECTIFIED, "确认整改"),
            "expire": Move(OPEN_STATES, P.OVERDUE, "逾期"),
            "close_unresolved": Move(
                OPEN_STATES + [P.OVERDUE], P.CLOSED_UNRESOLVED, "未整改销号"
            ),
            # a check finds a rectified problem not fixed after all
            "reopen": Move([P.RECTIFIED], P.ASSIGNED, "重新整改"),
        },
        record=_record_event,
        noun="该问题",
    )
)
PROBLEM_TRANSITIONS = {
    status: {m.target for m in PROBLEM_MACHINE.moves.values() if status in m.sources}
    for status in P.values
}
# The statuses an office or inspector may set by hand, and the move each takes.
HAND_MOVES = {
    P.RECTIFIED: "rectify",
    P.CLOSED_UNRESOLVED: "close_unresolved",
    P.ASSIGNED: "reopen",
}


def _ensure_supervises(actor, department_id: int) -> None:
    """Office staff record for any department; an inspector only for what
    their group supervises."""
    role = role_of(actor)
    if is_city(actor):
        raise NotAllowed(CITY_READ_ONLY)
    if role in {Role.OFFICE, Role.INSPECTOR} and (
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


def _problem_move(problem: Problem, *, action: str, actor, reason="", on=None):
    fields = {}
    if action == "rectify":
        fields = {
            "rectified_at": timezone.now(),
            "rectified_on": on or timezone.localdate(),
        }
    elif action == "reopen":
        fields = {"rectified_at": None, "rectified_on": None}
    return PROBLEM_MACHINE.apply(
        problem, action=action, actor=actor, reason=reason, fields=fields
    )


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
    """Record a problem found by an inspection. Its due date, unless given, is
    the rule's working days after the inspection (SupervisionRule, data).
    Side effects: Problem + event."""
    _ensure_supervises(actor, inspection.department_id)
    if not (description or "").strip():
        raise DomainError("请填写问题描述。")
    if due_on is None:
        due_on = add_working_days(
            inspection.inspected_on, rule_current().problem_due_working_days
        )
    problem = Problem.objects.create(
        inspection=inspection, description=description.strip(), due_on=due_on
    )
    SupervisionEvent.objects.create(
        problem=problem, actor=actor, action="record", to_status=P.OPEN
    )
    return problem


def rule_current() -> SupervisionRule:
    rule = SupervisionRule.objects.order_by("-id").first()
    return rule or SupervisionRule.objects.create()


@transaction.atomic
def problem_set_status(
    *,
    actor,
    problem: Problem,
    to: str,
    reason: str = "",
    rectified_on: datetime.date | None = None,
):
    """Set a problem's status by hand: 已整改 (checked on site; dated today
    unless `rectified_on` says when), 未整改销号, or back to 整改中.
    Side effects: the move and its SupervisionEvent."""
    _ensure_supervises(actor, problem.inspection.department_id)
    action = HAND_MOVES.get(to)
    if action is None:
        raise DomainError("整改状态不正确。")
    if rectified_on is not None and rectified_on > timezone.localdate():
        raise DomainError("整改完成日期不能晚于今天。")
    return _problem_move(
        problem, action=action, actor=actor, reason=reason, on=rectified_on
    )


@transaction.atomic
def problem_raise_assignment(*, actor, problem: Problem, due_on=None):
    """Hand a problem to its department as a 交办单 (notices.assignment_issue).

    Side effects: a Notice of kind assignment (delivered by notices after commit),
    the problem linked to it and moved to 整改中. Accepting the 落实表 of that
    交办单 rectifies the problem (see rectification.py).
    """
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
        _problem_move(
            problem,
            action="assign",
            actor=actor,
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
