"""The scan: reminders for steps due soon, warnings for what is overdue, and the
escalation ladder. It reads only due rows (index on deadlines) and creates each
(subject, kind, level) once, however often or in how many workers it runs.

When warnings are raised (rule data, NoticeRule):
- level 1: the step / receipt / assignment is overdue by more than
  `warning_grace_days` working days;
- level k+1 (up to `max_level`): it is still overdue `escalation_interval_days`
  working days after the level-k warning's issued_on.
Level 2 copies the department's leader (named in cc_text and the body; the
department's own channels carry it). Level 3 copies the supervising inspection
group (cc_departments, so it is delivered to the group's channels and inbox too)
and, for a step, marks the step for the bulletin.
"""

import datetime

from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from notices.hooks import low_credit_department_ids
from notices.models import Notice, NoticeRule
from notices.services.batch import BATCH_SIZE, notices_create_batch
from notices.services.rules import rule_current
from workflows.calendar import (
    add_working_days,
    subtract_working_days,
    working_days_between,
)
from workflows.models import Actor, ExecutionProject, Receipt, Step
from workflows.services import step_flag_for_bulletin

K = Notice.Kind
S = Notice.Status

LEVEL_NAMES = {1: "第一次", 2: "第二次", 3: "第三次"}


def _step_statuses():
    # Steps the department can act on; a submitted step waits for the office.
    return [Step.Status.OPEN, Step.Status.RETURNED]


def _department_steps(**filters):
    """Steps a department owes: not the office's own (执行发起, 通报), not in a
    withdrawn project (its steps are cancelled anyway)."""
    return (
        Step.objects.filter(status__in=_step_statuses(), **filters)
        .exclude(actor=Actor.OFFICE)
        .exclude(project__status=ExecutionProject.Status.WITHDRAWN)
    )


def _warning_levels(qs, relation: str):
    """Annotate the highest warning level so far and when it was issued."""
    only_warnings = Q(**{f"{relation}__kind": K.WARNING})
    return qs.annotate(
        last_level=Max(f"{relation}__level", filter=only_warnings),
        last_issued=Max(f"{relation}__issued_on", filter=only_warnings),
    )


def _before_working_days(today, n: int) -> datetime.date | None:
    """The earliest date d with working_days_between(d, today) < n, so that
    `d < boundary` holds exactly when at least n working days lie in (d, today].
    None when n <= 0 (always true)."""
    if n <= 0:
        return None
    # The nth working day on or before today (today itself counts when working).
    return subtract_working_days(today + datetime.timedelta(days=1), n)


def _needs_warning(rule: NoticeRule, today) -> Q:
    """In SQL, the rows `_next_level` would raise a level for today: boundary
    dates come from the calendar once per run, so rows that need nothing are
    never loaded (the scan with nothing new reads no rows)."""
    first = Q(last_level__isnull=True)
    grace = _before_working_days(today, rule.warning_grace_days + 1)
    if grace is not None:
        first &= Q(due_on__lt=grace)
    again = Q(last_level__lt=rule.max_level)
    interval = _before_working_days(today, rule.escalation_interval_days)
    if interval is not None:
        again &= Q(last_issued__lt=interval)
    return first | again


def _next_level(
    *, rule: NoticeRule, due_on, last_level, last_issued, today
) -> int | None:
    """The warning level to raise today, or None (see the module docstring)."""
    if last_level is None:
        if working_days_between(due_on, today) > rule.warning_grace_days:
            return 1
        return None
    if last_level >= rule.max_level:
        return None
    if working_days_between(last_issued, today) >= rule.escalation_interval_days:
        return last_level + 1
    return None


def _ladder_cc(department, level: int) -> tuple[str, list]:
    cc_text, cc_departments = "", []
    if level >= 2 and department.leader_name:
        cc_text = f"{department.name}主要负责人 {department.leader_name}"
    elif level >= 2:
        cc_text = f"{department.name}主要负责人"
    if level >= 3 and department.inspection_group_id:
        cc_departments = [department.inspection_group]
    return cc_text, cc_departments


