"""Reads of notices, scoped by the user (responsibilities.selectors decides)."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from notices.models import ImplementationReport, Notice
from responsibilities.models import Department, Role
from responsibilities.selectors import (
    department_of,
    role_of,
    sees_everything,
    visible_departments,
)

S = Notice.Status
UNCONFIRMED = [S.PENDING, S.SENT]
# A 落实表 is owed and not (yet) in the office's hands.
AWAITING_ANSWER = [S.PENDING, S.SENT, S.CONFIRMED, S.RETURNED]


def _scoped(user) -> QuerySet[Notice]:
    qs = Notice.objects.all()
    if sees_everything(user):
        return qs
    own = department_of(user)
    if own is None:
        return qs.none()
    # A copied department (e.g. the inspection group on a third warning) sees the
    # notice too.
    cc = Notice.cc_departments.through.objects.filter(
        notice_id=OuterRef("pk"), department_id=own.pk
    )
    return qs.filter(Q(department__in=visible_departments(user)) | Exists(cc))


def notice_list(
    *,
    user,
    kind: str | None = None,
    status: str | None = None,
    department: int | None = None,
    project: int | None = None,
    overdue: bool | None = None,
    unconfirmed: bool | None = None,
    q: str | None = None,
) -> QuerySet[Notice]:
    """Notices the user may read, newest first, with what a list row shows.
    `q`: every word in the number, title, receiving department or project."""
    qs = _scoped(user).select_related("department", "project__regulation", "step")
    for word in (q or "").split():
        qs = qs.filter(
            Q(number__icontains=word)
            | Q(title__icontains=word)
            | Q(department__name__icontains=word)
            | Q(project__regulation__title__icontains=word)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(department_id=department)
    if project:
        qs = qs.filter(project_id=project)
    if overdue is not None:
        late = Q(
            kind__in=[Notice.Kind.ASSIGNMENT, Notice.Kind.WARNING],
            due_on__lt=timezone.localdate(),
            status__in=AWAITING_ANSWER,
        )
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if unconfirmed is not None:
        qs = (
            qs.filter(status__in=UNCONFIRMED)
            if unconfirmed
            else qs.exclude(status__in=UNCONFIRMED)
        )
    return qs.order_by("-created_at", "-id")


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
    from notices.models import ReportFile

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
