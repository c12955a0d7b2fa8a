"""Plans from the 专项监督清单 (监督计划).

Each supervision-list row with a cycle (its RowSchedule, else read from its
监督周期 text) owes one inspection per period. The daily scan creates the plan
of the current period once (a unique constraint decides under concurrent runs),
reminds the unit in its inbox once (a conditional UPDATE claims the reminder),
and moves a plan past its due date without an inspection to 逾期 and tells the
监督检查室 covering the unit, once. Recording an inspection of the department
fulfils its open plan.
"""

import datetime

from django.db import transaction

from config.statemachine import Move, StateMachine, register
from evaluation.selectors import low_credit_department_ids
from notices.models import Notice
from notices.services import notice_create, rule_current
from responsibilities.models import ResponsibilityList
from supervision.models import (
    Cycle,
    Inspection,
    InspectionPlan,
    PlanEvent,
    SupervisingUnit,
)

S = InspectionPlan.Status


def _record(plan, action, from_status, to_status, actor, reason):
    PlanEvent.objects.create(
        plan=plan,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


PLAN_MACHINE = register(
    StateMachine(
        model=InspectionPlan,
        moves={
            "inspect": Move([S.PLANNED, S.OVERDUE], S.DONE, "登记检查"),
            "expire": Move([S.PLANNED], S.OVERDUE, "逾期"),
        },
        record=_record,
        noun="监督计划",
    )
)

# 监督周期 text of rows without a schedule, read in this order ("每半年" before "年").
PERIOD_WORDS = [
    ("半年", Cycle.HALF_YEARLY),
    ("季", Cycle.QUARTERLY),
    ("月", Cycle.MONTHLY),
    ("年", Cycle.YEARLY),
]
PLAN_CYCLES = {Cycle.MONTHLY, Cycle.QUARTERLY, Cycle.HALF_YEARLY, Cycle.YEARLY}
# A low-credit department's plans come twice as often when its row's schedule
# names no cycle of its own (monthly is the shortest cycle there is).
LOW_CREDIT_CYCLES = {
    Cycle.YEARLY: Cycle.HALF_YEARLY,
    Cycle.HALF_YEARLY: Cycle.QUARTERLY,
    Cycle.QUARTERLY: Cycle.MONTHLY,
    Cycle.MONTHLY: Cycle.MONTHLY,
}


def cycle_of(row: ResponsibilityList) -> str | None:
    """The row's cycle: its schedule's if set, else read from its 监督周期."""
    schedule = getattr(row, "schedule", None)
    if schedule is not None:
        return schedule.cycle if schedule.is_active else None
    for word, cycle in PERIOD_WORDS:
        if word in (row.period or ""):
            return cycle
    return None


def low_credit_cycle_of(row: ResponsibilityList, cycle: str) -> str:
    """The cycle of the row's plans for a department of a low credit grade."""
    schedule = getattr(row, "schedule", None)
    if schedule is not None and schedule.low_credit_cycle in PLAN_CYCLES:
        return schedule.low_credit_cycle
    return LOW_CREDIT_CYCLES[cycle]


def period_of(cycle: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the period of `cycle` that contains `day`."""
    months = {
        Cycle.MONTHLY: 1,
        Cycle.QUARTERLY: 3,
        Cycle.BEFORE_MEETING: 3,
        Cycle.HALF_YEARLY: 6,
        Cycle.YEARLY: 12,
    }[cycle]
    first_month = (day.month - 1) // months * months + 1
    start = datetime.date(day.year, first_month, 1)
    last_month = first_month + months - 1
    following = (
        datetime.date(day.year + 1, 1, 1)
        if last_month == 12
        else datetime.date(day.year, last_month + 1, 1)
    )
    return start, following - datetime.timedelta(days=1)


def period_label(cycle: str, start: datetime.date) -> str:
    if cycle == Cycle.MONTHLY:
        return f"{start.year}年{start.month}月"
    if cycle in (Cycle.QUARTERLY, Cycle.BEFORE_MEETING):
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if cycle == Cycle.HALF_YEARLY:
        return f"{start.year}年{'上' if start.month == 1 else '下'}半年"
    return f"{start.year}年度"


def unit_for_group(group) -> SupervisingUnit:
    """The unit of a 派驻纪检组 (created as kind group the first time)."""
    unit, _ = SupervisingUnit.objects.get_or_create(
        department=group,
        defaults={"kind": SupervisingUnit.Kind.GROUP, "name": group.name},
    )
    return unit


def _plan_text(plan: InspectionPlan) -> str:
    regulation = f"《{plan.regulation.title}》" if plan.regulation_id else "党内法规"
    return f"{plan.department.name}执行{regulation}情况"


def _remind(plan: InspectionPlan, today: datetime.date) -> bool:
    claimed = InspectionPlan.objects.filter(
        pk=plan.pk, reminded_on__isnull=True
    ).update(reminded_on=today)
    if claimed != 1:
        return False
    label = period_label(plan.cycle, plan.period_start)
    notice_create(
        kind=Notice.Kind.REMINDER,
        department=plan.unit.department,
        title=f"监督计划：{label}检查{_plan_text(plan)}",
        body=(
            f"{plan.unit.name}：\n按专项监督清单，请于{plan.due_on:%Y年%m月%d日}前"
            f"完成对{_plan_text(plan)}的监督检查并登记检查记录。"
            + (f"\n监督重点：{plan.row.focus}" if plan.row.focus else "")
        ),
        due_on=plan.due_on,
        issued_on=today,
    )
    return True


def _escalate(plan: InspectionPlan, today: datetime.date) -> int:
    """Tell the 监督检查室 covering the plan's unit (or the room itself)."""
    claimed = InspectionPlan.objects.filter(
        pk=plan.pk, escalated_on__isnull=True
    ).update(escalated_on=today)
    if claimed != 1:
        return 0
    rooms = list(
        plan.unit.covered_by.filter(kind=SupervisingUnit.Kind.ROOM, is_active=True)
    )
    if plan.unit.kind == SupervisingUnit.Kind.ROOM:
        rooms.append(plan.unit)
    for room in rooms:
        notice_create(
            kind=Notice.Kind.REMINDER,
            department=room.department,
            title=f"监督计划逾期：{plan.unit.name}未检查{_plan_text(plan)}",
            body=(
                f"{room.name}：\n{plan.unit.name}的监督计划"
                f"（{period_label(plan.cycle, plan.period_start)}，"
                f"应于{plan.due_on:%Y年%m月%d日}前完成）逾期未登记检查记录，请督促。"
            ),
            due_on=None,
            issued_on=today,
        )
    return len(rooms)


@transaction.atomic
def plans_create(*, today: datetime.date) -> dict:
    """Create (once) the plans of the period containing `today` and remind the
    units; a department whose latest credit grade is low (通知规则) gets its
    plans at its row's low-credit cycle (twice as often by default).
    Side effects: InspectionPlan rows, one reminder notice per new plan."""
    counts = {"created": 0, "reminded": 0}
    rows = ResponsibilityList.objects.filter(
        kind=ResponsibilityList.Kind.SUPERVISION,
        is_active=True,
        inspection_group__isnull=False,
    ).select_related("schedule", "inspection_group", "department", "regulation")
    low_credit = low_credit_department_ids(grades=rule_current().low_credit_grade_list)
    for row in rows:
        cycle = cycle_of(row)
        if cycle not in PLAN_CYCLES:
            continue
        if row.department_id in low_credit:
            cycle = low_credit_cycle_of(row, cycle)
        start, end = period_of(cycle, today)
        plan, created = InspectionPlan.objects.get_or_create(
            row=row,
            period_start=start,
            defaults={
                "unit": unit_for_group(row.inspection_group),
                "department": row.department,
                "regulation": row.regulation,
                "cycle": cycle,
                "due_on": end,
            },
        )
        counts["created"] += int(created)
        if plan.reminded_on is None and plan.status == S.PLANNED:
            counts["reminded"] += int(_remind(plan, today))
    return counts


@transaction.atomic
def plans_expire(*, today: datetime.date) -> dict:
    """Plans past due without an inspection go 逾期 (red) and reach the 室.
    Reads only plans due before today (indexed)."""
    counts = {"overdue": 0, "escalated": 0}
    due = InspectionPlan.objects.filter(
        status=S.PLANNED, due_on__lt=today
    ).select_related("unit__department", "department", "regulation")
    for plan in due:
        PLAN_MACHINE.apply(plan, action="expire", reason="计划期内未登记检查记录")
        counts["overdue"] += 1
    late = InspectionPlan.objects.filter(
        status=S.OVERDUE, escalated_on__isnull=True
    ).select_related("unit__department", "department", "regulation")
    for plan in late:
        counts["escalated"] += _escalate(plan, today)
    return counts


def plan_fulfil(*, inspection: Inspection, actor=None) -> InspectionPlan | None:
    """An inspection fulfils the open plan (planned or overdue) of its
    department whose period has begun, for its regulation when both name one.
    Side effects: the plan -> 已检查, a PlanEvent."""
    plans = InspectionPlan.objects.filter(
        department_id=inspection.department_id,
        status__in=[S.PLANNED, S.OVERDUE],
        period_start__lte=inspection.inspected_on,
    ).order_by("due_on", "id")
    if inspection.regulation_id:
        matching = plans.filter(regulation_id=inspection.regulation_id)
        plans = matching if matching.exists() else plans.filter(regulation=None)
    plan = plans.first()
    if plan is None:
        return None
    return PLAN_MACHINE.apply(
        plan,
        action="inspect",
        actor=actor,
        fields={"inspection": inspection},
        reason=f"{inspection.inspected_on:%Y-%m-%d}{inspection.get_kind_display()}",
    )
