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

Each office has its own rule (NoticeRule: its row, else the default row) and its
own working-day calendar (CalendarDay: its rows over the default rows): a row is
judged by its department's office. Boundary dates are computed once per office
and run, and each pass is one query for all offices: offices with the same
boundaries share one branch of its filter (usually all of them: one branch and no
office filter at all).

The overdue passes select by the level kept on each row (warned_level and
warned_on, raised by every service that writes a warning, see
notices.services.warned): a row is read only if it was never warned and is
past the grace, or was warned below the top level and is past the interval
since (partial indexes: the settled backlog is in neither range). This is
state, not a window of days, so a missed day is caught up and a step reopened
long after its deadline is still warned. The level raised is then decided, as
before, from the warnings issued about the rows read (joined for those rows
only); a row whose kept level lags (warnings written around the services) is
brought level by the scan. Receipts are warned of only while their project
is active, by the marker kept on the receipt (project_active, in the same
partial indexes), so the unconfirmed receipts of projects that ended are not
read either; a receipt whose marker lags its project is skipped and set.
"""

import datetime

from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from notices.hooks import low_credit_department_ids
from notices.models import Notice, NoticeRule
from notices.services.batch import BATCH_SIZE, notices_create_batch
from notices.services.rules import rules_in_force
from org.models import Office
from workflows.calendar import (
    add_working_days,
    subtract_working_days,
    working_days_between,
)
from workflows.models import Actor, ExecutionProject, Receipt, Step
from workflows.services import receipts_follow_projects, step_flag_for_bulletin

K = Notice.Kind
S = Notice.Status

LEVEL_NAMES = {1: "第一次", 2: "第二次", 3: "第三次"}


def _step_statuses():
    # Steps the department can act on; a submitted step waits for the office.
    return [Step.Status.OPEN, Step.Status.RETURNED]


def _owed_steps(**filters):
    """Steps a department owes: not the office's own (执行发起, 通报)."""
    return Step.objects.filter(status__in=_step_statuses(), **filters).exclude(
        actor=Actor.OFFICE
    )


def _department_steps(**filters):
    """_owed_steps, not in a withdrawn project (its steps are cancelled anyway)."""
    return _owed_steps(**filters).exclude(
        project__status=ExecutionProject.Status.WITHDRAWN
    )


def _warning_levels(qs, relation: str):
    """Annotate the highest warning level so far and when it was issued."""
    only_warnings = Q(**{f"{relation}__kind": K.WARNING})
    return qs.annotate(
        last_level=Max(f"{relation}__level", filter=only_warnings),
        last_issued=Max(f"{relation}__issued_on", filter=only_warnings),
    )


def _before_working_days(
    today, n: int, *, office_id: int | None = None
) -> datetime.date | None:
    """The earliest date d with working_days_between(d, today) < n, so that
    `d < boundary` holds exactly when at least n working days lie in (d, today]
    (in the office's calendar). None when n <= 0 (always true)."""
    if n <= 0:
        return None
    # The nth working day on or before today (today itself counts when working).
    return subtract_working_days(
        today + datetime.timedelta(days=1), n, office_id=office_id
    )


class _OfficeDay:
    """One office's rule and working-day calendar on the scan day. Each date
    is worked out once per run (the passes ask for the same boundaries, and
    the rows for the same days, office after office)."""

    def __init__(self, office_id: int, rule: NoticeRule, today: datetime.date):
        self.office_id = office_id
        self.rule = rule
        self.today = today
        self._dates: dict[tuple, object] = {}

    def _once(self, key: tuple, work):
        if key not in self._dates:
            self._dates[key] = work()
        return self._dates[key]

    def after(self, n: int) -> datetime.date:
        """The nth working day after today."""
        return self._once(
            ("after", n),
            lambda: add_working_days(self.today, n, office_id=self.office_id),
        )

    def before(self, n: int) -> datetime.date | None:
        return self._once(
            ("before", n),
            lambda: _before_working_days(self.today, n, office_id=self.office_id),
        )

    def since(self, day: datetime.date) -> int:
        """Working days in (day, today]."""
        return self._once(
            ("since", day),
            lambda: working_days_between(day, self.today, office_id=self.office_id),
        )


class _Offices(dict):
    """office id -> _OfficeDay of every office; an office made after the scan
    started (its departments may show up in a row) is looked up when met."""

    def __init__(self, today: datetime.date):
        self.today = today
        office_ids = list(Office.objects.values_list("pk", flat=True))
        rules = rules_in_force(office_ids=office_ids)
        super().__init__(
            (pk, _OfficeDay(pk, rule, today)) for pk, rule in rules.items()
        )

    def __missing__(self, office_id):
        rule = rules_in_force(office_ids=[office_id])[office_id]
        office = self[office_id] = _OfficeDay(office_id, rule, self.today)
        return office


