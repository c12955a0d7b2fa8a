"""日常执规事项: recurring duties from the 动力机制清单.

A driver-list row with a schedule (RowSchedule: yearly on a date, yearly,
half-yearly, quarterly, monthly, or N times a quarter before committee
meetings) yields one Duty per department and occurrence: generated once (a
unique constraint decides under concurrent runs), reminded like steps (a
reminder when due within the notice rule's days, once), done by the
department's liaison with evidence, overdue when past due. Counted as
日常执规完成率 (supervision.rates).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from config.statemachine import Move, StateMachine, register
from notices.models import Notice
from notices.services import notice_create
from notices.services import rule_current as notice_rule
from org.models import Department
from org.selectors import can_act_for
from responsibilities.models import ResponsibilityList
from supervision.models import Cycle, Duty, DutyEvent, RowSchedule
from supervision.services.plans import period_label, period_of
from workflows.calendar import add_working_days, subtract_working_days

S = Duty.Status
ONE_DAY = datetime.timedelta(days=1)


def _record(duty, action, from_status, to_status, actor, reason):
    DutyEvent.objects.create(
        duty=duty,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


DUTY_MACHINE = register(
    StateMachine(
        model=Duty,
        moves={
            "complete": Move([S.OPEN, S.OVERDUE], S.DONE, "完成"),
            "expire": Move([S.OPEN], S.OVERDUE, "逾期"),
        },
        record=_record,
        noun="该事项",
    )
)


def _last_working_day(end: datetime.date) -> datetime.date:
    return subtract_working_days(end + ONE_DAY, 1)


def occurrences(schedule: RowSchedule, today: datetime.date) -> list[tuple]:
    """(period_start, seq, occurs_on, due_on, label) of the occurrences to
    exist by `today`: a dated duty from `lead_days` before its date; a period
    duty from the first day of its period."""
    cycle = schedule.cycle
    if cycle == Cycle.YEARLY and schedule.month and schedule.day:
        found = []
        for year in (today.year, today.year + 1):
            try:
                occurs = datetime.date(year, schedule.month, schedule.day)
            except ValueError:
                return []  # 2月30日: nothing to schedule
            if occurs - datetime.timedelta(days=schedule.lead_days) <= today:
                due = add_working_days(occurs, schedule.due_working_days)
                label = f"{occurs.year}年{occurs.month}月{occurs.day}日"
                found.append((datetime.date(year, 1, 1), 1, occurs, due, label))
        return found
    start, end = period_of(cycle, today)
    due = _last_working_day(end)
    label = period_label(cycle, start)
    count = schedule.count_per_quarter if cycle == Cycle.BEFORE_MEETING else 1
    return [
        (start, seq, start, due, label if count == 1 else f"{label}第{seq}次")
        for seq in range(1, count + 1)
    ]


def _departments(row: ResponsibilityList, schedule: RowSchedule) -> list:
    if schedule.for_all_departments:
        # Every unit of the row's office: another district's are not its own.
        units = Department.objects.filter(
            is_active=True,
            kind__in=[Department.Kind.DISTRICT, Department.Kind.TOWN],
        )
        if row.department_id:
            units = units.filter(office_id=row.department.office_id)
        return list(units)
    return [row.department, *row.partner_departments.filter(is_active=True)]


@transaction.atomic
def duties_generate(*, today: datetime.date) -> dict:
    """Create the duties that should exist by `today` (once each)."""
    created = 0
    schedules = RowSchedule.objects.filter(
        is_active=True,
        row__kind=ResponsibilityList.Kind.DRIVER,
        row__is_active=True,
    ).select_related("row", "row__department")
    for schedule in schedules:
        row = schedule.row
        name = row.mechanism or row.duty[:60] or "日常执规事项"
        departments = None
        for start, seq, occurs, due, label in occurrences(schedule, today):
            departments = departments or _departments(row, schedule)
            for department in departments:
                _, made = Duty.objects.get_or_create(
                    row=row,
                    department=department,
                    period_start=start,
                    seq=seq,
                    defaults={
                        "title": f"{name}（{label}）"[:200],
                        "occurs_on": occurs,
                        "due_on": due,
                    },
                )
                created += int(made)
    return {"duties_created": created}


def duties_remind(*, today: datetime.date) -> dict:
    """A reminder when a duty is due within the notice rule's days (as steps),
    once per duty (claimed by a conditional UPDATE)."""
    horizon = add_working_days(today, notice_rule().reminder_days_before)
    reminded = 0
    due_soon = Duty.objects.filter(
        status=S.OPEN, reminded_on__isnull=True, due_on__gte=today, due_on__lte=horizon
    ).select_related("department")
    for duty in due_soon.order_by("due_on", "id"):
        with transaction.atomic():
            claimed = Duty.objects.filter(pk=duty.pk, reminded_on__isnull=True).update(
                reminded_on=today
            )
            if claimed != 1:
                continue
            notice_create(
                kind=Notice.Kind.REMINDER,
                department=duty.department,
                title=f"提醒：日常执规事项“{duty.title}”将于{duty.due_on:%m月%d日}到期",
                body=(
                    f"{duty.department.name}：\n日常执规事项“{duty.title}”"
                    f"请于{duty.due_on:%Y年%m月%d日}前完成，并在“日常执规”中上传佐证材料。"
                ),
                due_on=duty.due_on,
                issued_on=today,
            )
            reminded += 1
    return {"duties_reminded": reminded}


@transaction.atomic
def duties_expire(*, today: datetime.date) -> dict:
    late = Duty.objects.filter(status=S.OPEN, due_on__lt=today).order_by("due_on")
    count = 0
    for duty in late:
        DUTY_MACHINE.apply(duty, action="expire", reason=f"超过完成时限{duty.due_on}")
        count += 1
    return {"duties_overdue": count}


def duty_complete(
    *, duty: Duty, actor, text: str, file=None, today: datetime.date | None = None
) -> Duty:
    """The department's liaison marks a duty done with evidence (text and/or a
    file). Side effects: the file stored, the duty -> done (dated), a DutyEvent."""
    if not can_act_for(actor, duty.department_id):
        raise NotAllowed("只有责任单位的联络员可以报送完成情况。")
    text = (text or "").strip()
    if not text and file is None:
        raise DomainError("请填写完成情况或上传佐证材料。")
    today = today or timezone.localdate()
    fields = {"evidence_text": text, "done_on": today, "done_by": actor}
    with transaction.atomic():
        if file is not None:
            duty.evidence_file.save(file.name[:100], file, save=False)
            fields["evidence_file"] = duty.evidence_file.name
        return DUTY_MACHINE.apply(
            duty, action="complete", actor=actor, fields=fields, reason=text[:200]
        )
