"""The catalogue's filters, shared by the list page, the export and the API."""

import django_filters
from django.db.models import Q

from config.filters import YearFilter
from regulations.models import Regulation


class RegulationFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label="关键词", help_text="名称、文号或制定机关"
    )
    level = django_filters.ChoiceFilter(
        choices=Regulation.Level.choices, label="效力层级", empty_label="全部层级"
    )
    form = django_filters.ChoiceFilter(
        choices=Regulation.Form.choices, label="名称类别", empty_label="全部类别"
    )
    branch = django_filters.ChoiceFilter(
        choices=Regulation.Branch.choices, label="板块", empty_label="全部板块"
    )
    status = django_filters.ChoiceFilter(
        choices=Regulation.Status.choices, label="时效状态", empty_label="全部状态"
    )
    issuer = django_filters.CharFilter(
        field_name="issuer", lookup_expr="icontains", label="制定机关"
    )
    year = YearFilter(field_name="published_on", lookup_expr="year", label="发布年份")

    class Meta:
        model = Regulation
        fields = ["search", "level", "form", "branch", "status", "issuer", "year"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(document_number__icontains=word)
                | Q(issuer__icontains=word)
            )
        return queryset
