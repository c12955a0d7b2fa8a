"""The home page (a to-do per role, then the menu as tiles) and a liaison's
one inbox."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.pages import page_errors
from notices import selectors as notices_selectors
from notices import services as notices_services
from org.models import Role
from org.permissions import role_required
from org.selectors import is_city, role_of, sees_everything
from portal import selectors

TODO_BY_ROLE = {
    Role.OFFICE: selectors.office_todo,
    Role.LIAISON: selectors.liaison_todo,
    Role.LEADER: selectors.leader_todo,
    Role.INSPECTOR: selectors.inspector_todo,
}


@login_required
def home(request):
    role = role_of(request.user)
    # A city office reads only: its home leads to the districts' comparison.
    city = is_city(request.user)
    todo_for = None if city else TODO_BY_ROLE.get(role)
    kwargs = {"user": request.user}
    if todo_for is selectors.liaison_todo:
        # One query for the 待签收 tile and both navigation badges.
        sign = notices_selectors.sign_inbox_counts(user=request.user)
        kwargs["sign"] = sign
        request.nav_badges = {
            "notices:inbox": sign["notices"],
            "liaison_inbox": sign["notices"] + sign["receipts"],
        }
    context = {"todo": todo_for(**kwargs) if todo_for else []}
    if role == Role.LEADER and not city:
        context.update(selectors.leader_overview(user=request.user))
    return render(request, "home.html", context)


@role_required({Role.LIAISON})
def inbox(request):
    """我的待办: what to sign, each item once (a 告知单 with its 回执), then the
    steps to work on."""
    inbox = selectors.liaison_inbox(user=request.user)
    if inbox["counted"]:
        # The navigation's badges count these very rows: no COUNT again.
        request.nav_badges = {
            "liaison_inbox": inbox["sign_count"],
            "notices:inbox": len(inbox["notices"]),
        }
    return render(request, "portal/inbox.html", inbox)


@require_POST
@role_required({Role.LIAISON})
def inbox_confirm(request):
    """签收 the ticked items (or all of them: 全部签收) in one round trip."""
    sign = notices_selectors.sign_inbox(user=request.user)
    notices, receipts = sign["notices"], sign["receipts"]
    if "all" not in request.POST:
        # one checkbox name for both kinds (全选 counts them together):
        # "n<id>" a notice, "r<id>" a receipt no 告知单 asks for
        items = request.POST.getlist("items")
        notices = notices.filter(pk__in=_ids(items, "n"))
        receipts = receipts.filter(pk__in=_ids(items, "r"))
    notices, receipts = list(notices), list(receipts)
    if not notices and not receipts:
        messages.error(request, "请先勾选要签收的事项。")
        return redirect("liaison_inbox")
    with page_errors(request) as outcome:
        count = notices_services.inbox_confirm_many(
            notices=notices, receipts=receipts, actor=request.user
        )
    if not outcome.failed:
        messages.success(request, f"已签收{count}项（告知单的回执一并确认）。")
    return redirect("liaison_inbox")


def _ids(values, prefix: str) -> list[int]:
    return [
        int(value[1:])
        for value in values
        if value[:1] == prefix and value[1:].isdigit() and len(value) < 20
    ]


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
def offices(request):
    """The city office's comparison of its districts (read-only)."""
    if not (is_city(request.user) or sees_everything(request.user)):
        raise PermissionDenied("只有市委办可以查看各区对比。")
    year = _int(request.GET.get("year"), timezone.localdate().year)
    year = year if 2000 <= year <= 2100 else timezone.localdate().year
    quarter = _int(request.GET.get("quarter"), 0)
    quarter = quarter if quarter in (1, 2, 3, 4) else 0
    rows = selectors.office_comparison(
        user=request.user, year=year, quarter=quarter or None
    )
    return render(
        request,
        "portal/offices.html",
        {
            "rows": rows,
            "year": year,
            "quarter": quarter,
            "computed_at": rows[0]["computed_at"] if rows else None,
        },
    )
