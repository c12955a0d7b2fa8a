"""Demo data of the supervision app (idempotent: what exists is left alone).

Sets up 室组地: the 派驻纪检组 as units of kind group, one 监督检查室 covering
them and every town, and a 镇街纪(工)委 per town watching its villages, with a
demo inspector of the room and of one town's commission. Records a couple of
inspections with problems (one handed over as a 交办单) and an accountability
action.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from evaluation.models import EvaluationRound
from org import services as org_services
from org.models import Department, Role
from responsibilities import services as list_services
from responsibilities.models import ResponsibilityList
from supervision import rates, services
from supervision.models import Circular, Duty, Inspection, RowSchedule, SupervisingUnit
from workflows.models import ExecutionProject

DEMO_PASSWORD = "zhigui2026"
ROOM_CODE = "JCS1"
ROOM_NAME = "区纪委监委第一监督检查室"
# (username, full name, unit node code)
UNIT_USERS = [
    ("inspector_room", "第一监督检查室 周涛", ROOM_CODE),
    ("inspector_fqz", "凤桥镇纪委 沈洁", "FQZ-JW"),
]


def _office_user():
    return (
        get_user_model()
        .objects.filter(membership__role="office")
        .order_by("id")
        .first()
    )


def _seed_supervision(actor, stdout) -> None:
    if actor is None or Inspection.objects.exists():
        return

    supervised = (
        Department.objects.filter(inspection_group__isnull=False, is_active=True)
        .exclude(kind__in=["office", "inspection_group"])
        .order_by("sort_order", "code")
    )
    targets = list(supervised[:2]) or list(
        Department.objects.filter(kind="district").order_by("sort_order", "code")[:2]
    )
    if not targets:
        return
    first = targets[0]
    project = (
        ExecutionProject.objects.filter(lead_department=first, year=2026)
        .select_related("regulation")
        .first()
    )
    inspection = services.inspection_record(
        actor=actor,
        kind="unannounced",
        inspected_on=datetime.date(2026, 9, 16),
        inspectors="区纪委监督检查室 周涛、派驻纪检组 刘洋",
        department=first,
        project=project,
        summary="随机抽查执规台账、学习记录和配套制度备案情况。",
    )
    assigned = services.problem_record(
        actor=actor,
        inspection=inspection,
        description="专题学习记录不完整，部分科室未组织传达学习",
        due_on=datetime.date(2026, 12, 15),
    )
    services.problem_raise_assignment(actor=actor, problem=assigned)
    fixed = services.problem_record(
        actor=actor,
        inspection=inspection,
        description="配套制度未按时报送备案",
        due_on=datetime.date(2026, 10, 30),
    )
    services.problem_set_status(
        actor=actor,
        problem=fixed,
        to="rectified",
        reason="已补报备案并通过审查",
        rectified_on=datetime.date(2026, 10, 28),
    )
    services.accountability_record(
        actor=actor,
        department=first,
        project=project,
        problem=fixed,
        action="talk",
        person="该单位分管负责人",
        decided_on=datetime.date(2026, 10, 20),
        note="对配套制度备案滞后问题进行谈话提醒",
    )
    if len(targets) > 1:
        services.inspection_record(
            actor=actor,
            kind="open",
            inspected_on=datetime.date(2026, 10, 9),
            inspectors="派驻纪检组 刘洋、陈晨",
            department=targets[1],
            summary="现场查看执规工作台账，未发现问题。",
        )
    stdout.write("  监督：已登记明察暗访记录、发现问题(含交办单)和追责问责。")


def _node(code: str, name: str, parent) -> Department:
    node = Department.objects.filter(code=code).first()
    if node is None:
        node = org_services.department_create(
            code=code, name=name, kind=Department.Kind.INSPECTION_GROUP, parent=parent
        )
    return node


def _local_name(town: Department) -> str:
    return f"{town.name}纪工委" if town.name.endswith("街道") else f"{town.name}纪委"


def _seed_units(stdout) -> None:
    """室组地 of the demo district (idempotent)."""
    commission = Department.objects.filter(code="JWJW").first()
    groups = list(
        Department.objects.filter(kind=Department.Kind.INSPECTION_GROUP)
        .filter(supervised_departments__isnull=False)
        .distinct()
        .order_by("code")
    )
    towns = list(Department.objects.filter(kind=Department.Kind.TOWN).order_by("code"))
    if not groups and not towns:
        return
    units = []
    for group in groups:
        unit, _ = SupervisingUnit.objects.get_or_create(
            department=group,
            defaults={"kind": SupervisingUnit.Kind.GROUP, "name": group.name},
        )
        units.append(unit)
    for town in towns:
        node = _node(f"{town.code}-JW", _local_name(town), commission)
        unit, created = SupervisingUnit.objects.get_or_create(
            department=node,
            defaults={"kind": SupervisingUnit.Kind.LOCAL, "name": node.name},
        )
        if created:
            unit.covers_departments.set([town])
    room_node = _node(ROOM_CODE, ROOM_NAME, commission)
    room, created = SupervisingUnit.objects.get_or_create(
        department=room_node,
        defaults={"kind": SupervisingUnit.Kind.ROOM, "name": ROOM_NAME},
    )
    if created:
        room.covers_units.set(units)
        room.covers_departments.set(towns)
    User = get_user_model()
    for username, full_name, code in UNIT_USERS:
        node = Department.objects.filter(code=code).first()
        if node is None or User.objects.filter(username=username).exists():
            continue
        org_services.user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=Role.INSPECTOR,
            department=node,
            full_name=full_name,
        )
    stdout.write(
        f"  监督：室组地 {SupervisingUnit.objects.count()} 个监督单位"
        f"(1 个监督检查室、{len(groups)} 个派驻纪检组、{len(towns)} 个镇街纪(工)委)；"
        "演示账号 inspector_room(监督检查室)、inspector_fqz(凤桥镇纪委)。"
    )


# (mechanism, cycle, month, day, count per quarter, for all departments, duty)
DUTY_ROWS = [
    ("党章学习日", "yearly", 7, 1, 1, True, "7月1日组织党员集中学习党章。"),
    ("宪法学习日", "yearly", 12, 4, 1, True, "12月4日组织学习宪法和党内法规。"),
    ("季度学法", "quarterly", None, None, 1, True, "每季度开展一次党内法规专题学习。"),
    (
        "会前学法",
        "before_meeting",
        None,
        None,
        2,
        False,
        "党委(党组)会议前学习党内法规。",
    ),
]


def _seed_duty_rows(actor, stdout) -> None:
    office = Department.objects.filter(kind=Department.Kind.OFFICE).first()
    if actor is None or office is None:
        return
    made = 0
    for mechanism, cycle, month, day, count, for_all, duty in DUTY_ROWS:
        row = ResponsibilityList.objects.filter(
            kind=ResponsibilityList.Kind.DRIVER, mechanism=mechanism
        ).first()
        if row is None:
            row = list_services.responsibility_create(
                kind=ResponsibilityList.Kind.DRIVER,
                user=actor,
                department=office,
                mechanism=mechanism,
                driver_type="study",
                frequency=dict(
                    yearly=f"每年{month}月{day}日",
                    quarterly="每季度",
                    before_meeting=f"会前(每季度{count}次)",
                )[cycle],
                duty=duty,
            )
        _, created = RowSchedule.objects.get_or_create(
            row=row,
            defaults={
                "cycle": cycle,
                "month": month,
                "day": day,
                "count_per_quarter": count,
                "for_all_departments": for_all,
            },
        )
        made += int(created)
    if made:
        stdout.write(
            f"  监督：动力机制清单新增 {made} 项周期性日常执规事项"
            "(党章学习日、宪法学习日、季度学法、会前学法)。"
        )


def _seed_circular(actor, stdout) -> None:
    if actor is None or Circular.objects.exists():
        return
    round_ = (
        EvaluationRound.objects.filter(status=EvaluationRound.Status.PUBLISHED)
        .order_by("-year", "-published_at")
        .first()
    )
    if round_ is None:
        return
    circular = services.circular_draft(actor=actor, kind="evaluation", round=round_)
    circular = services.circular_issue(actor=actor, circular=circular)
    stdout.write(f"  监督：已印发{circular.get_kind_display()} {circular.number}。")


def _seed_local_inspection(stdout) -> None:
    """凤桥镇纪委 inspects a village: one problem fixed on time, one overdue."""
    User = get_user_model()
    inspector = User.objects.filter(username="inspector_fqz").first()
    village = Department.objects.filter(code="FQZ-LF").first()
    if inspector is None or village is None or village.inspections.exists():
        return
    inspection = services.inspection_record(
        actor=inspector,
        kind="open",
        inspected_on=datetime.date(2026, 9, 15),
        inspectors="凤桥镇纪委 沈洁",
        department=village,
        summary="检查村党组织学习贯彻《中国共产党农村基层组织工作条例》情况。",
    )
    fixed = services.problem_record(
        actor=inspector,
        inspection=inspection,
        description="“三会一课”记录不规范",
        due_on=datetime.date(2026, 10, 16),
    )
    services.problem_set_status(
        actor=inspector,
        problem=fixed,
        to="rectified",
        reason="已规范记录并复查",
        rectified_on=datetime.date(2026, 10, 14),
    )
    services.problem_record(
        actor=inspector,
        inspection=inspection,
        description="村务监督委员会未按期公开党务",
        due_on=datetime.date(2026, 11, 13),
    )
    stdout.write("  监督：凤桥镇纪委已登记对联丰村的检查(问题 2 个，1 个按期整改)。")


def _seed_done_duties(stdout) -> None:
    """The demo liaisons did their 党章学习日 on time, with evidence."""
    done = 0
    for username in ("liaison_zzb", "liaison_sfj", "liaison_nanhu"):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            continue
        for duty in Duty.objects.filter(
            department=user.membership.department,
            status__in=["open", "overdue"],
            title__startswith="党章学习日",
            due_on__lt=timezone.localdate(),
        ):
            services.duty_complete(
                duty=duty,
                actor=user,
                text="组织全体党员集中学习党章，形成学习记录和签到表。",
                today=duty.occurs_on,
            )
            done += 1
    if done:
        stdout.write(f"  监督：演示联络员已完成党章学习日事项 {done} 项。")


def _closing_note(stdout) -> None:
    actor = _office_user()
    if actor is None:
        return
    year = timezone.localdate().year
    rows = [
        r for r in rates.supervision_rates(user=actor, year=year) if r["kind"] == "town"
    ]

    def shown(value):
        return "—" if value is None else f"{value}%"

    for row in rows:
        stdout.write(
            f"  执规率 {row['department_name']}：问题按期处置率"
            f" {shown(row['problem_on_time_rate'])}，回执按时率"
            f" {shown(row['receipt_on_time_rate'])}，步骤按时完成率"
            f" {shown(row['step_on_time_rate'])}，日常执规完成率"
            f" {shown(row['duty_on_time_rate'])}"
        )


def seed(*, stdout) -> None:
    actor = _office_user()
    _seed_units(stdout)
    _seed_supervision(actor, stdout)
    _seed_duty_rows(actor, stdout)
    counts = services.supervision_scan()
    stdout.write(
        f"  监督：今日扫描生成监督计划 {counts['created']} 项、"
        f"日常执规事项 {counts['duties_created']} 项。"
    )
    _seed_local_inspection(stdout)
    _seed_done_duties(stdout)
    services.supervision_scan()
    _seed_circular(actor, stdout)
    _closing_note(stdout)
