"""What the demo shows on screen once every app has seeded its part."""

import unicodedata

from rest_framework.authtoken.models import Token

from org import demo
from org import services as org_services
from org.models import Department, Role
from portal import demo_city


def _pad(text: str, width: int) -> str:
    """Left-justify to a terminal width (a Chinese character takes two columns)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - shown, 1)


def print_accounts(*, stdout) -> None:
    """The demo accounts table, printed last by seed_demo (`make run` shows it)."""
    departments = dict(Department.objects.values_list("code", "name"))
    token = Token.objects.filter(
        user__username=org_services.api_client_username(demo.DEMO_API_CLIENT)
    ).first()
    stdout.write("")
    stdout.write(f"演示账号(密码均为 {demo.DEMO_PASSWORD})：")
    stdout.write("  " + _pad("用户名", 16) + _pad("角色", 16) + "单位")
    for username, _name, role, code in [*demo.USERS, *demo_city.USERS]:
        stdout.write(
            "  "
            + _pad(username, 16)
            + _pad(Role(role).label, 16)
            + departments.get(code, "")
        )
    if token is not None:
        client = org_services.api_client_username(demo.DEMO_API_CLIENT)
        stdout.write(f"  接口客户端 {client} 的只读令牌：{token.key}")
    stdout.write("")
