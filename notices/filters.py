"""FilterSets of the notices; applied by the selectors (config.filters.filter_apply)."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from config.filters import FlagFilter, IdOrNothingFilter
from notices.models import Notice

S = Notice.Status
UNCONFIRMED = [S.PENDING, S.SENT]
# A 落实表 is owed and not (yet) in the office's hands.
AWAITING_ANSWER = [S.PENDING, S.SENT, S.CONFIRMED, S.RETURNED]


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Notice.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Notice.Status.choices)
    department = IdOrNothingFilter(field_name="department_id")
    project = IdOrNothingFilter(field_name="project_id")
    overdue = FlagFilter(method="filter_overdue")
    unconfirmed = FlagFilter(method="filter_unconfirmed")
    awaiting = FlagFilter(method="filter_awaiting")
    receipt_late = FlagFilter(method="filter_receipt_late")
    q = django_filters.CharFilter(method="filter_q", label="搜索")

    class Meta:
        model = Notice
        fields = [
            "kind",
            "status",
            "department",
            "project",
            "overdue",
            "unconfirmed",
            "awaiting",
            "receipt_late",
        ]

    def filter_q(self, queryset, name, value):
        """Every word in the number, title, receiving department or project."""
        for word in value.split():
            queryset = queryset.filter(
                Q(number__icontains=word)
                | Q(title__icontains=word)
                | Q(department__name__icontains=word)
                | Q(project__regulation__title__icontains=word)
            )
        return queryset

    def filter_overdue(self, queryset, name, value):
        late = Q(
            kind__in=[Notice.Kind.ASSIGNMENT, Notice.Kind.WARNING],
            due_on__lt=timezone.localdate(),
            status__in=AWAITING_ANSWER,
        )
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_unconfirmed(self, queryset, name, value):
        unconfirmed = Q(status__in=UNCONFIRMED)
        return queryset.filter(unconfirmed) if value else queryset.exclude(unconfirmed)

    def filter_awaiting(self, queryset, name, value):
        """交办单 and 警示单 owing a 落实表: none submitted yet, or sent back."""
        awaiting = Q(
            kind__in=[Notice.Kind.ASSIGNMENT, Notice.Kind.WARNING],
            status__in=AWAITING_ANSWER,
        )
        return queryset.filter(awaiting) if value else queryset.exclude(awaiting)

    def filter_receipt_late(self, queryset, name, value):
        """告知单 still unconfirmed after their 回执时限: the receipts to chase (a
        告知单's confirmation is its project's receipt, and back)."""
        late = Q(
            kind=Notice.Kind.NOTIFICATION,
            status__in=UNCONFIRMED,
            due_on__lt=timezone.localdate(),
        )
        return queryset.filter(late) if value else queryset.exclude(late)
