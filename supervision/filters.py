"""FilterSets of the supervision records; applied by the selectors
(config.filters.filter_apply), for the pages and the API alike."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone

from config.filters import FlagFilter, IdFilter, YearFilter
from supervision.models import Duty, Inspection, InspectionPlan, Problem

# "Due soon" on the home pages' to-do: within this many days, or already late.
DUE_SOON_DAYS = 7
# A problem is open until it is rectified or closed unresolved (销号).
PROBLEM_CLOSED = [Problem.Status.RECTIFIED, Problem.Status.CLOSED_UNRESOLVED]


def _due_soon(queryset, value, done_status):
    soon = Q(due_on__lte=timezone.localdate() + datetime.timedelta(DUE_SOON_DAYS))
    soon &= ~Q(status=done_status)
    return queryset.filter(soon) if value else queryset.exclude(soon)


class InspectionFilter(django_filters.FilterSet):
    """An empty value is no filter (django-filter skips it)."""

    department = IdFilter(field_name="department_id")
    year = YearFilter(field_name="inspected_on__year", min_value=2000, max_value=2100)
    kind = django_filters.ChoiceFilter(choices=Inspection.Kind.choices)
    q = django_filters.CharFilter(method="filter_q", label="搜索")

    class Meta:
        model = Inspection
        fields = ["department", "year", "kind"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(department__name__icontains=value)
            | Q(regulation__title__icontains=value)
            | Q(inspectors__icontains=value)
            | Q(summary__icontains=value)
        )


class PlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InspectionPlan.Status.choices)
    due_soon = FlagFilter(method="filter_due_soon")

    class Meta:
        model = InspectionPlan
        fields = ["status", "due_soon"]

    def filter_due_soon(self, queryset, name, value):
        """Not yet inspected and due within DUE_SOON_DAYS days, or overdue."""
        return _due_soon(queryset, value, InspectionPlan.Status.DONE)


class DutyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Duty.Status.choices)
    due_soon = FlagFilter(method="filter_due_soon")

    class Meta:
        model = Duty
        fields = ["status", "due_soon"]

    def filter_due_soon(self, queryset, name, value):
        """Not yet done and due within DUE_SOON_DAYS days, or overdue."""
        return _due_soon(queryset, value, Duty.Status.DONE)


class ProblemFilter(django_filters.FilterSet):
    department = IdFilter(field_name="inspection__department_id")
    year = YearFilter(
        field_name="inspection__inspected_on__year", min_value=2000, max_value=2100
    )
    status = django_filters.ChoiceFilter(choices=Problem.Status.choices)
    unresolved = FlagFilter(method="filter_unresolved")
    q = django_filters.CharFilter(method="filter_q", label="搜索")

    class Meta:
        model = Problem
        fields = ["department", "year", "status", "unresolved"]

    def filter_unresolved(self, queryset, name, value):
        """Neither rectified nor closed: the problems still to chase."""
        if value:
            return queryset.exclude(status__in=PROBLEM_CLOSED)
        return queryset.filter(status__in=PROBLEM_CLOSED)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(description__icontains=value)
            | Q(inspection__department__name__icontains=value)
            | Q(inspection__regulation__title__icontains=value)
        )
