"""FilterSets of the supervision records; applied by the selectors
(config.filters.filter_apply), for the pages and the API alike."""

import django_filters
from django.db.models import Q

from config.filters import IdFilter, YearFilter
from supervision.models import Inspection, Problem


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


class ProblemFilter(django_filters.FilterSet):
    department = IdFilter(field_name="inspection__department_id")
    year = YearFilter(
        field_name="inspection__inspected_on__year", min_value=2000, max_value=2100
    )
    status = django_filters.ChoiceFilter(choices=Problem.Status.choices)
    q = django_filters.CharFilter(method="filter_q", label="搜索")

    class Meta:
        model = Problem
        fields = ["department", "year", "status"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(description__icontains=value)
            | Q(inspection__department__name__icontains=value)
            | Q(inspection__regulation__title__icontains=value)
        )
