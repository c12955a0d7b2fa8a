"""The working-day calendar: every deadline in the app is counted here.

Chinese statutory holidays and make-up workdays (调休) come from the
`chinese-calendar` package; the `CalendarDay` rows win over it (local changes, and
years the package does not know yet): an office's own rows first, then the
default rows (`office` null: the city's / the deployment's). Without `office_id`
the default office's calendar applies. For an unknown year without
overrides the calendar falls back to Monday-Friday.

The overrides are loaded once per process and kept until an edit bumps a version
token in the shared cache (Redis in production), so every process reloads after
an edit and no loop over many steps costs a query per day.
"""

from __future__ import annotations

import datetime
import threading
import time
import uuid
from functools import lru_cache
from pathlib import Path

import chinese_calendar
from django.conf import settings
from django.core.cache import cache

from org.models import Office
from workflows.models import CalendarDay

_VERSION_KEY = "workflows:calendar:version"
_lock = threading.Lock()
# How long a process trusts its copy before asking the shared cache again, so
# loops over many steps cost neither a query nor a cache round trip per call.
_RECHECK_SECONDS = 2.0
_state: dict = {
    "version": None,
    "overrides": None,  # {office_id | None: {date: is_workday}}
    "merged": {},  # office_id -> the default rows overlaid with the office's
    "default_office": None,
    "checked": 0.0,
}


def clear_cache() -> None:
    """Forget the loaded overrides here and in every other process."""
    with _lock:
        _state["version"] = None
        _state["overrides"] = None
        _state["merged"] = {}
        _state["checked"] = 0.0
    cache.set(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    stamp = _stamp_file()
    if stamp is not None:
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(uuid.uuid4().hex)
        except OSError:
            pass  # read-only disk: other processes fall back to their copy


def reset_local_cache() -> None:
    """Drop this process's copy only (tests: their rollbacks send no signals)."""
    with _lock:
        _state["version"] = None
        _state["overrides"] = None
        _state["merged"] = {}
        _state["checked"] = 0.0


def _stamp_file() -> Path | None:
    """Without a shared cache (the embedded mode: locmem, web and worker in
    separate processes) an edit is announced through a file under var/."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    var_dir = getattr(settings, "VAR_DIR", None)
    if var_dir is None or not backend.endswith(("LocMemCache", "DummyCache")):
        return None
    return Path(var_dir) / "calendar-version"


def _shared_version():
    stamp = _stamp_file()
    if stamp is None:
        return cache.get(_VERSION_KEY)
    try:
        return str(stamp.stat().st_mtime_ns)
    except OSError:
        return "none"


def _all_overrides() -> dict:
    overrides = _state["overrides"]
    now = time.monotonic()
    if overrides is not None and now - _state["checked"] < _RECHECK_SECONDS:
        return overrides
    version = _shared_version()
    if overrides is not None and version is not None and version == _state["version"]:
        _state["checked"] = now
        return overrides

    if version is None:
        version = uuid.uuid4().hex
        cache.set(_VERSION_KEY, version, timeout=None)
    loaded: dict = {None: {}}
    for office_id, date, is_workday in CalendarDay.objects.values_list(
        "office_id", "date", "is_workday"
    ):
        loaded.setdefault(office_id, {})[date] = is_workday
    default_office = Office.default().pk if len(loaded) > 1 else None
    with _lock:
        _state["version"] = version
        _state["overrides"] = loaded
        _state["merged"] = {}
        _state["default_office"] = default_office
        _state["checked"] = now
    return loaded


def _overrides(office_id: int | None = None) -> dict[datetime.date, bool]:
    """The overrides in force for an office (default: the default office)."""
    loaded = _all_overrides()
    if len(loaded) == 1:  # only default rows: no office has its own
        return loaded[None]
    office_id = office_id or _state["default_office"]
    merged = _state["merged"].get(office_id)
    if merged is None:
        merged = {**loaded[None], **loaded.get(office_id, {})}
        _state["merged"][office_id] = merged
    return merged


@lru_cache(maxsize=64)
def year_is_known(year: int) -> bool:
    """Does the chinese-calendar package carry the holidays of this year?"""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def years_without_holidays(first: int, last: int) -> list[int]:
    """Years from `first` to `last` whose holidays the calendar does not know:
    the package lacks them and the office has entered no day of that year, so
    deadlines there count Monday-Friday only."""
    unknown = [year for year in range(first, last + 1) if not year_is_known(year)]
    if not unknown:
        return []
    entered = {day.year for day in _overrides() if day.year in unknown}
    return [year for year in unknown if year not in entered]


def _package_workday(day: datetime.date) -> bool:
    if year_is_known(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def is_working_day(day: datetime.date, *, office_id: int | None = None) -> bool:
    overrides = _overrides(office_id)
    if day in overrides:
        return overrides[day]
    return _package_workday(day)


class _Calendar:
    """One snapshot of the overrides, for counting many days in one call."""

    def __init__(self, office_id: int | None = None):
        self.overrides = _overrides(office_id)

    def is_working_day(self, day: datetime.date) -> bool:
        value = self.overrides.get(day)
        if value is not None:
            return value
        return _package_workday(day)


def add_working_days(
    start: datetime.date, n: int, *, office_id: int | None = None
) -> datetime.date:
    """The Nth working day after `start` (`start` itself does not count), in
    the office's calendar (default: the default office's).

    n == 0 gives `start` unchanged.
    """
    if n < 0:
        return subtract_working_days(start, -n, office_id=office_id)
    calendar = _Calendar(office_id)
    day = start
    remaining = n
    one = datetime.timedelta(days=1)
    while remaining > 0:
        day += one
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def subtract_working_days(
    day: datetime.date, n: int, *, office_id: int | None = None
) -> datetime.date:
    """The Nth working day before `day` (`day` itself does not count).

    n == 0 gives `day` unchanged.
    """
    if n < 0:
        return add_working_days(day, -n, office_id=office_id)
    calendar = _Calendar(office_id)
    one = datetime.timedelta(days=1)
    remaining = n
    while remaining > 0:
        day -= one
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, *, office_id: int | None = None
) -> int:
    """Number of working days d with start < d <= end; 0 if end <= start."""
    if end <= start:
        return 0
    calendar = _Calendar(office_id)
    one = datetime.timedelta(days=1)
    count = 0
    day = start + one
    while day <= end:
        if calendar.is_working_day(day):
            count += 1
        day += one
    return count


# chinese-calendar names its holidays in English; the calendar page shows these.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def days_of_month(year: int, month: int, *, office_id: int | None = None) -> list[dict]:
    """Every day of one month with its status, for the calendar page."""
    calendar = _Calendar(office_id)
    day = datetime.date(year, month, 1)
    one = datetime.timedelta(days=1)
    days = []
    while day.month == month:
        override = calendar.overrides.get(day)
        package = _package_workday(day)
        holiday_name = None
        if year_is_known(day.year):
            _on_holiday, holiday_name = chinese_calendar.get_holiday_detail(day)
        days.append(
            {
                "date": day,
                "is_workday": package if override is None else override,
                "package_workday": package,
                "override": override,
                "holiday_name": HOLIDAY_NAMES.get(holiday_name, holiday_name),
            }
        )
        day += one
    return days
