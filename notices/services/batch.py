"""Creating many notices at once (the daily scan): a fixed number of queries per
batch instead of a dozen per notice, with the same rows as notice_create."""

import logging

from django.db import IntegrityError, transaction

from notices.models import Notice, NoticeEvent
from notices.services.issue import notice_create
from notices.services.numbering import numbers_reserve
from notices.services.tallies import notice_tallies_add
from notices.services.warned import warned_levels_record

log = logging.getLogger(__name__)

K = Notice.Kind

BATCH_SIZE = 500


def deliveries_schedule(notice_ids: list[int]) -> None:
    """Start delivery of the notices once the current transaction commits: one
    on_commit callback per batch queueing the deliver task per id. A broker that
    is down must not break the caller (the sweep re-queues what stays pending)."""
    if not notice_ids:
        return
    ids = list(notice_ids)

    def _send():
        # Imported at call time: notices.tasks imports the services.
        from notices.tasks import deliver_notice

        for notice_id in ids:
            try:
                deliver_notice.delay(notice_id)
            except Exception:  # noqa: BLE001 - any broker failure; the sweep retries
                log.exception("could not queue delivery of notice %s", notice_id)

    transaction.on_commit(_send, robust=True)


def _office_id(department) -> int | None:
    return department.office_id


def _write(drafts: list[dict]) -> list[Notice]:
    """All rows of the batch or none (a savepoint): serials reserved per
    (office, kind, year) in draft order, the notices, their copies and their
    "create" events, as notice_create writes them one by one, and the
    warnings' subjects' warned_level / warned_on."""
    with transaction.atomic():
        groups: dict[tuple, list[int]] = {}
        for i, draft in enumerate(drafts):
            if draft["kind"] == K.REMINDER:
                continue
            key = (
                _office_id(draft["department"]),
                draft["kind"],
                draft["issued_on"].year,
            )
            groups.setdefault(key, []).append(i)
        numbers: dict[int, tuple[int, str]] = {}
        for (office_id, kind, year), indexes in groups.items():
            reserved = numbers_reserve(
                kind=kind, year=year, count=len(indexes), office_id=office_id
            )
            numbers.update(zip(indexes, reserved, strict=True))
        notices = []
        for i, draft in enumerate(drafts):
            fields = dict(draft)
            fields.pop("cc_departments", None)
            serial, number = numbers.get(i, (None, ""))
            issued_on = fields.pop("issued_on")
            actor = fields.pop("actor", None)
            notices.append(
                Notice(
                    year=issued_on.year,
                    serial=serial,
                    number=number,
                    created_by=actor if getattr(actor, "pk", None) else None,
                    issued_on=issued_on,
                    **{
                        **fields,
                        "title": fields["title"][:200],
                        "cc_text": fields.get("cc_text", "")[:200],
                    },
                )
            )
        Notice.objects.bulk_create(notices)
        through = Notice.cc_departments.through
        through.objects.bulk_create(
            [
                through(notice_id=notice.pk, department_id=department.pk)
                for notice, draft in zip(notices, drafts, strict=True)
                for department in draft.get("cc_departments") or ()
            ]
        )
        NoticeEvent.objects.bulk_create(
            [
                NoticeEvent(
                    notice=notice,
                    actor=notice.created_by,
                    action="create",
                    to_status=notice.status,
                    reason=notice.number,
                )
                for notice in notices
            ]
        )
        warned_levels_record(notices=notices)
        notice_tallies_add(notices=notices)
    return notices


def notices_create_batch(*, drafts: list[dict]) -> list[Notice | None]:
    """Write the notices of `drafts` (each the keyword arguments of
    notice_create) and start their delivery after commit; returns, per draft,
    the notice or None when it existed already.

    One batch costs a fixed number of queries (two or three per office, kind
    and year numbered, one insert each for notices, copies and events). When a
    row already exists (another scan raced this one) the batch is rolled back,
    serials included, and its drafts go one by one through notice_create,
    which skips the existing ones. Side effects: NoticeCounter increments,
    Notice, copy and NoticeEvent rows, NoticeTally increments, delivery queued
    on commit.
    """
    if not drafts:
        return []
    try:
        notices = _write(drafts)
    except IntegrityError:
        return [notice_create(**draft) for draft in drafts]
    deliveries_schedule([notice.pk for notice in notices])
    return notices
