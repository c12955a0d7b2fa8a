"""Launching execution projects, one at a time or in bulk from the lead list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from org.models import Department, Office
from org.selectors import CITY_READ_ONLY, is_city, is_office, office_of
from regulations.models import Regulation
from responsibilities.models import ResponsibilityList
from workflows import calendar, hooks
from workflows.models import (
    Actor,
    Event,
    ExecutionProject,
    FlowTemplate,
    Receipt,
    Step,
    StepTemplate,
)
from workflows.services.tallies import step_tallies_add
from workflows.services.transitions import _transition


@dataclass
class PlannedStep:
    template: StepTemplate
    stage: int
    starts_on: datetime.date
    due_on: datetime.date


def stages_of(steps) -> list[list]:
    """Group ordered steps (or templates) into stages: a step marked `parallel`
    runs alongside the step before it, so it joins that step's stage."""
    stages: list[list] = []
    for step in steps:
        if stages and step.parallel:
            stages[-1].append(step)
        else:
            stages.append([step])
    return stages


def plan_steps(
    templates, starts_on: datetime.date, *, office_id: int | None = None
) -> list[PlannedStep]:
    """Deadlines of one department's steps.

    The first stage counts from `starts_on`; each later stage counts from the
    planned end (latest due date) of the stage before; a parallel step counts
    from the same start as the step before it.
    """
    plans = []
    start = starts_on
    for index, stage in enumerate(stages_of(templates)):
        stage_end = start
        for template in stage:
            due = calendar.add_working_days(
                start, template.duration_days, office_id=office_id
            )
            plans.append(PlannedStep(template, index, start, due))
            stage_end = max(stage_end, due)
        start = stage_end
    return plans


def _check_actor(actor) -> None:
    # actor=None is the system itself (migrations, demo data).
    if actor is not None and is_city(actor):
        raise NotAllowed(CITY_READ_ONLY)
    if actor is not None and not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以发起执行项目。")


def _check_office(actor, departments) -> None:
    """An office launches with its own departments only (lead and partners)."""
    office = office_of(actor) if actor is not None else None
    office_id = office.pk if office is not None else departments[0].office_id
    foreign = [d.name for d in departments if d.office_id != office_id]
    if foreign:
        raise DomainError(f"以下单位不属于本办公室，不能发起：{'、'.join(foreign)}。")


def listed_flow(regulation: Regulation) -> str:
    """繁简分流 as data: the flow the lead list gives the regulation (七步法 if
    the list does not name one)."""
    row = (
        ResponsibilityList.objects.filter(
            kind=ResponsibilityList.Kind.LEAD, regulation=regulation, is_active=True
        )
        .values_list("default_flow", flat=True)
        .first()
    )
    return row or FlowTemplate.Code.GENERAL


def _flow_templates(flow_code: str) -> tuple[FlowTemplate, list[StepTemplate]]:
    flow = FlowTemplate.objects.filter(code=flow_code).first()
    if flow is None:
        raise DomainError(f"流程“{flow_code}”不存在。", code="invalid_flow")
    templates = list(StepTemplate.objects.filter(flow=flow).order_by("order"))
    if not templates:
        raise DomainError(f"流程“{flow.name}”还没有步骤，请先编辑流程模板。")
    return flow, templates


def office_department_for(lead_department: Department) -> Department:
    """The office (区委办) that owns a project: the nearest office above the lead
    department in the tree, else the first active office department of the lead
    department's Office."""
    offices = list(
        Department.objects.filter(
            kind=Department.Kind.OFFICE,
            is_active=True,
            office_id=lead_department.office_id,
        ).order_by("sort_order", "id")
    )
    above = [d for d in offices if d.path and lead_department.path.startswith(d.path)]
    if above:
        return max(above, key=lambda d: len(d.path))
    if offices:
        return offices[0]
    office, _ = Department.objects.get_or_create(
        code="office", defaults={"name": "区委办", "kind": Department.Kind.OFFICE}
    )
    return office


