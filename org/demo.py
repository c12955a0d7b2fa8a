"""Demo district (modelled on Nanhu, Jiaxing): departments, one user per role, a token.

Idempotent: departments are matched by code and users by username; what exists is
left alone. `portal.demo.print_accounts` shows the accounts at the end of seed_demo.
"""

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from org import services
from org.models import Department, Role

DEMO_PASSWORD = "zhigui2026"
DEMO_API_CLIENT = "credit-system"

K = Department.Kind
# (code, name, kind, parent code, inspection group code, leader name)
DEPARTMENTS = [
    ("QWB", "区委办(法规室)", K.OFFICE, None, None, "周建国"),
    ("ZZB", "区委组织部", K.DISTRICT, None, "JJZ1", "陈立新"),
    ("XCB", "区委宣传部", K.DISTRICT, None, "JJZ1", "王晓燕"),
    ("TZB", "区委统战部", K.DISTRICT, None, "JJZ1", "沈国平"),
    ("BB", "区委编办", K.DISTRICT, None, "JJZ1", "吴敏"),
    ("SGB", "区委社会工作部", K.DISTRICT, None, "JJZ1", "朱慧"),
    ("ZFW", "区委政法委", K.DISTRICT, None, "JJZ4", "徐海峰"),
    ("JWJW", "区纪委监委", K.DISTRICT, None, None, "钱志刚"),
    ("FGJ", "区发改局", K.DISTRICT, None, "JJZ2", "朱伟"),
    ("JYJ", "区教育局", K.DISTRICT, None, "JJZ3", "姚丽萍"),
    ("CZJ", "区财政局", K.DISTRICT, None, "JJZ2", "顾建华"),
    ("RSJ", "区人力社保局", K.DISTRICT, None, "JJZ2", "金永明"),
    ("SFJ", "区司法局", K.DISTRICT, None, "JJZ4", "杨秀英"),
    ("WJJ", "区卫健局", K.DISTRICT, None, "JJZ3", "蒋文华"),
    ("MZJ", "区民政局", K.DISTRICT, None, "JJZ3", "孙丽"),
    ("NYJ", "区农业农村局", K.DISTRICT, None, "JJZ4", "褚建平"),
    ("SCJ", "区市场监管局", K.DISTRICT, None, "JJZ4", "许明"),
    ("SJJ", "区审计局", K.DISTRICT, None, "JJZ2", "何红"),
    ("XFJ", "区信访局", K.DISTRICT, None, "JJZ4", "吕强"),
    ("TYJ", "区退役军人事务局", K.DISTRICT, None, "JJZ3", "施卫东"),
    ("ZJJ", "区住建局", K.DISTRICT, None, "JJZ4", "张海涛"),
    ("NHJD", "南湖街道", K.TOWN, None, None, "李建明"),
    ("XJJD", "新嘉街道", K.TOWN, None, None, "冯晓峰"),
    ("JSJD", "建设街道", K.TOWN, None, None, "陆春华"),
    ("DZJD", "东栅街道", K.TOWN, None, None, "潘志强"),
    ("QXJD", "七星街道", K.TOWN, None, None, "韩雪梅"),
    ("FQZ", "凤桥镇", K.TOWN, None, None, "曹国良"),
    ("YXZ", "余新镇", K.TOWN, None, None, "邹玉芳"),
    ("NHJD-HB", "湖滨社区", K.VILLAGE, "NHJD", None, ""),
    ("NHJD-NX", "南溪社区", K.VILLAGE, "NHJD", None, ""),
    ("XJJD-XJ", "新嘉社区", K.VILLAGE, "XJJD", None, ""),
    ("DZJD-DS", "东栅社区", K.VILLAGE, "DZJD", None, ""),
    ("QXJD-QX", "七星村", K.VILLAGE, "QXJD", None, ""),
    ("FQZ-LF", "联丰村", K.VILLAGE, "FQZ", None, ""),
    ("FQZ-XM", "新民村", K.VILLAGE, "FQZ", None, ""),
    ("YXZ-YX", "余新村", K.VILLAGE, "YXZ", None, ""),
    ("JJZ1", "区纪委监委第一派驻纪检组", K.INSPECTION_GROUP, "JWJW", None, ""),
    ("JJZ2", "区纪委监委第二派驻纪检组", K.INSPECTION_GROUP, "JWJW", None, ""),
    ("JJZ3", "区纪委监委第三派驻纪检组", K.INSPECTION_GROUP, "JWJW", None, ""),
    ("JJZ4", "区纪委监委第四派驻纪检组", K.INSPECTION_GROUP, "JWJW", None, ""),
]

# (username, full name, role, department code)
USERS = [
    ("office", "法规室 张敏", Role.OFFICE, "QWB"),
    ("leader", "区领导 王书记", Role.LEADER, "QWB"),
    ("inspector", "第一派驻纪检组 刘洋", Role.INSPECTOR, "JJZ1"),
    ("liaison_zzb", "组织部联络员 陈静", Role.LIAISON, "ZZB"),
    ("liaison_sfj", "司法局联络员 杨帆", Role.LIAISON, "SFJ"),
    ("liaison_nanhu", "南湖街道联络员 李娜", Role.LIAISON, "NHJD"),
]


def _seed_departments() -> int:
    existing = {d.code: d for d in Department.objects.all()}
    created = 0
    # Groups first (they are referenced), parents before children: two passes.
    for code, name, kind, parent_code, _group, leader in DEPARTMENTS:
        if code in existing:
            continue
        existing[code] = services.department_create(
            code=code,
            name=name,
            kind=kind,
            parent=existing.get(parent_code) if parent_code else None,
            leader_name=leader,
            sort_order=len(existing),
        )
        created += 1
    for code, _name, _kind, parent_code, group_code, _leader in DEPARTMENTS:
        department = existing[code]
        changes = {}
        if group_code and department.inspection_group_id is None:
            changes["inspection_group"] = existing[group_code]
        if changes:
            services.department_update(department=department, **changes)
        if parent_code and department.parent_id is None:
            services.department_move(
                department=department, parent=existing[parent_code]
            )
    return created


def seed_users(users) -> int:
    """Create the demo users (username, full name, role, department code) not
    there yet; returns how many were created."""
    User = get_user_model()
    created = 0
    for username, full_name, role, code in users:
        if User.objects.filter(username=username).exists():
            continue
        services.user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            department=Department.objects.get(code=code),
            full_name=full_name,
        )
        created += 1
    return created


def _seed_token() -> str:
    username = services.api_client_username(DEMO_API_CLIENT)
    token = Token.objects.filter(user__username=username).first()
    if token is not None:
        return token.key
    return services.api_token_issue(client_name=DEMO_API_CLIENT)


def seed(*, stdout) -> None:
    departments = _seed_departments()
    users = seed_users(USERS)
    _seed_token()
    stdout.write(f"单位：新增 {departments} 个；演示用户：新增 {users} 个。")
