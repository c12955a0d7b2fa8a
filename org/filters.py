"""FilterSet of departments; applied by org.selectors.department_list
(config.filters.filter_apply), for the pages and the API alike."""

import django_filters
from django.db.models import Q

from config.filters import IdFilter
from org.models import Department, Role


class DepartmentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Department.Kind.choices)
    parent = IdFilter(field_name="parent_id")
    search = django_filters.CharFilter(method="filter_search")
    q = django_filters.CharFilter(method="filter_search", label="搜索(同 search)")

    class Meta:
        model = Department
        fields = ["kind", "parent"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class UserFilter(django_filters.FilterSet):
    """The office's user list: search by name or department, one role."""

    q = django_filters.CharFilter(method="filter_q", label="搜索")
    role = django_filters.ChoiceFilter(
        field_name="membership__role", choices=Role.choices, label="角色"
    )

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(membership__department__name__icontains=value)
        )
