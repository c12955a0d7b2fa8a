"""警示单 and 告知单 the office issues by hand, when work is late or done badly."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from notices.models import Notice
from notices.services.issue import assignment_issue, notice_create
from notices.services.rules import rule_current
from notices.services.scan import _flag_for_bulletin, _ladder_cc, _ladder_text
from org.selectors import CITY_READ_ONLY, is_city, is_office, manages
from workflows.calendar import add_working_days

K = Notice.Kind
HAND_KINDS = (K.WARNING, K.NOTIFICATION, K.ASSIGNMENT)


def _subject(*, step, project, problem, department, body):
    """(project, department, body) of the notice: the step's or the problem's,
    else what was given; refused on office steps and withdrawn projects."""
    if step is not None:
        project = step.project
        department = department or step.department
        if step.actor == "office":
            raise DomainError("区委办自己的步骤不能向部门签发通知单。")
    if problem is not None:
        inspection = problem.inspection
        department = department or inspection.department
        project = project or inspection.project
        body = f"发现问题：{problem.description}\n{body or ''}"
    if project is None and problem is None:
        raise DomainError("请指定步骤、项目或发现问题。")
    if project is not None and project.status == "withdrawn":
        raise DomainError("项目已撤销，不再签发通知单。")
    department = department or project.lead_department
    return project, department, body


def _issue_on_ladder(
    *, kind, actor, title, body, step, project, department, due_on
) -> Notice:
    """A 警示单 or 告知单 at the step's next level (level 1 off a step)."""
    rule = rule_current(office_id=department.office_id)
    with transaction.atomic():
        level = 1
        if step is not None:
            # Serialise hand notices on one step so each takes its own level.
            type(step).objects.select_for_update().filter(pk=step.pk).first()
            last = Notice.objects.filter(step=step, kind=kind).aggregate(
                m=Max("level")
            )["m"]
            level = (last or 0) + 1
            if kind == K.WARNING and level > rule.max_level:
                raise DomainError(
                    f"该步骤已发出第{rule.max_level}次警示，已达最高警示级别。"
                )
        cc_text, cc_departments = "", []
        if kind == K.WARNING:
            cc_text, cc_departments = _ladder_cc(department, level)
            body = (body or "") + _ladder_text(
                department, level, cc_text, cc_departments
            )
            if due_on is None:
                due_on = add_working_days(
                    timezone.localdate(), rule.warning_answer_days
                )
        notice = notice_create(
            kind=kind,
            department=department,
            title=title,
            body=body or "",
            due_on=due_on,
            actor=actor,
            project=project,
            step=step,
            level=level,
            cc_departments=cc_departments,
            cc_text=cc_text,
        )
        if notice is None:
            raise DomainError("该通知单刚刚已签发，请刷新后查看。")
        if kind == K.WARNING and step is not None and level >= 3:
            _flag_for_bulletin(step, notice)
    return notice


def notice_issue_by_hand(
    *,
    kind: str,
    actor,
    title: str,
    body: str = "",
    step=None,
    project=None,
    problem=None,
    department=None,
    due_on: datetime.date | None = None,
) -> Notice:
    """The office issues a 警示单, 告知单 or 交办单 with its own text on a step or
    a project, or on an inspection problem (the department defaults to the
    step's, the problem's inspected department, else the project's lead).

    A 警示单 on a step takes the next level of that step's ladder (the scan then
    escalates from it), copies the leader / inspection group as the ladder
    says, and counts in scoring like a scanned one; at the third level the
    step is named in the bulletin. Side effects: a numbered Notice, its
    NoticeEvent, delivery on commit.
    """
    if is_city(actor):
        raise NotAllowed(CITY_READ_ONLY)
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以签发通知单。")
    if kind not in HAND_KINDS:
        raise DomainError("只能签发警示单、告知单或交办单。", code="invalid_kind")
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写标题。")
    project, department, body = _subject(
        step=step, project=project, problem=problem, department=department, body=body
    )
    if not manages(actor, department):
        raise NotAllowed("该单位不属于本办公室，不能签发通知单。")
    if kind == K.ASSIGNMENT:
        return assignment_issue(
            department=department,
            title=title,
            body=body,
            due_on=due_on,
            actor=actor,
            project=project,
            step=step,
        )
    return _issue_on_ladder(
        kind=kind,
        actor=actor,
        title=title,
        body=body,
        step=step,
        project=project,
        department=department,
        due_on=due_on,
    )
