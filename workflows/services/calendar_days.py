"""The office's local changes to the working-day calendar: an office's own
rows override the default rows (`office` null, kept by a superuser)."""

import datetime

from config.errors import NotAllowed
from org.selectors import is_office, office_of
from workflows.models import CalendarDay


def calendar_day_set(
    *, date: datetime.date, is_workday: bool, note: str = "", actor
) -> CalendarDay:
    """Make `date` a working day or a day off locally, for the actor's office
    (a superuser without membership: the default rows).

    Side effects: every process reloads the calendar (signals.py); deadlines
    already set on launched steps are not moved.
    """
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以调整工作日历。")
    day, _ = CalendarDay.objects.update_or_create(
        office=office_of(actor),
        date=date,
        defaults={"is_workday": is_workday, "note": note.strip()},
    )
    return day


def calendar_day_delete(*, day: CalendarDay, actor) -> None:
    """Drop a local change; the default rows (or the package's rule) apply again."""
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以调整工作日历。")
    office = office_of(actor)
    if day.office_id != (office.pk if office is not None else None):
        raise NotAllowed("只能删除本办公室的工作日历调整。")
    day.delete()
