"""Reads of notices, scoped by the user (responsibilities.selectors decides)."""

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404

from config.api import CountedRows
from config.filters import filter_apply, filter_values
from notices.filters import UNCONFIRMED, NoticeFilter
from notices.models import ImplementationReport, Notice, NoticeTally, ReportFile
from org.models import Department, Role
from org.selectors import (
    department_of,
    office_filter,
    role_of,
    sees_office,
    stored_count_offices,
    visible_department_ids,
)
from workflows.models import ExecutionProject, Receipt


def _scoped(user) -> QuerySet[Notice]:
    qs = Notice.objects.all()
    if sees_office(user):
        return qs.filter(office_filter(user, "department__office_id"))
    own = department_of(user)
    if own is None:
        return qs.none()
    # A copied department (e.g. the inspection group on a third warning) sees the
    # notice too. Both branches are short id lists (`= ANY(...)`), so PostgreSQL
    # ORs two index scans (department_id, created_at) and the primary key; the
    # former `department IN (subquery) OR EXISTS(cc)` scanned every notice.
    copied = list(
        Notice.cc_departments.through.objects.filter(department_id=own.pk).values_list(
            "notice_id", flat=True
        )
    )
    scope = Q(department_id__in=visible_department_ids(user))
    if copied:
        scope |= Q(pk__in=copied)
    return qs.filter(scope)


def notice_list(*, user, filters=None, strict: bool = True) -> QuerySet[Notice]:
    """Notices the user may read, newest first, with what a list row shows;
    `filters` (query parameters) through NoticeFilter, see filter_apply."""
    qs = _scoped(user).select_related("department", "project__regulation", "step")
    return filter_apply(NoticeFilter, qs, filters, strict=strict).order_by(
        "-created_at", "-id"
    )


def notice_count(*, user, filters, notices: QuerySet[Notice]):
    """The number of `notices` (notice_list for `user` and `filters`), as a
    function the paginator calls.

    For an office-wide reader filtering by nothing but `kind`: the offices'
    stored counts per kind (NoticeTally) summed, and a live COUNT only for
    offices not counted yet; a few rows read instead of every notice of a
    city or a province. It holds because such a reader's scope is the notices
    of its offices' departments, which is what each office's tally counts by
    kind (a notice's kind never changes). Any other filter (statuses move) or
    reader (a liaison, an inspector, copies) counts live."""
    offices = stored_count_offices(user)
    values = filter_values(NoticeFilter, filters)
    if offices is None or values is None or set(values) - {"kind"}:
        return notices.count
    kinds = [values["kind"]] if "kind" in values else Notice.Kind.values

    def count() -> int:
        stored: dict[int, int] = {}
        seen: dict[int, int] = {}
        rows = NoticeTally.objects.filter(office_id__in=offices, kind__in=kinds)
        for office_id, n in rows.values_list("office_id", "notices"):
            stored[office_id] = stored.get(office_id, 0) + n
            seen[office_id] = seen.get(office_id, 0) + 1
        uncounted = [pk for pk in offices if seen.get(pk) != len(kinds)]
        total = sum(n for pk, n in stored.items() if pk not in uncounted)
        if uncounted:
            total += Notice.objects.filter(
                department__office_id__in=uncounted, kind__in=kinds
            ).count()
        return total

    return count


def notice_page_rows(*, user, filters=None) -> CountedRows:
    """notice_list() to paginate (the notices/ API), counted by notice_count."""
    notices = notice_list(user=user, filters=filters)
    return CountedRows(
        notices, count=notice_count(user=user, filters=filters, notices=notices)
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
    first. The unconfirmed notices are grouped by department on the
    (department, status) index, not every notice of every department joined
    and counted; then the page's departments are loaded (two queries)."""
    counts = list(
        _scoped(user)
        .filter(status__in=UNCONFIRMED)
        .order_by()
        .values("department_id")
        .annotate(unconfirmed=Count("id"))
        .order_by("-unconfirmed", "department__sort_order", "department__code")[:limit]
    )
    departments = Department.objects.in_bulk([row["department_id"] for row in counts])
    result = []
    for row in counts:
        department = departments[row["department_id"]]
        department.unconfirmed = row["unconfirmed"]
        result.append(department)
    return result


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


def sign_inbox(*, user) -> dict:
    """A liaison's one inbox of things to sign (签收), each item once: the
    unconfirmed notices to their own department (a 告知单 carries its project's
    回执: confirming one confirms the other) and the unconfirmed receipts no
    告知单 asks for (a project launched before its notices). Two querysets;
    empty for anyone but a liaison with a department."""
    own = department_of(user)
    if own is None or role_of(user) != Role.LIAISON:
        return {"notices": Notice.objects.none(), "receipts": Receipt.objects.none()}
    notices = (
        Notice.objects.filter(department=own, status__in=UNCONFIRMED)
        .select_related("project__regulation", "step", "receipt")
        .order_by("due_on", "created_at", "id")
    )
    with_notice = Notice.objects.filter(
        receipt_id=OuterRef("pk"), kind=Notice.Kind.NOTIFICATION
    )
    receipts = (
        Receipt.objects.filter(department=own, confirmed_at__isnull=True)
        .exclude(project__status=ExecutionProject.Status.WITHDRAWN)
        .exclude(Exists(with_notice))
        .select_related("project__regulation")
        .order_by("due_on", "id")
    )
    return {"notices": notices, "receipts": receipts}


def sign_inbox_count(*, user) -> int:
    """How many items `sign_inbox` lists (one query: sign_inbox_counts)."""
    counts = sign_inbox_counts(user=user)
    return counts["notices"] + counts["receipts"]


def _count_of(queryset) -> Subquery:
    """`SELECT COUNT(*) FROM queryset` as a scalar subquery."""
    return Subquery(
        queryset.order_by()
        .select_related(None)
        .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("n")
    )


def sign_inbox_counts(*, user) -> dict[str, int]:
    """How many notices and bare receipts `sign_inbox` lists, in one query (two
    scalar COUNTs): the 我的待办 badge is their sum, the 三单一表 badge the
    notices (notice_unconfirmed_count of a liaison). None for anyone else."""
    own = department_of(user)
    if own is None or role_of(user) != Role.LIAISON:
        return {"notices": 0, "receipts": 0}
    inbox = sign_inbox(user=user)
    notices, receipts = (
        Department.objects.filter(pk=own.pk)
        .values_list(_count_of(inbox["notices"]), _count_of(inbox["receipts"]))
        .get()
    )
    return {"notices": notices, "receipts": receipts}
