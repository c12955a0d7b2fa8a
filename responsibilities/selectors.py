"""Reads of the four responsibility lists, scoped by `org.selectors`."""

from django.db.models import Count, Q, QuerySet

from config.filters import filter_apply
from org.models import Department
from org.selectors import sees_everything, visible_departments
from regulations.models import Regulation
from responsibilities.filters import ResponsibilityFilter
from responsibilities.models import ResponsibilityList

# --- the four responsibility lists ------------------------------------------------


def responsibility_list(
    *,
    user,
    kind: str | None = None,
    regulation: int | None = None,
    include_inactive: bool = False,
    filters=None,
    strict: bool = True,
) -> QuerySet:
    """Rows of the four lists the user may see, ready to serialize; `filters`
    (query parameters) through ResponsibilityFilter, see filter_apply.

    A row is visible when its department, one of its partners or its inspection
    group is a department the user may see. The `department` filter keeps the
    rows where that department leads/is responsible or is a partner.
    """
    qs = ResponsibilityList.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if not sees_everything(user):
        visible = visible_departments(user).values("pk")
        through = ResponsibilityList.partner_departments.through
        qs = qs.filter(
            Q(department__in=visible)
            | Q(inspection_group__in=visible)
            | Q(
                pk__in=through.objects.filter(department__in=visible).values(
                    "responsibilitylist_id"
                )
            )
        )
    if kind:
        qs = qs.filter(kind=kind)
    if regulation:
        qs = qs.filter(regulation_id=regulation)
    qs = filter_apply(ResponsibilityFilter, qs, filters, strict=strict)
    return qs.select_related(
        "regulation", "department", "inspection_group"
    ).prefetch_related("partner_departments")


def lead_for_regulation(*, regulation_id: int):
    """The active lead row of a regulation, or None (other apps launch from it)."""
    return (
        ResponsibilityList.objects.filter(
            kind=ResponsibilityList.Kind.LEAD,
            regulation_id=regulation_id,
            is_active=True,
        )
        .select_related("department")
        .prefetch_related("partner_departments")
        .first()
    )


def regulations_without_lead() -> QuerySet:
    """Regulations in force with no active lead department (the coverage gap)."""
    leads = ResponsibilityList.objects.filter(
        kind=ResponsibilityList.Kind.LEAD, is_active=True
    ).values("regulation_id")
    return Regulation.objects.filter(
        status=Regulation.Status.IN_FORCE, is_deleted=False
    ).exclude(pk__in=leads)


def departments_leading_most(*, limit: int = 15) -> QuerySet[Department]:
    """Departments ordered by how many in-force regulations they lead."""
    return (
        Department.objects.annotate(
            lead_count=Count(
                "responsibilities",
                filter=Q(
                    responsibilities__kind="lead",
                    responsibilities__is_active=True,
                    responsibilities__regulation__status="in_force",
                ),
            )
        )
        .filter(lead_count__gt=0)
        .order_by("-lead_count", "sort_order", "code")[:limit]
    )


def regulation_responsibilities(*, regulation: Regulation, user) -> QuerySet:
    """The rows of the four lists for this regulation that the user may see
    (the catalogue shows them through regulations.hooks)."""
    return responsibility_list(user=user, regulation=regulation.pk)


def regulation_deletion_refusal(*, regulation: Regulation) -> str | None:
    """Why the catalogue may not delete this regulation, if a list row uses it."""
    if ResponsibilityList.objects.filter(
        regulation=regulation, is_active=True
    ).exists():
        return "该法规已列入责任清单，不能删除；如已失效，请标记为“已废止”"
    return None
