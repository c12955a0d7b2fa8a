"""The navigation: each role sees the entries it may use."""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from notices.selectors import notice_unconfirmed_count, sign_inbox_counts
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

# The nav items that show a cheap count (badges()).
NAV_BADGES = ("notices:inbox", "liaison_inbox")


def badges(user, role, names) -> dict[str, int]:
    """The counts of the badges `names` of this user's navigation: a liaison's
    both in one query (sign_inbox_counts), an inspector's one COUNT."""
    if role == LIAISON:
        counts = sign_inbox_counts(user=user)
        return {
            "notices:inbox": counts["notices"],
            "liaison_inbox": counts["notices"] + counts["receipts"],
        }
    return {name: notice_unconfirmed_count(user) for name in names}


def nav_items(request, user, role) -> list[dict]:
    items = []
    for label, name, roles in NAV_ITEMS:
        if role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # that app has no such page (yet)
        items.append(
            {
                "name": name,
                "label": label,
                "url": url,
                "active": request.path.startswith(url),
            }
        )
    # Badges a view already counted (我的待办 lists the very rows) are not
    # counted again.
    known = getattr(request, "nav_badges", {})
    wanted = [i["name"] for i in items if i["name"] in NAV_BADGES]
    missing = [name for name in wanted if name not in known]
    counted = {**(badges(user, role, missing) if missing else {}), **known}
    for item in items:
        if item["name"] in NAV_BADGES:
            item["badge"] = counted[item["name"]]
    if is_city(user):
        # The city office's own page: its districts compared (read-only).
        url = reverse("offices")
        items.insert(
            0, {"label": "各区对比", "url": url, "active": request.path == url}
        )
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of(user)
    return {
        # Built (and its badges counted) only when a template shows it: an
        # htmx fragment or a print page without the menu costs nothing.
        "nav_items": SimpleLazyObject(lambda: nav_items(request, user, role)),
        "user_role": role,
        "user_role_label": Role(role).label if role else "",
        "user_department": department_of(user),
        # Write controls are for a district office's staff (a city reads).
        "is_office": is_office(user),
    }
