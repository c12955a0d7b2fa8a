"""The navigation: each role sees the entries it may use."""

from django.urls import NoReverseMatch, reverse

from notices.selectors import notice_unconfirmed_count, sign_inbox_count
from org.models import Role
from org.selectors import department_of, is_city, is_office, role_of

OFFICE = Role.OFFICE
LIAISON = Role.LIAISON
INSPECTOR = Role.INSPECTOR
LEADER = Role.LEADER

# (label, url name, roles that see it)
NAV_ITEMS = [
    ("驾驶舱", "evaluation:dashboard", {OFFICE, LEADER}),
    ("我的待办", "liaison_inbox", {LIAISON}),
    ("执行项目", "workflows:overview", {OFFICE, LEADER, INSPECTOR, LIAISON}),
    ("三单一表", "notices:inbox", {LIAISON, INSPECTOR}),
    ("通知登记", "notices:register", {OFFICE, LEADER}),
    ("法规目录", "regulations:list", {OFFICE, LEADER, INSPECTOR, LIAISON}),
    ("责任清单", "responsibilities:list", {OFFICE, LEADER, INSPECTOR, LIAISON}),
    ("评价排名", "evaluation:rankings", {OFFICE, LEADER, INSPECTOR, LIAISON}),
    ("监督检查", "supervision:inspections", {OFFICE, INSPECTOR, LEADER}),
    ("日常执规", "supervision:duties", {LIAISON}),
    ("用户与令牌", "responsibilities:users", {OFFICE}),
    ("工作日历", "workflows:calendar", {OFFICE}),
]

# url name -> function(user) -> int: a cheap count shown on the nav item.
NAV_BADGES = {
    "notices:inbox": notice_unconfirmed_count,
    "liaison_inbox": lambda user: sign_inbox_count(user=user),
}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of(user)
    items = []
    # Badges a view already counted (我的待办 lists the very rows).
    known = getattr(request, "nav_badges", {})
    for label, name, roles in NAV_ITEMS:
        if role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # that app has no such page (yet)
        item = {"label": label, "url": url, "active": request.path.startswith(url)}
        if name in NAV_BADGES:
            item["badge"] = known[name] if name in known else NAV_BADGES[name](user)
        items.append(item)
    if is_city(user):
        # The city office's own page: its districts compared (read-only).
        url = reverse("offices")
        items.insert(
            0, {"label": "各区对比", "url": url, "active": request.path == url}
        )
    return {
        "nav_items": items,
        "user_role": role,
        "user_role_label": Role(role).label if role else "",
        "user_department": department_of(user),
        # Write controls are for a district office's staff (a city reads).
        "is_office": is_office(user),
    }
