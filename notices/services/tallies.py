"""The stored notice count per office and kind (NoticeTally): the notices/
API's envelope count for office-wide readers. Notices are only ever added
(notice_create, notices_create_batch; the admin neither adds nor deletes
them), so their writers add what they create, and a department moving to
another office recounts the offices concerned."""

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F

from config.tallies import summed_per_office, writers_held_off
from notices.models import Notice, NoticeTally
from org.models import Department, Office


def notice_tallies_add(*, notices: Iterable[Notice]) -> None:
    """Count new notices in their offices' tallies (by kind), in the caller's
    transaction. Offices not counted yet (no rows) are left to the live count.
    Side effects: one query for the departments' offices, one UPDATE per
    office and kind, in that order (as the numbering locks its counters)."""
    per_department = Counter((n.department_id, n.kind) for n in notices)
    if not per_department:
        return
    offices = dict(
        Department.objects.filter(pk__in={k[0] for k in per_department}).values_list(
            "pk", "office_id"
        )
    )
    summed = summed_per_office(per_department, offices)
    for (office_id, kind), n in sorted(summed.items()):
        NoticeTally.objects.filter(office_id=office_id, kind=kind).update(
            notices=F("notices") + n
        )


def notice_tallies_recount(*, office_ids: Iterable[int] | None = None) -> int:
    """Count the notices of these offices (None: every office) again, a row
    per kind, creating the rows of offices not counted yet; returns how many
    offices. Holds off new notices until the caller's transaction ends."""
    with transaction.atomic():
        writers_held_off(Notice)
        offices = Office.objects.all()
        if office_ids is not None:
            offices = offices.filter(pk__in=list(office_ids))
        ids = list(offices.values_list("pk", flat=True))
        counts = {
            (office, kind): n
            for office, kind, n in Notice.objects.filter(department__office_id__in=ids)
            .order_by()
            .values_list("department__office_id", "kind")
            .annotate(n=Count("id"))
        }
        NoticeTally.objects.bulk_create(
            [
                NoticeTally(office_id=pk, kind=kind, notices=counts.get((pk, kind), 0))
                for pk in sorted(ids)
                for kind in Notice.Kind.values
            ],
            update_conflicts=True,
            unique_fields=["office", "kind"],
            update_fields=["notices"],
        )
    return len(ids)


def notice_tallies_missing() -> int:
    """Count the offices that lack a stored count of some kind (a new office,
    data loaded around the services); returns how many."""
    complete = (
        NoticeTally.objects.values("office_id")
        .annotate(kinds=Count("kind"))
        .filter(kinds=len(Notice.Kind.values))
        .values("office_id")
    )
    missing = list(Office.objects.exclude(pk__in=complete).values_list("pk", flat=True))
    return notice_tallies_recount(office_ids=missing) if missing else 0
