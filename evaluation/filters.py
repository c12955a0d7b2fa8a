"""FilterSets of score sheets and credit records; applied by the
selectors (config.filters.filter_apply), for the pages and the API alike."""

import django_filters
from django.db.models import Q

from config.filters import IdFilter, YearFilter
from evaluation.models import CreditRecord, Evaluation, EvaluationRound

S = EvaluationRound.Status


class ScoreFilter(django_filters.FilterSet):
    year = YearFilter(method="filter_year", min_value=2000, max_value=2100)
    quarter = django_filters.TypedChoiceFilter(
        field_name="round__quarter",
        choices=[(q, q) for q in ("1", "2", "3", "4")],
        coerce=int,
        label="季度(1-4)",
    )
    department = IdFilter(field_name="department_id")
    project = IdFilter(field_name="project_id")
    status = django_filters.ChoiceFilter(
        method="filter_status", choices=[("draft", "draft"), ("published", "published")]
    )

    q = django_filters.CharFilter(method="filter_q", label="搜索")

    class Meta:
        model = Evaluation
        fields = ["year", "quarter", "department", "project", "status"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(department__name__icontains=value)
            | Q(project__regulation__title__icontains=value)
            | Q(round__name__icontains=value)
        )

    def filter_year(self, queryset, name, value):
        """Sheets of the year's rounds, named by their ids (one small query):
        PostgreSQL then reads a district's sheets off the department index and
        keeps those rounds, rather than pairing each round of the year with
        every sheet of the district's departments (a 150-district province:
        the scores/ page query 70 -> 20 ms)."""
        rounds = EvaluationRound.objects.filter(year=value).values_list("pk", flat=True)
        return queryset.filter(round_id__in=list(rounds))

    def filter_status(self, queryset, name, value):
        if value == "published":
            return queryset.filter(round__status=S.PUBLISHED)
        return queryset.filter(round__status__in=[S.DRAFT, S.REVIEWED])


class CreditFilter(django_filters.FilterSet):
    department = IdFilter(field_name="department_id")
    year = YearFilter(min_value=2000, max_value=2100)
    grade = django_filters.CharFilter(field_name="grade")
    q = django_filters.CharFilter(method="filter_q", label="搜索")

    class Meta:
        model = CreditRecord
        fields = ["department", "year", "grade"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(department__name__icontains=value)
