"""The warning level reached by each subject of warnings (a step, a receipt, an
assignment), kept on the subject's row (warned_level, warned_on) so that the
daily scan reads only what may need a new warning off an index."""

import datetime

from django.db import connection
from django.db.models import (
    Case,
    DateField,
    F,
    PositiveSmallIntegerField,
    Q,
    Value,
    When,
)

from notices.models import Notice
from workflows.models import Receipt, Step

K = Notice.Kind

_SUBJECTS = ((Step, "step_id"), (Receipt, "receipt_id"), (Notice, "source_notice_id"))


def warned_levels_record(*, notices) -> None:
    """Raise each subject's warned_level / warned_on to those of the warnings
    among `notices` (None entries and other kinds are skipped); never lowers
    them. One UPDATE per (subject table, level, issued_on). Side effect: the
    subjects' warned_level and warned_on."""
    groups: dict[tuple, list[int]] = {}
    for notice in notices:
        if notice is None or notice.kind != K.WARNING:
            continue
        for model, attr in _SUBJECTS:
            pk = getattr(notice, attr)
            if pk is not None:
                key = (model, notice.level, notice.issued_on)
                groups.setdefault(key, []).append(pk)
    for (model, level, day), pks in groups.items():
        _raise(model, pks, level, day)


def _raise(model, pks: list[int], level: int, day: datetime.date) -> None:
    model.objects.filter(pk__in=sorted(set(pks))).filter(
        Q(warned_level__lt=level) | Q(warned_on__isnull=True) | Q(warned_on__lt=day)
    ).update(
        warned_level=Case(
            When(warned_level__lt=level, then=Value(level)),
            default=F("warned_level"),
            output_field=PositiveSmallIntegerField(),
        ),
        warned_on=Case(
            When(Q(warned_on__isnull=True) | Q(warned_on__lt=day), then=Value(day)),
            default=F("warned_on"),
            output_field=DateField(),
        ),
    )


_REBUILD = """
UPDATE {table} SET
    warned_level = COALESCE((
        SELECT MAX(w.level) FROM notices_notice w
        WHERE w.{fk} = {table}.id AND w.kind = 'warning'
    ), 0),
    warned_on = (
        SELECT MAX(w.issued_on) FROM notices_notice w
        WHERE w.{fk} = {table}.id AND w.kind = 'warning'
    )
WHERE EXISTS (
    SELECT 1 FROM notices_notice w WHERE w.{fk} = {table}.id AND w.kind = 'warning'
)
"""


def warned_levels_rebuild() -> None:
    """Set every subject's warned_level / warned_on from the warnings issued
    about it, in SQL (one UPDATE per table): for warnings written around the
    services, e.g. by the scale generator. Side effect: those columns."""
    with connection.cursor() as cursor:
        for table, fk in (
            (Step._meta.db_table, "step_id"),
            (Receipt._meta.db_table, "receipt_id"),
            (Notice._meta.db_table, "source_notice_id"),
        ):
            cursor.execute(_REBUILD.format(table=table, fk=fk))
