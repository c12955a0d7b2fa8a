"""Demo content of the four lists; runs after the catalogue is loaded.

Every in-force regulation gets a sensible lead department (organisation rules ->
组织部, discipline -> 纪委监委 ...), except a few a district does not carry out
itself, so the coverage page has something to show. Idempotent: a row that
exists (active or not) is not added again.
"""

from org.models import Department, Membership, Role
from regulations.models import Regulation
from responsibilities import services
from responsibilities.models import ResponsibilityList

Kind = ResponsibilityList.Kind
Flow = ResponsibilityList.Flow

# Left without a lead on purpose: the district has no university, and central or
# district-level election rules are carried out by higher bodies.
NO_LEAD_KEYWORDS = ["中央委员会工作条例", "普通高等学校", "地方组织选举"]

# First matching keyword decides the lead department (by code).
LEAD_RULES = [
    ("纪律检查委员会", "JWJW"),
    ("纪检", "JWJW"),
    ("纪律检查", "JWJW"),
    ("派驻机构", "JWJW"),
    ("纪律处分", "JWJW"),
    ("问责", "JWJW"),
    ("巡视", "JWJW"),
    ("党内监督", "JWJW"),
    ("廉洁", "JWJW"),
    ("权利保障", "JWJW"),
    ("组织处理", "ZZB"),
    ("从严治党", "JWJW"),
    ("宣传", "XCB"),
    ("统一战线", "TZB"),
    ("政法", "ZFW"),
    ("农村工作", "NYJ"),
    ("机构编制", "BB"),
    ("信访", "XFJ"),
    ("节约", "CZJ"),
    ("党和国家机关", "ZZB"),
    ("农村基层组织", "ZZB"),
    ("组织", "ZZB"),
    ("党组", "ZZB"),
    ("支部", "ZZB"),
    ("选举", "ZZB"),
    ("党员", "ZZB"),
    ("干部", "ZZB"),
    ("能上能下", "ZZB"),
    ("个人有关事项", "ZZB"),
]
# Key regulations of the method (繁简分流: they take the seven-step flow).
KEY_REGULATIONS = [
    "农村基层组织工作条例",
    "全面从严治党主体责任",
    "推进法治建设第一责任人",
    "问责条例",
    "纪律处分条例",
    "党内监督条例",
    "党组工作条例",
    "支部工作条例",
]
DEFAULT_LEAD = "QWB"  # 章程, 准则, 公文, 请示报告, 党内法规制度建设 ...

PARTNER_POOLS = {
    "ZZB": ["BB", "NHJD", "RSJ"],
    "JWJW": ["ZZB", "SJJ", "QWB", "SFJ"],
    "XCB": ["JYJ", "NHJD", "TZB"],
    "TZB": ["MZJ", "XCB"],
    "ZFW": ["SFJ", "XFJ", "MZJ"],
    "NYJ": ["FQZ", "YXZ", "ZZB"],
    "BB": ["ZZB", "CZJ"],
    "XFJ": ["ZFW", "MZJ", "NHJD"],
    "CZJ": ["SJJ", "QWB"],
    "FGJ": ["ZZB", "CZJ"],
    "QWB": ["SFJ", "ZZB", "XCB"],
}
LEADERS = {
    "ZZB": "区委常委、组织部部长 陈立新",
    "JWJW": "区委常委、区纪委书记 钱志刚",
    "XCB": "区委常委、宣传部部长 王晓燕",
    "TZB": "区委常委、统战部部长 沈国平",
    "ZFW": "区委常委、政法委书记 徐海峰",
    "NYJ": "副区长 褚建平",
    "BB": "区委常委、组织部部长 陈立新",
    "XFJ": "区委常委、政法委书记 徐海峰",
    "CZJ": "常务副区长 顾建华",
    "FGJ": "常务副区长 顾建华",
    "QWB": "区委副书记 周建国",
}

