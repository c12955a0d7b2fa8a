"""The office's local changes to the working-day calendar."""

import datetime

from config.errors import NotAllowed
from org.selectors import is_office
from workflows.models import CalendarDay


def calendar_day_set(
    *, date: datetime.date, is_workday: bool, note: str = "", actor
) -> CalendarDay:
    """Make `date` a working day or a day off locally.

    Side effects: every process reloads the calendar (signals.py); deadlines
    already set on launched steps are not moved.
    """
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以调整工作日历。")
    day, _ = CalendarDay.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "note": note.strip()}
    )
    return day


def calendar_day_delete(*, day: CalendarDay, actor) -> None:
    """Drop a local change; the package's (or Monday-Friday) rule applies again."""
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以调整工作日历。")
    day.delete()
