"""FilterSets of departments and the four lists; applied by the selectors
(config.filters.filter_apply), for the pages and the API alike."""

import django_filters
from django.db.models import Q

from config.filters import IdFilter
from responsibilities.models import Department, ResponsibilityList, Role

L = ResponsibilityList


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


def involving_department(queryset, *, department_id: int):
    """List rows where the department is responsible (or supervised) or a partner."""
    through = L.partner_departments.through
    return queryset.filter(
        Q(department_id=department_id)
        | Q(
            pk__in=through.objects.filter(department_id=department_id).values(
                "responsibilitylist_id"
            )
        )
    )


class ResponsibilityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=L.Kind.choices)
    regulation = IdFilter(field_name="regulation_id")
    department = IdFilter(method="filter_department", label="责任单位或配合部门")
    q = django_filters.CharFilter(method="filter_q", label="搜索")
    flow = django_filters.ChoiceFilter(
        field_name="default_flow", choices=L.Flow.choices, label="繁简分流"
    )
    type = django_filters.ChoiceFilter(
        method="filter_type",
        choices=[*L.DriverType.choices, *L.SafeguardType.choices],
        label="机制或要素类型",
    )

    class Meta:
        model = ResponsibilityList
        fields = ["kind", "regulation", "department"]

    def filter_department(self, queryset, name, value):
        return involving_department(queryset, department_id=value)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(regulation__title__icontains=value)
            | Q(mechanism__icontains=value)
            | Q(duty__icontains=value)
            | Q(requirement__icontains=value)
            | Q(focus__icontains=value)
            | Q(department__name__icontains=value)
        )

    def filter_type(self, queryset, name, value):
        # 动力机制 rows carry a driver type, 保障要素 rows an element type.
        return queryset.filter(Q(driver_type=value) | Q(element_type=value))


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
