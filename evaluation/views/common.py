"""Shared pieces of the evaluation pages: role sets and query ints."""

from django.http import Http404

from config.filters import MAX_ID, query_int
from org.models import Role
from org.selectors import office_choice, office_list

READERS = {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON}
OFFICE_LEADER = {Role.OFFICE, Role.LEADER}
SUPERVISORS = {Role.OFFICE, Role.LEADER, Role.INSPECTOR}


def _int(value, default=None):
    """A whole number from the request, `default` for anything else."""
    return query_int(value, low=-MAX_ID, default=default)


def office_for(request):
    """The office whose rankings the page shows: `?office=<code>` when the user
    may read it (else 404), the user's own, or a city user's first district."""
    code = request.GET.get("office") or None
    office = office_choice(request.user, code)
    if office is None and not code:
        office = office_list(user=request.user).first()
    if office is None:
        raise Http404("办公室不存在")
    return office
