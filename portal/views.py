"""The home page: a to-do per role, then the menu as tiles."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from org.models import Role
from org.selectors import is_city, role_of, sees_everything
from portal import selectors

TODO_BY_ROLE = {
    Role.OFFICE: selectors.office_todo,
    Role.LIAISON: selectors.liaison_todo,
}


@login_required
def home(request):
    # A city office reads only: its home leads to the districts' comparison.
    todo_for = (
        None if is_city(request.user) else TODO_BY_ROLE.get(role_of(request.user))
    )
    todo = todo_for(user=request.user) if todo_for else []
    return render(request, "home.html", {"todo": todo})


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
        {"rows": rows, "year": year, "quarter": quarter},
    )