def _step_rows(*, project, plans, office, departments):
    """One row per project for office steps (owned by the office); one row per
    department for the others (`lead`: the lead alone; `all`: lead and partners).
    Dates come from the stage, so every department of a stage shares them."""
    lead = departments[0]
    for plan in plans:
        actor = plan.template.actor
        if actor == Actor.OFFICE:
            owners = [office]
        elif actor == Actor.LEAD:
            owners = [lead]
        else:
            owners = departments
        for department in owners:
            yield Step(
                project=project,
                department=department,
                template=plan.template,
                code=plan.template.code,
                name=plan.template.name,
                order=plan.template.order,
                actor=actor,
                parallel=plan.template.parallel and plan.stage > 0,
                duration_days=plan.template.duration_days,
                evidence_kinds=plan.template.evidence_kinds,
                base_points=plan.template.base_points,
                high_points=plan.template.high_points,
                starts_on=plan.starts_on,
                due_on=plan.due_on,
            )


def _first_steps(steps) -> list[Step]:
    """Each department's own first stage (departments walk only their steps)."""
    by_department: dict[int, list[Step]] = {}
    for step in sorted(steps, key=lambda s: s.order):
        by_department.setdefault(step.department_id, []).append(step)
    first = []
    for own in by_department.values():
        first.extend(stages_of(own)[0])
    return first


def _start_steps(*, project, templates, actor) -> None:
    """Close the office's launch step and open the departments' first steps."""
    # Re-read: not every backend returns ids from a bulk insert.
    steps = list(Step.objects.filter(project=project).order_by("order", "id"))
    now = timezone.now()
    # The launch is itself the office's 执行发起: done, with its event.
    for step in steps:
        if step.actor == Actor.OFFICE and step.code == templates[0].code:
            _transition(
                step,
                action="office_done",
                actor=actor,
                reason="项目发起即完成执行发起",
                fields={"approved_at": now},
            )
    for step in _first_steps(s for s in steps if s.actor != Actor.OFFICE):
        _transition(step, action="open", actor=actor, fields={"opened_at": now})


def _launch(
    *,
    regulation: Regulation,
    year: int,
    lead_department: Department,
    partner_departments,
    flow: FlowTemplate,
    templates: list[StepTemplate],
    starts_on: datetime.date,
    actor,
) -> ExecutionProject:
    partners = []
    seen = {lead_department.pk}
    for department in partner_departments:
        if department.pk not in seen:
            seen.add(department.pk)
            partners.append(department)
    # Deadlines count in the office's own working-day calendar.
    plans = plan_steps(templates, starts_on, office_id=lead_department.office_id)
    project = ExecutionProject.objects.create(
        regulation=regulation,
        year=year,
        office_id=lead_department.office_id,
        flow=flow.code,
        flow_template=flow,
        lead_department=lead_department,
        starts_on=starts_on,
        due_on=max(plan.due_on for plan in plans),
        launched_by=actor,
    )
    if partners:
        project.partner_departments.set(partners)
    Event.objects.create(
        project=project, actor=actor, action="launch", to_status="active"
    )
    receipt_due = calendar.add_working_days(
        starts_on,
        settings.RECEIPT_DUE_WORKING_DAYS,
        office_id=lead_department.office_id,
    )
    departments = [lead_department, *partners]
    Receipt.objects.bulk_create(
        Receipt(project=project, department=department, due_on=receipt_due)
        for department in departments
    )
    office = office_department_for(lead_department)
    steps = Step.objects.bulk_create(
        _step_rows(project=project, plans=plans, office=office, departments=departments)
    )
    step_tallies_add(department_ids=[step.department_id for step in steps])
    _start_steps(project=project, templates=templates, actor=actor)
    hooks.project_launched(project=project, actor=actor)
    return project


