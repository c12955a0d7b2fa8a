"""Formal notice numbers: 南湖执规告〔2026〕12号, unique per office, kind and year
(each office its own prefix and counter: 秀洲执规告〔2026〕3号)."""

from django.conf import settings
from django.db import transaction

from notices.models import Notice, NoticeCounter
from org.models import Office

# The character after the prefix in the number, per kind; reminders have none.
KIND_MARK = {
    Notice.Kind.NOTIFICATION: "告",
    Notice.Kind.ASSIGNMENT: "交",
    Notice.Kind.WARNING: "警",
}


def number_format(*, kind: str, year: int, serial: int, prefix: str = "") -> str:
    prefix = prefix or settings.NOTICE_NUMBER_PREFIX
    return f"{prefix}{KIND_MARK[kind]}〔{year}〕{serial}号"


def number_allocate(
    *, kind: str, year: int, office_id: int | None = None
) -> tuple[int, str]:
    """The next serial and number of `kind` in `year` for the office (default:
    the default office), with the office's prefix.

    Must run inside the transaction that creates the notice: the counter row stays
    locked (select_for_update; on SQLite the database write lock) until that
    transaction ends, so two creators never get the same serial, and a rollback
    of the creation also rolls the counter back, so no serial is skipped.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_allocate must run inside transaction.atomic()")
    return numbers_reserve(kind=kind, year=year, count=1, office_id=office_id)[0]


def numbers_reserve(
    *, kind: str, year: int, count: int, office_id: int | None = None
) -> list[tuple[int, str]]:
    """The next `count` serials and numbers of `kind` in `year` for the office,
    in order: one locked read and one update of the counter however many (the
    scan numbers a batch of warnings at once).

    Same rules as number_allocate: inside the creating transaction, so the
    lock holds until it ends and a rollback gives the serials back (no gap).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers_reserve must run inside transaction.atomic()")
    if count <= 0:
        return []
    office_id = office_id or Office.default().pk
    NoticeCounter.objects.get_or_create(office_id=office_id, kind=kind, year=year)
    counter = (
        NoticeCounter.objects.select_for_update(of=("self",))
        .select_related("office")
        .get(office_id=office_id, kind=kind, year=year)
    )
    first = counter.last_serial + 1
    counter.last_serial += count
    counter.save(update_fields=["last_serial"])
    prefix = counter.office.number_prefix
    return [
        (serial, number_format(kind=kind, year=year, serial=serial, prefix=prefix))
        for serial in range(first, first + count)
    ]
