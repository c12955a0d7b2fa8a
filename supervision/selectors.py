"""Reads of the supervision app, scoped by the user (see
responsibilities.selectors): an inspector sees what their unit supervises."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from responsibilities.models import Role
from responsibilities.selectors import role_of, scope_to_user
from supervision.models import Accountability, Inspection, Problem


def inspection_list(*, user, department=None) -> QuerySet[Inspection]:
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
    if department:
        qs = qs.filter(department_id=department)
    return qs.order_by("-inspected_on", "-id")


def inspection_get(*, user, pk: int) -> Inspection:
    inspection = inspection_list(user=user).filter(pk=pk).first()
    if inspection is None:
        raise Http404("检查记录不存在")
    return inspection


def problem_get(*, user, pk: int) -> Problem:
    qs = scope_to_user(
        Problem.objects.select_related("inspection__department", "assignment"),
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