# (mechanism, type, department code, partner codes, frequency, duty)
DRIVERS = [
    (
        "党委(党组)理论学习中心组专题学习党内法规",
        "study",
        "XCB",
        ["ZZB"],
        "每季度",
        "将重要党内法规列入中心组学习计划，每季度至少开展1次专题学习。",
    ),
    (
        "新任职领导干部党内法规知识测试",
        "study",
        "ZZB",
        ["QWB"],
        "每年",
        "新任职区管领导干部任前参加党内法规知识测试，成绩记入干部档案。",
    ),
    (
        "“党内法规进基层”宣讲活动",
        "publicity",
        "XCB",
        ["NHJD", "FQZ", "YXZ"],
        "每半年",
        "组织宣讲团深入镇街、村社宣讲重要党内法规。",
    ),
    (
        "法治宣传周党内法规专题宣传",
        "publicity",
        "SFJ",
        ["XCB"],
        "每年",
        "结合“八五”普法，开展党内法规专题宣传。",
    ),
    (
        "党内法规执行情况专项督查",
        "inspection",
        "QWB",
        ["JWJW"],
        "每半年",
        "对重点党内法规执行情况开展专项督查，督查结果通报全区。",
    ),
    (
        "重点党内法规执行“回头看”",
        "inspection",
        "JWJW",
        ["QWB"],
        "每年",
        "对上年度督查发现问题的整改情况开展“回头看”。",
    ),
    (
        "党内法规执行纳入年度综合考核",
        "assessment",
        "ZZB",
        ["QWB"],
        "每年",
        "执规工作在部门年度综合考核中单列分值。",
    ),
    (
        "执规责任制落实情况述职评议",
        "assessment",
        "QWB",
        ["ZZB"],
        "每年",
        "各单位主要负责人在年度述职中专题报告执规责任落实情况。",
    ),
    (
        "执规工作先进集体和先进个人评选",
        "incentive",
        "ZZB",
        ["QWB"],
        "每年",
        "评选表扬执规工作先进集体和先进个人。",
    ),
    (
        "执规优秀案例晾晒比学",
        "incentive",
        "XCB",
        ["QWB"],
        "每季度",
        "每季度选编执规优秀案例，在全区晾晒比学。",
    ),
]

# (element type, requirement, department code, partner codes, duty)
SAFEGUARDS = [
    (
        "people",
        "各单位明确1名执规联络员，人员变动5个工作日内报区委办备案",
        "QWB",
        [],
        "建立全区执规联络员队伍。",
    ),
    (
        "people",
        "区委办(法规室)配备专职工作人员不少于3名",
        "BB",
        ["QWB"],
        "保障法规室编制和人员。",
    ),
    (
        "funds",
        "党内法规执行工作经费纳入年度部门预算",
        "CZJ",
        ["QWB"],
        "按需保障执规工作经费。",
    ),
    ("funds", "执规培训、宣传专项经费足额保障", "CZJ", ["XCB"], ""),
    (
        "rules",
        "制定党内法规执行责任制实施细则并每两年评估修订",
        "QWB",
        ["SFJ"],
        "完善执规制度体系。",
    ),
    ("rules", "建立执规问题线索移送和办理反馈机制", "JWJW", ["QWB"], ""),
    (
        "platform",
        "建设运行“执规通”数字化平台，实现清单、流程、评价全程在线",
        "QWB",
        ["FGJ"],
        "",
    ),
    ("platform", "在党员教育平台开设党内法规学习专栏", "ZZB", ["XCB"], ""),
    (
        "training",
        "每年至少举办1期全区党内法规专题培训班",
        "ZZB",
        ["QWB"],
        "将党内法规纳入干部教育培训必修内容。",
    ),
    ("training", "镇街执规骨干每年轮训一遍", "SFJ", ["NHJD", "XJJD", "FQZ"], ""),
]


def _lead_code(title: str) -> str:
    for keyword, code in LEAD_RULES:
        if keyword in title:
            return code
    return DEFAULT_LEAD