def _per_office(offices: _Offices, condition) -> Q | None:
    """One filter for every office: `condition(office)` is the office's own Q,
    or None when the pass is off for it. Offices with equal conditions share a
    branch; the largest branch names the other offices instead of its own (so
    with one branch there is no office filter). None: no office needs the pass.
    """
    branches: list[tuple[Q, list[int]]] = []
    for office in offices.values():
        q = condition(office)
        if q is None:
            continue
        for branch_q, ids in branches:
            if branch_q == q:
                ids.append(office.office_id)
                break
        else:
            branches.append((q, [office.office_id]))
    if not branches:
        return None
    branches.sort(key=lambda branch: -len(branch[1]))
    main_q, main_ids = branches[0]
    others = sorted(set(offices) - set(main_ids))
    where = main_q & ~Q(department__office_id__in=others) if others else main_q
    for q, ids in branches[1:]:
        where |= Q(department__office_id__in=sorted(ids)) & q
    return where


def _needs_warning(office: _OfficeDay) -> Q:
    """In SQL, the rows that may need a warning today in this office, by the
    level kept on the row (warned_level / warned_on, see
    notices.services.warned): never warned and past the grace, or warned below
    the top level and past the interval. Boundary dates come from the office's
    calendar once per run, and each branch is a range of a partial index
    (step_unwarned_due / step_warned_on and the receipt's and notice's), so
    with nothing new the pass reads no rows, however large the overdue backlog.
    The level itself is decided by `_next_level` from the warnings issued."""
    rule = office.rule
    first = Q(warned_level=0)
    grace = office.before(rule.warning_grace_days + 1)
    if grace is not None:
        first &= Q(due_on__lt=grace)
    again = Q(warned_level__gt=0, warned_level__lt=rule.max_level)
    interval = office.before(rule.escalation_interval_days)
    if interval is not None:
        again &= Q(warned_on__lt=interval)
    return first | again


def _next_level(*, office: _OfficeDay, due_on, last_level, last_issued) -> int | None:
    """The warning level to raise today, or None (see the module docstring)."""
    rule = office.rule
    if last_level is None:
        if office.since(due_on) > rule.warning_grace_days:
            return 1
        return None
    if last_level >= rule.max_level:
        return None
    if office.since(last_issued) >= rule.escalation_interval_days:
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


def _scan_reminders(offices: _Offices, today, counts):
    # Departments of a low credit grade are reminded earlier (rule as data);
    # one lookup per distinct list of grades.
    low_credit_of: dict[tuple, set[int]] = {}
    bounds = []

    def window(office: _OfficeDay) -> Q:
        rule = office.rule
        horizon = office.after(rule.reminder_days_before)
        bounds.append(horizon)
        window = Q(due_on__lte=horizon)
        grades = tuple(rule.low_credit_grade_list) if rule.low_credit_extra_days else ()
        if grades not in low_credit_of:
            low_credit_of[grades] = low_credit_department_ids(list(grades))
        if low_credit_of[grades]:
            earlier = office.after(
                rule.reminder_days_before + rule.low_credit_extra_days
            )
            bounds.append(earlier)
            window |= Q(due_on__lte=earlier, department_id__in=low_credit_of[grades])
        return window

    where = _per_office(offices, window)
    if where is None:
        return
    already = Notice.objects.filter(step=OuterRef("pk"), kind=K.REMINDER)
    steps = (
        _department_steps(due_on__gte=today, due_on__lte=max(bounds))
        .filter(where)
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
    *, batch, office, level, department, title, body, then=None, **subject
):
    cc_text, cc_departments = _ladder_cc(department, level)
    body += _ladder_text(department, level, cc_text, cc_departments)
    due = office.after(office.rule.warning_answer_days)
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
            issued_on=office.today,
            **subject,
        ),
        count="warnings",
        then=then,
    )


def _candidates(offices: _Offices, qs, *, switch: str | None = None, keys=None):
    """The rows of `qs` that may need a warning today (by their kept level,
    see _needs_warning), in order; None when no office warns of them
    (`switch`: the rule's field that turns the pass on).

    `keys`: the same rows' table filtered without joins or aggregates; their
    ids are read first, off the partial indexes alone, and `qs` (the joins
    and the warnings' aggregate) only for those. PostgreSQL prices `qs` for
    the rows the indexes' statistics suggest (at province 120k, where a day
    with nothing new has none): it would hash every project and department
    and compile the plan (JIT) to find nothing."""

    def condition(office):
        if switch is not None and not getattr(office.rule, switch):
            return None
        return _needs_warning(office)

    where = _per_office(offices, condition)
    if where is None:
        return None
    if keys is not None:
        ids = keys.filter(where).order_by().values_list("pk", flat=True)
        qs = qs.filter(pk__in=list(ids))
    return qs.filter(where).order_by("due_on", "id")


