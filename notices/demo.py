"""Demo: the notices of the demo district exist as soon as it is loaded.

Runs the scan over the last two weeks' working days (so the escalation ladder
shows: steps long overdue reach their second and third warning, the third flags
the step for the bulletin) and once for today; issues two 交办单 by hand, one
answered with a submitted 落实表 and one unanswered past its date (which the scan
follows with a warning). Deliveries are queued on commit: with `make run` the
worker started next to the web server sends them.

Idempotent: the scan creates each notice once; the 交办单 are matched by title.
"""

import datetime

from django.utils import timezone

from notices.models import Notice
from notices.services import (
    assignment_issue,
    notice_confirm,
    report_submit,
    rule_current,
    scan_due,
)
from org.models import Department, Membership, Role
from workflows.calendar import add_working_days, subtract_working_days

DEMO_ASSIGNMENTS = [
    {
        "title": "关于规范党内法规学习台账的交办单",
        "body": "经明察暗访发现，你单位党内法规学习台账记录不完整、签到缺失。"
        "请对照《执规责任清单》逐项整改，完善台账并报送落实表。",
        "answered": True,
    },
    {
        "title": "关于补报配套制度备案材料的交办单",
        "body": "你单位制定的配套制度尚未按要求报送备案。请补报备案材料，"
        "并说明延误原因及整改措施。",
        "answered": False,
    },
]


def _office_user():
    membership = (
        Membership.objects.filter(role=Role.OFFICE, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _liaison_of(department):
    membership = (
        Membership.objects.filter(
            role=Role.LIAISON, department=department, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _departments_with_liaisons(limit: int):
    ids = (
        Membership.objects.filter(
            role=Role.LIAISON, department__kind=Department.Kind.DISTRICT
        )
        .order_by("department__sort_order", "department__code")
        .values_list("department_id", flat=True)
    )
    seen = []
    for department_id in ids:
        if department_id not in seen:
            seen.append(department_id)
        if len(seen) == limit:
            break
    by_id = Department.objects.in_bulk(seen)
    return [by_id[i] for i in seen]


def _seed_assignments(office, today) -> int:
    departments = _departments_with_liaisons(len(DEMO_ASSIGNMENTS))
    created = 0
    for spec, department in zip(DEMO_ASSIGNMENTS, departments, strict=False):
        if Notice.objects.filter(
            kind=Notice.Kind.ASSIGNMENT, title=spec["title"]
        ).exists():
            continue
        due_on = (
            add_working_days(today, 10)
            if spec["answered"]
            else subtract_working_days(today, 2)
        )
        notice = assignment_issue(
            department=department,
            title=spec["title"],
            body=spec["body"],
            due_on=due_on,
            actor=office,
        )
        created += 1
        liaison = _liaison_of(department)
        if liaison is None:
            continue
        notice_confirm(notice=notice, actor=liaison)
        if spec["answered"]:
            report_submit(
                notice=notice,
                actor=liaison,
                measures="1. 召开专题会议部署整改；2. 逐月补齐学习台账和签到记录；"
                "3. 明确专人负责台账管理。",
                result="学习台账已补齐，建立月度检查制度。",
                person_responsible=f"{department.name}办公室主任",
                completed_on=today - datetime.timedelta(days=1),
            )
    return created


def scans_replay(*, today) -> dict[str, int]:
    """The ladder needs history: replay the scans of the last two weeks, then today.

    Run again by the evaluation demo once credit records exist, so the reminders a
    low credit grade brings forward are there after the first seed (a second seed
    then adds nothing)."""
    step = rule_current().escalation_interval_days
    days = [subtract_working_days(today, 2 * step), subtract_working_days(today, step)]
    totals = {"reminders": 0, "warnings": 0, "escalations": 0, "flagged": 0}
    for day in [*days, today]:
        for key, value in scan_due(today=day).items():
            totals[key] += value
    return totals


def seed(*, stdout) -> None:
    rule_current()  # the default rules row
    today = timezone.localdate()
    office = _office_user()
    created = _seed_assignments(office, today) if office else 0
    totals = scans_replay(today=today)
    stdout.write(
        f"三单一表：交办单 {created} 份；扫描生成提醒 {totals['reminders']} 条、"
        f"警示单 {totals['warnings']} 份（升级 {totals['escalations']} 份），"
        f"列入通报步骤 {totals['flagged']} 个。"
    )
