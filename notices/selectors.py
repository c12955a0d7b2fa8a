"""Reads of notices, scoped by the user (responsibilities.selectors decides)."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from config.filters import filter_apply
from notices.filters import UNCONFIRMED, NoticeFilter
from notices.models import ImplementationReport, Notice, ReportFile
from org.models import Department, Role
from org.selectors import (
    department_of,
    office_filter,
    role_of,
    sees_office,
    visible_departments,
)


def _scoped(user) -> QuerySet[Notice]:
    qs = Notice.objects.all()
    if sees_office(user):
        return qs.filter(office_filter(user, "department__office_id"))
    own = department_of(user)
    if own is None:
        return qs.none()
    # A copied department (e.g. the inspection group on a third warning) sees the
    # notice too.
    cc = Notice.cc_departments.through.objects.filter(
        notice_id=OuterRef("pk"), department_id=own.pk
    )
    return qs.filter(Q(department__in=visible_departments(user)) | Exists(cc))


def notice_list(*, user, filters=None, strict: bool = True) -> QuerySet[Notice]:
    """Notices the user may read, newest first, with what a list row shows;
    `filters` (query parameters) through NoticeFilter, see filter_apply."""
    qs = _scoped(user).select_related("department", "project__regulation", "step")
    return filter_apply(NoticeFilter, qs, filters, strict=strict).order_by(
        "-created_at", "-id"
    )


def notice_get(*, user, pk) -> Notice:
    """One notice the user may read, with its history; 404 outside the scope."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    notice = (
        _scoped(user)
        .select_related(
            "department",
            "project__regulation",
            "step",
            "receipt",
            "source_notice",
            "created_by",
            "confirmed_by",
        )
        .prefetch_related(
            "cc_departments",
            "events__actor",
            "deliveries__department",
            Prefetch(
                "reports",
                queryset=ImplementationReport.objects.select_related(
                    "submitted_by", "reviewed_by"
                ).prefetch_related("files"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        raise Http404("通知单不存在")
    return notice


def notice_unconfirmed_count(user) -> int:
    """The navigation badge: notices to the user's own department not yet
    confirmed. One indexed COUNT (department, status)."""
    if role_of(user) not in (Role.LIAISON, Role.INSPECTOR):
        return 0
    own = department_of(user)
    if own is None:
        return 0
    return Notice.objects.filter(department=own, status__in=UNCONFIRMED).count()


def unconfirmed_by_department(*, user, limit: int = 50):
    """Who has not confirmed: departments with notices still unconfirmed, most
    first (one grouped query)."""
    notices = _scoped(user).filter(status__in=UNCONFIRMED)
    return list(
        Department.objects.filter(pk__in=notices.values("department_id"))
        .annotate(
            unconfirmed=Count("notices", filter=Q(notices__status__in=UNCONFIRMED))
        )
        .order_by("-unconfirmed", "sort_order", "code")[:limit]
    )


def report_file_get(*, user, pk):
    file = ReportFile.objects.select_related("report__notice").filter(pk=pk).first()
    if file is None:
        raise Http404
    notice_get(user=user, pk=file.report.notice_id)  # 404 outside the scope
    return file


def report_get(*, user, pk) -> ImplementationReport:
    """One 落实表 the user may read (its notice's scope); 404 outside it."""
    report = (
        ImplementationReport.objects.select_related("notice__department")
        .prefetch_related("files")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("落实表不存在")
    notice_get(user=user, pk=report.notice_id)  # 404 outside the scope
    return report