def _overdue(offices: _Offices, qs, *, keys=None, switch: str | None = None):
    """The rows of `qs` (annotated by _warning_levels) that need a warning
    today, each with its office and level (`keys`: see _candidates). A row
    whose kept level lags the warnings issued about it (written around the
    services) is brought level, so it is not read again."""
    rows = _candidates(offices, qs, switch=switch, keys=keys)
    if rows is None:
        return
    lagging = []
    for row in rows.iterator(chunk_size=500):
        office = offices[row.department.office_id]
        level = _next_level(
            office=office,
            due_on=row.due_on,
            last_level=row.last_level,
            last_issued=row.last_issued,
        )
        if level is not None:
            yield row, office, level
        elif (row.warned_level, row.warned_on) != (
            row.last_level or 0,
            row.last_issued,
        ):
            row.warned_level, row.warned_on = row.last_level or 0, row.last_issued
            lagging.append(row)
    if lagging:
        type(lagging[0]).objects.bulk_update(
            lagging, ["warned_level", "warned_on"], batch_size=BATCH_SIZE
        )


def _overdue_steps(today):
    return _warning_levels(
        _department_steps(due_on__lt=today), "notices"
    ).select_related(
        "project__regulation", "department", "department__inspection_group"
    )


def _scan_overdue_steps(offices: _Offices, today, counts):
    batch = _Batch(counts)
    rows = _overdue(offices, _overdue_steps(today), keys=_owed_steps(due_on__lt=today))
    for step, office, level in rows:
        _add_warning(
            batch=batch,
            office=office,
            level=level,
            department=step.department,
            title=f"警示：“{step.name}”已逾期",
            body=(
                f"{step.department.name}：\n你单位承担的《{step.project.regulation.title}》"
                f"执行项目“{step.name}”步骤已于{step.due_on:%Y年%m月%d日}到期，"
                f"至今逾期{office.since(step.due_on)}个工作日，请立即整改落实。"
            ),
            project=step.project,
            step=step,
            then=_flagger(step, counts) if level >= 3 else None,
        )
    batch.flush()


def _receipt_keys(today):
    return Receipt.objects.filter(
        due_on__lt=today, confirmed_at__isnull=True, project_active=True
    )


def _overdue_receipts(today):
    """Unconfirmed receipts of active projects by the marker kept on the row
    (project_active, in the partial indexes), so the receipts of projects that
    ended are not read; the project is joined only for the rows read."""
    return _warning_levels(_receipt_keys(today), "notices").select_related(
        "project__regulation", "department", "department__inspection_group"
    )


def _scan_overdue_receipts(offices: _Offices, today, counts):
    batch = _Batch(counts)
    rows = _overdue(
        offices,
        _overdue_receipts(today),
        keys=_receipt_keys(today),
        switch="warn_overdue_receipts",
    )
    ended = []  # a marker that lags its project (written around the machine)
    for receipt, office, level in rows:
        if receipt.project.status != ExecutionProject.Status.ACTIVE:
            ended.append(receipt.project_id)
            continue
        _add_warning(
            batch=batch,
            office=office,
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
    if ended:
        receipts_follow_projects(sorted(set(ended)), active=False)


def _assignment_keys(today):
    return Notice.objects.filter(
        kind=K.ASSIGNMENT,
        due_on__lt=today,
        status__in=[S.PENDING, S.SENT, S.CONFIRMED, S.RETURNED],
    )


def _overdue_assignments(today):
    return _warning_levels(_assignment_keys(today), "follow_ups").select_related(
        "department", "department__inspection_group", "project"
    )


def _scan_overdue_assignments(offices: _Offices, today, counts):
    batch = _Batch(counts)
    rows = _overdue(
        offices,
        _overdue_assignments(today),
        keys=_assignment_keys(today),
        switch="warn_overdue_assignments",
    )
    for assignment, office, level in rows:
        _add_warning(
            batch=batch,
            office=office,
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
    """Raise what is due today, each row by its department's office's rule and
    calendar; safe to run any number of times, in any number of workers at once.

    Returns counts of the notices created by this run. Side effects: Notice rows
    (reminders, warnings) with their events, deliveries queued on commit, and
    Step.flagged_for_bulletin on a third warning.
    """
    today = today or timezone.localdate()
    offices = _Offices(today)
    counts = {"reminders": 0, "warnings": 0, "escalations": 0, "flagged": 0}
    _scan_reminders(offices, today, counts)
    _scan_overdue_steps(offices, today, counts)
    _scan_overdue_receipts(offices, today, counts)
    _scan_overdue_assignments(offices, today, counts)
    return counts