def project_launch(
    *,
    regulation: Regulation,
    year: int,
    lead_department: Department,
    partner_departments=(),
    flow_code: str = "",
    starts_on: datetime.date,
    actor,
) -> ExecutionProject:
    """Launch one execution project (`flow_code` empty: the lead list's flow).

    Side effects: the project; one Receipt per department (lead and partners)
    due RECEIPT_DUE_WORKING_DAYS working days after `starts_on`; steps copied
    from the flow template with working-day deadlines by stage: one office row
    per office step (the first, 执行发起, approved at once), one row per
    department for `lead`/`all` steps, each department's first own stage
    opened; Event rows; the steps added to their offices' StepTally; one
    告知单 per department (workflows.hooks.project_launched, filled in by
    notices).
    """
    _check_actor(actor)
    if regulation.status == Regulation.Status.REPEALED:
        raise DomainError("该法规已废止，不能发起执行项目。")
    if not lead_department.is_active:
        raise DomainError("牵头执行部门已停用。")
    partner_departments = list(partner_departments)
    inactive = [d.name for d in partner_departments if not d.is_active]
    if inactive:
        raise DomainError(f"配合部门已停用：{'、'.join(inactive)}。")
    if any(d.pk == lead_department.pk for d in partner_departments):
        raise DomainError("配合部门不能包含牵头执行部门。")
    _check_office(actor, [lead_department, *partner_departments])
    # One project per regulation, year and office (试点扩面: each district
    # office executes the same regulation on its own).
    if ExecutionProject.objects.filter(
        regulation=regulation, year=year, office_id=lead_department.office_id
    ).exists():
        raise DomainError(f"该法规{year}年度的执行项目已经发起，不能重复发起。")
    flow, templates = _flow_templates(flow_code or listed_flow(regulation))
    try:
        with transaction.atomic():
            return _launch(
                regulation=regulation,
                year=year,
                lead_department=lead_department,
                partner_departments=list(partner_departments),
                flow=flow,
                templates=templates,
                starts_on=starts_on,
                actor=actor,
            )
    except IntegrityError as exc:
        # Someone launched the same regulation a moment ago.
        raise DomainError(
            f"该法规{year}年度的执行项目已经发起，不能重复发起。"
        ) from exc


@dataclass
class BulkLaunchRow:
    responsibility: ResponsibilityList
    regulation: Regulation
    lead_department: Department
    partner_departments: list[Department] = field(default_factory=list)
    flow_code: str = "general"
    skip_reason: str = ""

    @property
    def will_launch(self) -> bool:
        return not self.skip_reason


def project_bulk_launch_preview(*, year: int, starts_on: datetime.date, office=None):
    """What a bulk launch for `year` would do, row by row of the lead list of
    `office` (default: the default office).

    Reads only; rows already launched that year (or not launchable) carry a
    `skip_reason`.
    """
    office = office or Office.default()
    launched = set(
        ExecutionProject.objects.filter(year=year, office=office).values_list(
            "regulation_id", flat=True
        )
    )
    rows = []
    seen: set[int] = set()
    entries = (
        ResponsibilityList.objects.filter(
            kind=ResponsibilityList.Kind.LEAD,
            is_active=True,
            regulation__isnull=False,
            department__office=office,
        )
        .select_related("regulation", "department")
        .prefetch_related("partner_departments")
        .order_by("id")
    )
    for entry in entries:
        partners = [
            d
            for d in entry.partner_departments.all()
            if d.pk != entry.department_id and d.is_active
        ]
        row = BulkLaunchRow(
            responsibility=entry,
            regulation=entry.regulation,
            lead_department=entry.department,
            partner_departments=partners,
            flow_code=entry.default_flow,
        )
        if entry.regulation_id in launched:
            row.skip_reason = f"{year}年度已发起"
        elif entry.regulation_id in seen:
            row.skip_reason = "清单中重复，只发起第一条"
        elif entry.regulation.status == Regulation.Status.REPEALED:
            row.skip_reason = "法规已废止"
        elif not entry.department.is_active:
            row.skip_reason = "牵头执行部门已停用"
        seen.add(entry.regulation_id)
        rows.append(row)
    return rows
