"""Demo: a second, small district (秀洲) and the city office (嘉兴市委办) above both.

So the demo shows what many offices in one deployment look like: the city's
comparison page (/offices/) with two districts, each district numbering its
notices with its own prefix (秀洲执规告〔2026〕1号), and a district's users seeing
nothing of the other. Runs last in seed_demo: it reuses the catalogue and the
other apps' demo helpers, through the services, with 秀洲's own office staff.

Small on purpose (seed time): five units, a handful of projects, one 交办单 and
one published year round. Idempotent: offices, units and users are matched by
code and username; projects, the 交办单 and the round are made once; the
scans create each notice and duty once.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from evaluation import demo as evaluation_demo
from evaluation import services as evaluation_services
from evaluation.models import EvaluationRound
from notices import demo as notices_demo
from notices.models import Notice
from notices.services import assignment_issue
from org import demo as org_demo
from org import services as org_services
from org.models import Department, Office, Role
from regulations.models import Regulation
from responsibilities import services as list_services
from responsibilities.models import ResponsibilityList
from supervision import services as supervision_services
from workflows import demo as workflows_demo
from workflows import services as workflows_services
from workflows.calendar import add_working_days
from workflows.models import ExecutionProject

CITY = ("jiaxing", "嘉兴市委办", "嘉兴执规")
DISTRICT = ("xiuzhou", "秀洲区委办", "秀洲执规")
K = Department.Kind
# (code, name, kind, leader name); the first is the office's own unit. No town:
# the district demo's 室组地 take every town, this district has none.
DEPARTMENTS = [
    ("XZQWB", "秀洲区委办(法规室)", K.OFFICE, "顾志明"),
    ("XZZZB", "秀洲区委组织部", K.DISTRICT, "沈卫东"),
    ("XZSFJ", "秀洲区司法局", K.DISTRICT, "王丽华"),
    ("XZJYJ", "秀洲区教育局", K.DISTRICT, "钱晓峰"),
    ("XZWJJ", "秀洲区卫健局", K.DISTRICT, "陈美芳"),
]
CITY_DEPARTMENT = ("SWB", "嘉兴市委办(法规室)", K.OFFICE, "")
# (username, full name, role, department code)
USERS = [
    ("city", "市委办 赵明", Role.OFFICE, "SWB"),
    ("office_xiuzhou", "秀洲法规室 孙悦", Role.OFFICE, "XZQWB"),
    ("liaison_xiuzhou", "秀洲司法局联络员 朱琳", Role.LIAISON, "XZSFJ"),
]
PROJECTS = 6  # lead list rows of the district, one project each this year
ASSIGNMENT = (
    "关于完善党内法规执行台账的交办单",
    "请对照执规责任清单完善本单位党内法规执行台账，并报送落实表。",
)


def _seed_offices() -> tuple[Office, Office]:
    city = Office.objects.filter(code=CITY[0]).first() or org_services.office_create(
        code=CITY[0], name=CITY[1], number_prefix=CITY[2], kind=Office.Kind.CITY
    )
    home = Office.default()  # the demo district (南湖)
    if home.parent_id is None:
        org_services.office_set_parent(office=home, parent=city)
    district = Office.objects.filter(code=DISTRICT[0]).first()
    if district is None:
        district = org_services.office_create(
            code=DISTRICT[0],
            name=DISTRICT[1],
            number_prefix=DISTRICT[2],
            parent=city,
            sort_order=home.sort_order + 1,
        )
    return city, district


def _seed_units(city, district) -> int:
    existing = set(Department.objects.values_list("code", flat=True))
    rows = [(CITY_DEPARTMENT, city)] + [(row, district) for row in DEPARTMENTS]
    created = 0
    for index, ((code, name, kind, leader), office) in enumerate(rows):
        if code in existing:
            continue
        # After the district demo's units, so its "first office unit" stays.
        org_services.department_create(
            code=code,
            name=name,
            kind=kind,
            leader_name=leader,
            sort_order=1000 + index,
            office=office,
        )
        created += 1
    return created + org_demo.seed_users(USERS)


def _seed_lead_list(office_user, units) -> None:
    """The district's lead list: the first regulations of the catalogue that
    the home district leads too, each led by one of its bureaus."""
    if ResponsibilityList.objects.filter(
        kind=ResponsibilityList.Kind.LEAD, department__in=units
    ).exists():
        return
    regulations = Regulation.objects.filter(
        pk__in=ResponsibilityList.objects.filter(
            kind=ResponsibilityList.Kind.LEAD, is_active=True
        ).values("regulation_id"),
        status=Regulation.Status.IN_FORCE,
    ).order_by("published_on", "id")[:PROJECTS]
    for index, regulation in enumerate(regulations):
        lead = units[index % len(units)]
        list_services.responsibility_create(
            kind=ResponsibilityList.Kind.LEAD,
            user=office_user,
            regulation=regulation,
            department=lead,
            partner_departments=[units[(index + 1) % len(units)]],
            duty=f"牵头抓好《{regulation.title}》在全区的贯彻执行。",
            scope="全区各级党组织",
            default_flow="simple" if index % 3 == 2 else "general",
        )


def _seed_projects(office_user, district, today) -> int:
    """This year's projects, played like the home district's (workflows demo)."""
    if ExecutionProject.objects.filter(office=district, year=today.year).exists():
        return 0
    rows = [
        r
        for r in workflows_services.project_bulk_launch_preview(
            year=today.year, starts_on=today, office=district
        )
        if r.will_launch
    ]
    liaisons: dict = {}
    for index, row in enumerate(rows):
        offset = workflows_demo.WAVE_OFFSETS_DAYS[index % 5]
        starts_on = max(
            today - datetime.timedelta(days=offset), datetime.date(today.year, 1, 5)
        )
        project = workflows_services.project_launch(
            regulation=row.regulation,
            year=today.year,
            lead_department=row.lead_department,
            partner_departments=row.partner_departments,
            flow_code=row.flow_code,
            starts_on=starts_on,
            actor=office_user,
        )
        workflows_demo._play(project, index, office_user, liaisons, today)
        workflows_demo._backdate(project, today)
    return len(rows)


def _seed_assignment(office_user, units, today) -> None:
    title, body = ASSIGNMENT
    department = units[1]  # the 司法局, whose liaison is a demo account
    if Notice.objects.filter(title=title, department=department).exists():
        return
    assignment_issue(
        department=department,
        title=title,
        body=body,
        due_on=add_working_days(today, 10),
        actor=office_user,
    )


def _seed_round(office_user, district, today, stdout) -> None:
    """The district's published year round, so the city compares two."""
    if EvaluationRound.objects.filter(
        office=district, year=today.year, quarter=0
    ).exists():
        return
    round_ = evaluation_services.round_create(
        year=today.year,
        quarter=0,
        actor=office_user,
        office=district,
        name=f"{today.year}年度秀洲区党内法规执行评价",
    )
    evaluation_services.round_propose_all(round=round_, actor=office_user)
    if evaluation_services.round_bodies(round_):
        # 三家联评 of the current standards: marks entered by the office.
        evaluation_demo._seed_joint_marks(round_, office_user, stdout)
    evaluation_services.round_review(round=round_, actor=office_user)
    evaluation_services.round_publish(round=round_, actor=office_user)


def seed(*, stdout) -> None:
    city, district = _seed_offices()
    created = _seed_units(city, district)
    office_user = get_user_model().objects.get(username="office_xiuzhou")
    units = list(
        Department.objects.filter(office=district, kind=K.DISTRICT).order_by(
            "sort_order", "code"
        )
    )
    today = timezone.localdate()
    _seed_lead_list(office_user, units)
    projects = _seed_projects(office_user, district, today)
    _seed_assignment(office_user, units, today)
    _seed_round(office_user, district, today, stdout)
    # The day's scans, as the other apps' demos ran them before this district
    # existed (so a second seed finds nothing left to do).
    notices_demo.scans_replay(today=today)
    supervision_services.supervision_scan(today=today)
    # The comparison page's stored on-time figures, as the daily refresh
    # leaves them (so the page shows them at once).
    supervision_services.office_rates_refresh_all(today=today)
    stdout.write(
        f"多区演示：{city.name}下辖{district.name}，新增单位和用户 {created} 个、"
        f"执行项目 {projects} 个。"
    )
