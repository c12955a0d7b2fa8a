"""FilterSets for steps and projects; applied by the selectors."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from config.filters import FlagFilter, IdFilter, YearFilter
from workflows.models import Actor, ExecutionProject, FlowTemplate, Step

FINISHED = [Step.Status.APPROVED, Step.Status.CANCELLED]
LIGHT_CHOICES = [("green", "绿灯"), ("yellow", "黄灯"), ("red", "红灯")]


class StepFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id")
    department = IdFilter(field_name="department_id")
    status = django_filters.ChoiceFilter(choices=Step.Status.choices)
    light = django_filters.ChoiceFilter(choices=LIGHT_CHOICES, method="filter_light")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    unfinished = FlagFilter(method="filter_unfinished")
    code = django_filters.CharFilter(field_name="code")
    actor = django_filters.ChoiceFilter(choices=Actor.choices)

    class Meta:
        model = Step
        fields = [
            "project",
            "department",
            "status",
            "light",
            "overdue",
            "unfinished",
            "code",
            "actor",
        ]

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today  # the day the lights are computed for (step_list)

    def filter_light(self, queryset, name, value):
        """The light's own conditions (selectors.light_case) rather than its
        CASE, so red and yellow read the unfinished steps off their partial
        index (step_unfinished_due) instead of computing every step's light."""
        from workflows.selectors import yellow_until  # selectors import filters

        today = self.today or timezone.localdate()
        unfinished = ~Q(status__in=FINISHED)
        if value == "red":
            return queryset.filter(unfinished, due_on__lt=today)
        until = yellow_until(today)
        if value == "yellow":
            return queryset.filter(unfinished, due_on__gte=today, due_on__lte=until)
        return queryset.filter(Q(status__in=FINISHED) | Q(due_on__gt=until))

    def filter_overdue(self, queryset, name, value):
        overdue = {"due_on__lt": timezone.localdate()}
        if value:
            return queryset.filter(**overdue).exclude(status__in=FINISHED)
        return queryset.exclude(
            pk__in=queryset.filter(**overdue).exclude(status__in=FINISHED).values("pk")
        )

    def filter_unfinished(self, queryset, name, value):
        """Neither approved nor cancelled: the steps a traffic light counts."""
        if value:
            return queryset.exclude(status__in=FINISHED)
        return queryset.filter(status__in=FINISHED)


class ProjectFilter(django_filters.FilterSet):
    year = YearFilter()
    flow = django_filters.ChoiceFilter(choices=FlowTemplate.Code.choices)
    status = django_filters.ChoiceFilter(choices=ExecutionProject.Status.choices)
    department = IdFilter(method="filter_department")
    regulation = IdFilter(field_name="regulation_id")
    light = django_filters.ChoiceFilter(choices=LIGHT_CHOICES, field_name="light")
    q = django_filters.CharFilter(method="filter_keyword")

    class Meta:
        model = ExecutionProject
        fields = ["year", "flow", "status", "department", "regulation", "light", "q"]

    def filter_keyword(self, queryset, name, value):
        """法规名称、文号或牵头单位 contains the words (all of them)."""
        for word in value.split():
            queryset = queryset.filter(
                Q(regulation__title__icontains=word)
                | Q(regulation__document_number__icontains=word)
                | Q(lead_department__name__icontains=word)
            )
        return queryset

    def filter_department(self, queryset, name, value):
        return queryset.filter(
            pk__in=Step.objects.filter(department_id=value).values("project_id")
        )
