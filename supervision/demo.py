"""Demo data of the supervision app (idempotent: what exists is left alone).

Sets up 室组地: the 派驻纪检组 as units of kind group, one 监督检查室 covering
them and every town, and a 镇街纪(工)委 per town watching its villages, with a
demo inspector of the room and of one town's commission. Records a couple of
inspections with problems (one handed over as a 交办单) and an accountability
action.
"""

import datetime

from django.contrib.auth import get_user_model

from responsibilities import services as org_services
from responsibilities.models import Department, Role
from supervision import services
from supervision.models import Inspection, SupervisingUnit

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
    from workflows.models import ExecutionProject

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
        actor=actor, problem=fixed, to="rectified", reason="已补报备案并通过审查"
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


def seed(*, stdout) -> None:
    _seed_units(stdout)
    _seed_supervision(_office_user(), stdout)