def _ladder_text(department, level: int, cc_text: str, cc_departments) -> str:
    if level < 2:
        return ""
    names = [cc_text] + [d.name for d in cc_departments]
    level_name = LEVEL_NAMES.get(level, f"第{level}次")
    text = f"\n本单为{level_name}警示，抄送：{'、'.join(names)}。"
    if level >= 3:
        text += "逾期事项将列入通报。"
    return text


def _flag_for_bulletin(step, notice) -> None:
    """Third warning: the step is named in the bulletin (workflows owns the flag)."""
    step_flag_for_bulletin(
        step=step,
        reason=f"第{notice.level}次警示（{notice.number}）仍未完成，列入通报。",
    )


def _flagger(step, counts):
    def flag(notice):
        _flag_for_bulletin(step, notice)
        counts["flagged"] += 1

    return flag


def _warning_due(rule, today):
    return add_working_days(today, rule.warning_answer_days)


def _scan_reminders(rule, today, counts):
    horizon = add_working_days(today, rule.reminder_days_before)
    window = Q(due_on__lte=horizon)
    # Departments of a low credit grade are reminded earlier (rule as data).
    low_credit = (
        low_credit_department_ids(rule.low_credit_grade_list)
        if rule.low_credit_extra_days
        else set()
    )
    if low_credit:
        earlier = add_working_days(
            today, rule.reminder_days_before + rule.low_credit_extra_days
        )
        window |= Q(due_on__lte=earlier, department_id__in=low_credit)
    already = Notice.objects.filter(step=OuterRef("pk"), kind=K.REMINDER)
    steps = (
        _department_steps(due_on__gte=today)
        .filter(window)
        .filter(~Exists(already))
        .select_related("project__regulation", "department")
        .order_by("due_on", "id")
    )
    batch = _Batch(counts)
    for step in steps.iterator(chunk_size=500):
        batch.add(
            dict(
                kind=K.REMINDER,
                department=step.department,
                title=f"提醒：“{step.name}”将于{step.due_on:%m月%d日}到期",
                body=(
                    f"{step.department.name}：\n你单位承担的《{step.project.regulation.title}》"
                    f"执行项目“{step.name}”步骤将于{step.due_on:%Y年%m月%d日}到期，"
                    "请抓紧办理并按时报送佐证材料。"
                ),
                due_on=step.due_on,
                project=step.project,
                step=step,
                issued_on=today,
            ),
            count="reminders",
        )
    batch.flush()


class _Batch:
    """Notices of one scan pass, written BATCH_SIZE at a time
    (notices_create_batch); counts what was created and runs `then(notice)`
    for each created notice after its batch is written."""

    def __init__(self, counts):
        self.counts = counts
        self.pending = []

    def add(self, draft: dict, *, count: str, then=None) -> None:
        self.pending.append((draft, count, then))
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        if not pending:
            return
        created = notices_create_batch(drafts=[draft for draft, _, _ in pending])
        for (draft, count, then), notice in zip(pending, created, strict=True):
            if notice is None:
                continue  # raised before, by this or another scan
            self.counts[count] += 1
            if count == "warnings" and draft["level"] >= 2:
                self.counts["escalations"] += 1
            if then is not None:
                then(notice)


def _add_warning(
    *, batch, rule, today, level, department, title, body, then=None, **subject
):
    cc_text, cc_departments = _ladder_cc(department, level)
    body += _ladder_text(department, level, cc_text, cc_departments)
    due = _warning_due(rule, today)
    body += f"\n请于{due:%Y年%m月%d日}前报送落实表。"
    batch.add(
        dict(
            kind=K.WARNING,
            department=department,
            title=title
            if level == 1
            else f"{title}（{LEVEL_NAMES.get(level, level)}警示）",
            body=body,
            due_on=due,
            level=level,
            cc_departments=cc_departments,
            cc_text=cc_text,
            issued_on=today,
            **subject,
        ),
        count="warnings",
        then=then,
    )


