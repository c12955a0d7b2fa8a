"""Demo data of the supervision app (idempotent: what exists is left alone).

Records a couple of inspections with problems (one handed over as a 交办单) and
an accountability action.
"""

import datetime

from django.contrib.auth import get_user_model

from responsibilities.models import Department
from supervision import services
from supervision.models import Inspection


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


def seed(*, stdout) -> None:
    _seed_supervision(_office_user(), stdout)
