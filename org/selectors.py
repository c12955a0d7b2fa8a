"""Reads of departments and memberships, and the one place that decides scope.

Every other app scopes its reads with `visible_departments` / `scope_to_user`, so
what a role may see is decided here once.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from config.filters import filter_apply
from org.filters import DepartmentFilter, UserFilter
from org.models import Department, Membership, Office, Role

ALL_SEEING_ROLES = {Role.OFFICE, Role.LEADER}
OFFICE_WIDE_ROLES = ALL_SEEING_ROLES | {Role.API_CLIENT}
CITY_READ_ONLY = "市委办只能查看各区数据，不能在此修改；请由各区委办办理。"


# What a user is loaded with (org.auth) so membership_of() needs no query
# of its own: the membership, its department and office, LEFT JOINed.
MEMBERSHIP_JOIN = "membership__department__office"


def membership_joined(user) -> None:
    """Keep the membership a user was loaded with (select_related of
    MEMBERSHIP_JOIN) for membership_of(). Only for such a user: on any other
    `user.membership` would be a query of its own."""
    try:
        user._zhigui_membership = user.membership
    except Membership.DoesNotExist:
        user._zhigui_membership = None


def membership_of(user) -> Membership | None:
    """The user's membership, cached on the user object (one query per request;
    none when the request loaded the user with it: membership_joined())."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_zhigui_membership"):
        user._zhigui_membership = (
            Membership.objects.select_related("department__office")
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


def office_of(user) -> Office | None:
    """The office the user works for: their membership department's office.

    A leader or API client without a department belongs to the default office
    (least privilege); a superuser without a membership to none (the whole
    deployment). Cached on the user.
    """
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_zhigui_office"):
        membership = membership_of(user)
        if membership is None:
            office = None
        elif membership.department_id is not None:
            office = membership.department.office
        else:
            office = Office.default()
        user._zhigui_office = office
    return user._zhigui_office


def is_city(user) -> bool:
    """A city office (市委办) user: reads its districts, writes nothing."""
    office = office_of(user)
    return office is not None and office.kind == Office.Kind.CITY


def office_ids_of(user) -> list[int] | None:
    """The offices whose departments an office-wide reader (office staff,
    leader, API client) sees: their own office; a city office's districts and
    itself; None for the whole deployment (a superuser without membership)."""
    if not hasattr(user, "_zhigui_office_ids"):
        office = office_of(user)
        if office is None:
            # Only a superuser without membership reads the whole deployment.
            ids = None if getattr(user, "is_superuser", False) else []
        elif office.kind == Office.Kind.CITY:
            ids = [office.pk, *office.districts.values_list("pk", flat=True)]
        else:
            ids = [office.pk]
        user._zhigui_office_ids = ids
    return user._zhigui_office_ids


def office_choice(user, code: str | None = None) -> Office | None:
    """The office whose rankings or rates the user reads.

    With `code` (Office.code): that office if the user may read it (their own;
    a city office user: one of its districts or itself; a superuser without
    membership: any), else None. Without: the user's own office, a superuser's
    the default office; a city office user's None (they pick a district).
    """
    ids = office_ids_of(user)
    if code:
        office = Office.objects.filter(code=code).first()
        if office is None or (ids is not None and office.pk not in ids):
            return None
        return office
    if ids is None:
        return Office.default()
    office = office_of(user)
    if office is None or office.kind == Office.Kind.CITY:
        return None
    return office


def office_list(*, user) -> QuerySet[Office]:
    """The district offices the user reads (a city office: its districts)."""
    ids = office_ids_of(user)
    qs = Office.objects.filter(kind=Office.Kind.DISTRICT)
    return qs if ids is None else qs.filter(pk__in=ids)


def is_office(user) -> bool:
    """Office staff who may manage (write): a district office's staff or a
    superuser. A city office's staff read only (`is_city`)."""
    return role_of(user) == Role.OFFICE and not is_city(user)


def manages(user, department) -> bool:
    """May this office staff member write for `department`: only their own
    office's departments (a superuser without membership: all)."""
    if not is_office(user):
        return False
    ids = office_ids_of(user)
    return ids is None or department.office_id in ids


def reads_as_office(user) -> bool:
    """Office staff of a district or of the city: the office's read views."""
    return role_of(user) == Role.OFFICE


def sees_office(user) -> bool:
    """Office staff, leaders and machine clients read across their office's
    departments (a city office: its districts')."""
    return role_of(user) in OFFICE_WIDE_ROLES


def sees_everything(user) -> bool:
    """Reads the whole deployment without any filter: only a superuser without
    a membership. Everyone else is scoped (an office-wide reader by office)."""
    return sees_office(user) and office_ids_of(user) is None


def may_write(user) -> bool:
    """False for a city office user: the city reads its districts only."""
    return not is_city(user)


def office_filter(user, field: str = "office_id") -> Q:
    """The rows of the offices an office-wide reader sees (`Q()` for all)."""
    ids = office_ids_of(user)
    if ids is None:
        return Q()
    if not ids:
        return Q(pk__in=[])
    if len(ids) == 1:
        return Q(**{field: ids[0]})
    return Q(**{f"{field}__in": ids})


def stored_count_offices(user) -> list[int] | None:
    """The offices whose stored row counts (the step and notice tallies) may
    give the user's envelope count: an office-wide reader's (office staff,
    leader, API client; a city office's districts and itself), whose scope is
    exactly the rows of those offices' departments. None for anyone else (a
    liaison, an inspector: their departments; a superuser without membership,
    whose scope is not by office)."""
    if not sees_office(user):
        return None
    return office_ids_of(user) or None


def visible_departments(user) -> QuerySet[Department]:
    """Departments whose records the user may read.

    office, leader, api_client: their office's departments (one indexed
    equality on Department.office; a city office: its districts', read-only);
    a superuser without membership: all; liaison: their department and its subtree;
    inspector: what their supervising unit covers (the registered rule, see
    `register_inspector_scope`; by default their group and the departments it
    supervises with their subtrees). Anyone else: none.
    """
    role = role_of(user)
    departments = Department.objects.all()
    if role in OFFICE_WIDE_ROLES:
        return departments.filter(office_filter(user))
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
    if sees_office(user):
        return queryset.filter(office_filter(user, f"{field}__office_id"))
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


def users_of_office(user) -> QuerySet:
    """The accounts an office's staff manage: those whose department is one of
    the office's (a superuser without membership: all)."""
    users = get_user_model().objects.all()
    if user is not None and office_ids_of(user) is not None:
        users = users.filter(office_filter(user, "membership__department__office_id"))
    return users


def user_list(*, filters=None, strict: bool = True, user=None) -> QuerySet:
    """People (not machine clients), active first; `filters` through UserFilter;
    with `user`: only those of the user's office."""
    users = (
        (users_of_office(user) if user is not None else get_user_model().objects)
        .select_related("membership__department")
        .exclude(membership__role=Role.API_CLIENT)
        .order_by("-is_active", "username")
    )
    return filter_apply(UserFilter, users, filters, strict=strict)