def _office_user():
    membership = (
        Membership.objects.filter(role=Role.OFFICE, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _seed_leads(user, departments) -> int:
    existing = set(
        ResponsibilityList.objects.filter(kind=Kind.LEAD).values_list(
            "regulation_id", flat=True
        )
    )
    created = 0
    regulations = Regulation.objects.filter(
        status=Regulation.Status.IN_FORCE, is_deleted=False
    ).order_by("published_on", "id")
    for index, regulation in enumerate(regulations):
        if regulation.pk in existing:
            continue
        if any(keyword in regulation.title for keyword in NO_LEAD_KEYWORDS):
            continue
        code = _lead_code(regulation.title)
        lead = departments.get(code)
        if lead is None:
            continue
        pool = [departments[c] for c in PARTNER_POOLS.get(code, []) if c in departments]
        partners = pool[: (index % 3) + 1]
        scope = (
            "全区各镇街、村社党组织" if "农村" in regulation.title else "全区各级党组织"
        )
        services.responsibility_create(
            kind=Kind.LEAD,
            user=user,
            regulation=regulation,
            department=lead,
            partner_departments=partners,
            duty=(
                f"牵头抓好《{regulation.title}》在全区的贯彻执行：制定实施方案，"
                "组织学习培训，推动配套制度建设，按期报送执行情况。"
            ),
            leader_in_charge=LEADERS.get(code, ""),
            scope=scope,
            default_flow=services.flow_by_rule(
                partner_count=len(partners),
                is_key=any(key in regulation.title for key in KEY_REGULATIONS),
            ),
        )
        created += 1
    return created


def _seed_drivers(user, departments) -> int:
    existing = set(
        ResponsibilityList.objects.filter(kind=Kind.DRIVER).values_list(
            "department_id", "mechanism"
        )
    )
    created = 0
    for mechanism, type_, code, partner_codes, frequency, duty in DRIVERS:
        department = departments.get(code)
        if department is None or (department.pk, mechanism) in existing:
            continue
        services.responsibility_create(
            kind=Kind.DRIVER,
            user=user,
            department=department,
            partner_departments=[
                departments[c] for c in partner_codes if c in departments
            ],
            mechanism=mechanism,
            driver_type=type_,
            frequency=frequency,
            duty=duty,
        )
        created += 1
    return created


def _seed_safeguards(user, departments) -> int:
    existing = set(
        ResponsibilityList.objects.filter(kind=Kind.SAFEGUARD).values_list(
            "department_id", "element_type", "requirement"
        )
    )
    created = 0
    for type_, requirement, code, partner_codes, duty in SAFEGUARDS:
        department = departments.get(code)
        if department is None or (department.pk, type_, requirement) in existing:
            continue
        services.responsibility_create(
            kind=Kind.SAFEGUARD,
            user=user,
            department=department,
            partner_departments=[
                departments[c] for c in partner_codes if c in departments
            ],
            element_type=type_,
            requirement=requirement,
            duty=duty,
        )
        created += 1
    return created


def _seed_supervision(user) -> int:
    """One row per lead row whose department has a stationed inspection group."""
    existing = set(
        ResponsibilityList.objects.filter(kind=Kind.SUPERVISION).values_list(
            "inspection_group_id", "department_id", "regulation_id"
        )
    )
    leads = ResponsibilityList.objects.filter(
        kind=Kind.LEAD, is_active=True, department__inspection_group__isnull=False
    ).select_related("department__inspection_group", "regulation")
    created = 0
    for index, lead in enumerate(leads.order_by("id")):
        group = lead.department.inspection_group
        key = (group.pk, lead.department_id, lead.regulation_id)
        if key in existing:
            continue
        services.responsibility_create(
            kind=Kind.SUPERVISION,
            user=user,
            department=lead.department,
            regulation=lead.regulation,
            inspection_group=group,
            focus=(
                f"{lead.department.name}牵头执行《{lead.regulation.title}》的"
                "责任落实、实施方案制定和节点推进情况"
            ),
            method="日常监督、专项检查"
            if index % 2
            else "列席会议、查阅资料、明察暗访",
            period="每半年" if index % 2 else "每季度",
        )
        created += 1
    return created


def seed(*, stdout) -> None:
    user = _office_user()
    if user is None:
        stdout.write("责任清单：没有区委办用户，跳过(请先运行 responsibilities.demo)。")
        return
    departments = {d.code: d for d in Department.objects.filter(is_active=True)}
    leads = _seed_leads(user, departments)
    drivers = _seed_drivers(user, departments)
    safeguards = _seed_safeguards(user, departments)
    supervision = _seed_supervision(user)
    stdout.write(
        f"责任清单：新增牵头 {leads} 条、动力机制 {drivers} 条、"
        f"保障要素 {safeguards} 条、专项监督 {supervision} 条。"
    )