def _scan_overdue_steps(rule, today, counts):
    steps = _warning_levels(_department_steps(due_on__lt=today), "notices")
    steps = (
        steps.filter(_needs_warning(rule, today))
        .select_related(
            "project__regulation", "department", "department__inspection_group"
        )
        .order_by("due_on", "id")
    )
    batch = _Batch(counts)
    for step in steps.iterator(chunk_size=500):
        level = _next_level(
            rule=rule,
            due_on=step.due_on,
            last_level=step.last_level,
            last_issued=step.last_issued,
            today=today,
        )
        if level is None:
            continue
        late = working_days_between(step.due_on, today)
        _add_warning(
            batch=batch,
            rule=rule,
            today=today,
            level=level,
            department=step.department,
            title=f"警示：“{step.name}”已逾期",
            body=(
                f"{step.department.name}：\n你单位承担的《{step.project.regulation.title}》"
                f"执行项目“{step.name}”步骤已于{step.due_on:%Y年%m月%d日}到期，"
                f"至今逾期{late}个工作日，请立即整改落实。"
            ),
            project=step.project,
            step=step,
            then=_flagger(step, counts) if level >= 3 else None,
        )
    batch.flush()


def _scan_overdue_receipts(rule, today, counts):
    receipts = _warning_levels(
        Receipt.objects.filter(
            due_on__lt=today,
            confirmed_at__isnull=True,
            project__status=ExecutionProject.Status.ACTIVE,
        ),
        "notices",
    )
    receipts = (
        receipts.filter(_needs_warning(rule, today))
        .select_related(
            "project__regulation", "department", "department__inspection_group"
        )
        .order_by("due_on", "id")
    )
    batch = _Batch(counts)
    for receipt in receipts.iterator(chunk_size=500):
        level = _next_level(
            rule=rule,
            due_on=receipt.due_on,
            last_level=receipt.last_level,
            last_issued=receipt.last_issued,
            today=today,
        )
        if level is None:
            continue
        _add_warning(
            batch=batch,
            rule=rule,
            today=today,
            level=level,
            department=receipt.department,
            title="警示：执行项目回执逾期未确认",
            body=(
                f"{receipt.department.name}：\n《{receipt.project.regulation.title}》"
                f"执行项目的回执应于{receipt.due_on:%Y年%m月%d日}前确认，"
                "你单位至今未确认，请立即确认并说明原因。"
            ),
            project=receipt.project,
            receipt=receipt,
        )
    batch.flush()


def _scan_overdue_assignments(rule, today, counts):
    assignments = _warning_levels(
        Notice.objects.filter(
            kind=K.ASSIGNMENT,
            due_on__lt=today,
            status__in=[S.PENDING, S.SENT, S.CONFIRMED, S.RETURNED],
        ),
        "follow_ups",
    )
    assignments = (
        assignments.filter(_needs_warning(rule, today))
        .select_related("department", "department__inspection_group", "project")
        .order_by("due_on", "id")
    )
    batch = _Batch(counts)
    for assignment in assignments.iterator(chunk_size=500):
        level = _next_level(
            rule=rule,
            due_on=assignment.due_on,
            last_level=assignment.last_level,
            last_issued=assignment.last_issued,
            today=today,
        )
        if level is None:
            continue
        _add_warning(
            batch=batch,
            rule=rule,
            today=today,
            level=level,
            department=assignment.department,
            title=f"警示：交办单{assignment.number}逾期未反馈",
            body=(
                f"{assignment.department.name}：\n交办单{assignment.number}"
                f"“{assignment.title}”的落实表应于{assignment.due_on:%Y年%m月%d日}前报送，"
                "你单位至今未报送或未通过审核，请立即整改落实。"
            ),
            project=assignment.project,
            source_notice=assignment,
        )
    batch.flush()


def scan_due(*, today: datetime.date | None = None) -> dict:
    """Raise what is due today; safe to run any number of times, in any number
    of workers at once.

    Returns counts of the notices created by this run. Side effects: Notice rows
    (reminders, warnings) with their events, deliveries queued on commit, and
    Step.flagged_for_bulletin on a third warning.
    """
    today = today or timezone.localdate()
    rule = rule_current()
    counts = {"reminders": 0, "warnings": 0, "escalations": 0, "flagged": 0}
    _scan_reminders(rule, today, counts)
    _scan_overdue_steps(rule, today, counts)
    if rule.warn_overdue_receipts:
        _scan_overdue_receipts(rule, today, counts)
    if rule.warn_overdue_assignments:
        _scan_overdue_assignments(rule, today, counts)
    return counts
