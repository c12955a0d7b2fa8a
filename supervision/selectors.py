"""Reads of the supervision app, scoped by the user (see
responsibilities.selectors): an inspector sees what their unit supervises."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from config.filters import filter_apply
from org.models import Department, Role
from org.selectors import (
    department_of,
    group_scope,
    is_office,
    office_filter,
    role_of,
    scope_to_user,
)
from supervision.filters import (
    DutyFilter,
    InspectionFilter,
    PlanFilter,
    ProblemFilter,
)
from supervision.models import (
    Accountability,
    Circular,
    Duty,
    Inspection,
    InspectionPlan,
    Problem,
    SupervisingUnit,
)


def inspection_list(*, user, filters=None, strict: bool = True) -> QuerySet[Inspection]:
    """Inspections the user may read; `filters` through InspectionFilter."""
    role = role_of(user)
    qs = Inspection.objects.select_related(
        "department", "regulation", "project", "inspection_group"
    ).annotate(
        problem_count=Count("problems", distinct=True),
        open_count=Count("problems", filter=~Q(problems__status="rectified")),
    )
    if role not in {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON}:
        return qs.none()
    qs = scope_to_user(qs, user=user)
    qs = filter_apply(InspectionFilter, qs, filters, strict=strict)
    return qs.order_by("-inspected_on", "-id")


def inspection_get(*, user, pk: int) -> Inspection:
    inspection = inspection_list(user=user).filter(pk=pk).first()
    if inspection is None:
        raise Http404("检查记录不存在")
    return inspection


def problem_get(*, user, pk: int) -> Problem:
    qs = scope_to_user(
        Problem.objects.select_related(
            "inspection__department", "inspection__regulation", "assignment"
        ),
        user=user,
        field="inspection__department",
    )
    if role_of(user) == Role.API_CLIENT:
        qs = qs.none()
    problem = qs.filter(pk=pk).first()
    if problem is None:
        raise Http404("问题不存在")
    return problem


def accountability_list(*, user) -> QuerySet[Accountability]:
    if role_of(user) == Role.API_CLIENT:
        return Accountability.objects.none()
    return scope_to_user(
        Accountability.objects.select_related("department", "project__regulation"),
        user=user,
    ).order_by("-decided_on", "-id")


# --- 室组地: what a supervising unit covers ----------------------------------


def unit_scope(department: Department) -> Q:
    """The one rule of what an inspector sees, as a condition on Department:
    the union their unit (the unit whose node is `department`) covers.

    组 (group): itself and the departments it supervises, with their subtrees
    (Department.inspection_group, as before units existed).
    地 (local): the villages and grid units under its town (not the town's own
    records).
    室 (room): the groups and locals assigned to it with all they cover, and the
    towns assigned to it with their subtrees.
    A department that is no unit's node keeps the group rule.
    Registered into responsibilities.selectors.visible_departments by
    SupervisionConfig.ready(), so every scoped read uses it.
    """
    unit = (
        SupervisingUnit.objects.filter(department=department, is_active=True)
        .prefetch_related("covers_departments", "covers_units__covers_departments")
        .first()
    )
    if unit is None or unit.kind == SupervisingUnit.Kind.GROUP:
        return group_scope(department)
    condition = Q(pk=department.pk)
    units = [unit]
    if unit.kind == SupervisingUnit.Kind.ROOM:
        units += [u for u in unit.covers_units.all() if u.is_active]
    group_ids = []
    for each in units:
        condition |= Q(pk=each.department_id)
        if each.kind == SupervisingUnit.Kind.GROUP:
            group_ids.append(each.department_id)
        for town in each.covers_departments.all():
            subtree = Q(path__startswith=town.path)
            if each.kind == SupervisingUnit.Kind.LOCAL:
                subtree &= ~Q(pk=town.pk)
            condition |= subtree
    if group_ids:
        paths = Department.objects.filter(inspection_group_id__in=group_ids)
        for path in paths.values_list("path", flat=True):
            condition |= Q(path__startswith=path)
    return condition


def unit_of(user) -> SupervisingUnit | None:
    """The supervising unit an inspector belongs to (their department's)."""
    if role_of(user) != Role.INSPECTOR:
        return None
    department = department_of(user)
    if department is None:
        return None
    return SupervisingUnit.objects.filter(department=department).first()


def supervising_unit_list(*, user, kind: str | None = None):
    """Units the user may read: office and leaders all; an inspector their own
    unit and the units it covers; anyone else none."""
    qs = SupervisingUnit.objects.filter(is_active=True)
    role = role_of(user)
    if role in {Role.OFFICE, Role.LEADER}:
        qs = qs.filter(office_filter(user, "department__office_id"))
    elif role == Role.INSPECTOR:
        own = unit_of(user)
        if own is None:
            return qs.none()
        qs = qs.filter(Q(pk=own.pk) | Q(covered_by=own)).distinct()
    else:
        return qs.none()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("department").prefetch_related(
        "covers_units", "covers_departments", "department__supervised_departments"
    )


# --- plans ---------------------------------------------------------------------


def plan_list(
    *,
    user,
    unit: int | None = None,
    department: int | None = None,
    status: str | None = None,
    due_before=None,
    filters=None,
):
    """Plans the user may read: office and leaders all; an inspector those of
    the departments their unit covers (a room: its groups' plans). Plans may
    announce an unannounced visit, so liaisons and API clients see none."""
    role = role_of(user)
    qs = InspectionPlan.objects.select_related(
        "unit", "department", "regulation", "inspection"
    )
    if role not in {Role.OFFICE, Role.LEADER, Role.INSPECTOR}:
        return qs.none()
    qs = scope_to_user(qs, user=user)
    if unit:
        qs = qs.filter(unit_id=unit)
    if department:
        qs = qs.filter(department_id=department)
    if status:
        qs = qs.filter(status=status)
    if due_before:
        qs = qs.filter(due_on__lt=due_before)
    qs = filter_apply(PlanFilter, qs, filters, strict=False)
    return qs.order_by("due_on", "id")


# --- problems ------------------------------------------------------------------


def problem_list(
    *,
    user,
    department: int | None = None,
    status: str | None = None,
    year: int | None = None,
    filters=None,
    strict: bool = True,
) -> QuerySet[Problem]:
    """Problems the user may read (by the inspected department's scope: a
    liaison sees their own department's); API clients none. `filters` (the
    page's query parameters) through ProblemFilter."""
    if role_of(user) not in {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON}:
        return Problem.objects.none()
    qs = scope_to_user(
        Problem.objects.select_related(
            "inspection__department", "inspection__regulation", "assignment"
        ),
        user=user,
        field="inspection__department",
    )
    if department:
        qs = qs.filter(inspection__department_id=department)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(inspection__inspected_on__year=year)
    qs = filter_apply(ProblemFilter, qs, filters, strict=strict)
    return qs.order_by("-id")


# --- circulars ---------------------------------------------------------------------


def circular_list(*, user, kind: str | None = None, year: int | None = None):
    """Circulars the user may read: the office all, drafts included; leaders,
    inspectors and API clients the issued ones; a liaison the issued ones sent
    to all or to their department."""
    role = role_of(user)
    # An office's circulars (a city office: its districts'); drafts for the
    # office's own staff only.
    qs = Circular.objects.select_related("round").filter(office_filter(user))
    if is_office(user):
        pass
    elif role in {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.API_CLIENT}:
        qs = qs.filter(status=Circular.Status.ISSUED)
    elif role == Role.LIAISON:
        own = department_of(user)
        qs = qs.filter(status=Circular.Status.ISSUED).filter(
            Q(to_all=True) | Q(departments=own)
        )
    else:
        return qs.none()
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    return (
        qs.prefetch_related("departments")
        .distinct()
        .order_by("-year", "-issued_on", "-id")
    )


def circular_get(*, user, pk: int):
    circular = circular_list(user=user).filter(pk=pk).first()
    if circular is None:
        raise Http404("通报不存在")
    return circular


def circular_receipts(*, circular) -> list:
    """Each recipient's 告知单 of an issued circular, with its confirmation."""
    return list(
        circular.notices.select_related("department").order_by(
            "department__sort_order", "department__code"
        )
    )


# --- duties ---------------------------------------------------------------------


def duty_list(
    *, user, status: str | None = None, year: int | None = None, filters=None
):
    """Duties the user may read: by department scope (a liaison their own
    department's, the office all); API clients none."""
    if role_of(user) not in {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON}:
        return Duty.objects.none()
    qs = scope_to_user(Duty.objects.select_related("department", "row"), user=user)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(due_on__year=year)
    qs = filter_apply(DutyFilter, qs, filters, strict=False)
    return qs.order_by("status", "due_on", "id")


def duty_get(*, user, pk: int):
    duty = duty_list(user=user).filter(pk=pk).first()
    if duty is None:
        raise Http404("事项不存在")
    return duty


def problem_for_notice(*, pk: int) -> Problem | None:
    """A problem for a hand-issued notice (notices.hooks.problem_lookup)."""
    return (
        Problem.objects.select_related("inspection__department", "inspection__project")
        .filter(pk=pk)
        .first()
    )
