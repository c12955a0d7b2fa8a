"""Reads of departments and memberships, and the one place that decides scope.

Every other app scopes its reads with `visible_departments` / `scope_to_user`, so
what a role may see is decided here once.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from config.filters import filter_apply
from org.filters import DepartmentFilter, UserFilter
from org.models import Department, Membership, Role

ALL_SEEING_ROLES = {Role.OFFICE, Role.LEADER}


def membership_of(user) -> Membership | None:
    """The user's membership, cached on the user object (one query per request)."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_zhigui_membership"):
        user._zhigui_membership = (
            Membership.objects.select_related("department")
            .filter(user_id=user.pk)
            .first()
        )
    return user._zhigui_membership


def role_of(user) -> str | None:
    """The user's role; a superuser without a membership counts as office staff."""
    membership = membership_of(user)
    if membership is not None:
        return membership.role
    if user is not None and user.is_authenticated and user.is_superuser:
        return Role.OFFICE
    return None


def department_of(user) -> Department | None:
    membership = membership_of(user)
    return membership.department if membership else None


def is_office(user) -> bool:
    return role_of(user) == Role.OFFICE


def sees_everything(user) -> bool:
    """Office staff, leaders and machine clients read across all departments."""
    return role_of(user) in ALL_SEEING_ROLES | {Role.API_CLIENT}


def visible_departments(user) -> QuerySet[Department]:
    """Departments whose records the user may read.

    office, leader, api_client: all; liaison: their department and its subtree;
    inspector: what their supervising unit covers (the registered rule, see
    `register_inspector_scope`; by default their group and the departments it
    supervises with their subtrees). Anyone else: none.
    """
    role = role_of(user)
    departments = Department.objects.all()
    if role in ALL_SEEING_ROLES or role == Role.API_CLIENT:
        return departments
    own = department_of(user)
    if own is None:
        return departments.none()
    if role == Role.LIAISON:
        return departments.filter(path__startswith=own.path)
    if role == Role.INSPECTOR:
        if not hasattr(user, "_zhigui_inspector_scope"):
            rule = _inspector_scope or group_scope
            user._zhigui_inspector_scope = rule(own)
        return departments.filter(user._zhigui_inspector_scope)
    return departments.none()


def group_scope(group: Department) -> Q:
    """A 派驻纪检组 sees itself and the departments it supervises, with their
    subtrees (Department.inspection_group)."""
    paths = Department.objects.filter(inspection_group_id=group.pk).values_list(
        "path", flat=True
    )
    condition = Q(pk=group.pk)
    for path in paths:
        condition |= Q(path__startswith=path)
    return condition


# What an inspector sees is decided by the supervision app (室组地: the unit the
# inspector's department is), which this app may not import; it registers its
# rule at start (SupervisionConfig.ready). Without it: `group_scope`.
_inspector_scope: Callable[[Department], Q] | None = None


def register_inspector_scope(rule: Callable[[Department], Q]) -> None:
    global _inspector_scope
    _inspector_scope = rule


def visible_department_ids(user) -> list[int]:
    """The ids of `visible_departments` for a user who does not see everything,
    evaluated once and cached on the user object (one query per request).

    A short list: filtering `department_id = ANY(list)` lets PostgreSQL use an
    index on (department_id, ...), which `IN (subquery)` (above all under an OR)
    does not. Not meant for all-seeing users (check `sees_everything` first).
    """
    if user is None or not user.is_authenticated:
        return []
    if not hasattr(user, "_zhigui_visible_department_ids"):
        user._zhigui_visible_department_ids = list(
            visible_departments(user).order_by().values_list("pk", flat=True)
        )
    return user._zhigui_visible_department_ids


def scope_to_user(queryset: QuerySet, *, user, field: str = "department") -> QuerySet:
    """Keep the rows of `queryset` whose `field` is a department the user may see."""
    if sees_everything(user):
        return queryset
    return queryset.filter(**{f"{field}__in": visible_department_ids(user)})


def can_act_for(user, department_id: int | None) -> bool:
    """May the user act (confirm, submit, answer) in the name of this department?

    Only a liaison of exactly that department: least privilege.
    """
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.LIAISON
        and department_id is not None
        and membership.department_id == department_id
    )


def department_list(*, user, filters=None, strict: bool = True) -> QuerySet[Department]:
    """Departments the user may see; `filters` (query parameters) through
    DepartmentFilter, see filter_apply."""
    qs = visible_departments(user).select_related("parent", "inspection_group")
    return filter_apply(DepartmentFilter, qs, filters, strict=strict)


def user_list(*, filters=None, strict: bool = True) -> QuerySet:
    """People (not machine clients), active first; `filters` through UserFilter."""
    users = (
        get_user_model()
        .objects.select_related("membership__department")
        .exclude(membership__role=Role.API_CLIENT)
        .order_by("-is_active", "username")
    )
    return filter_apply(UserFilter, users, filters, strict=strict)
