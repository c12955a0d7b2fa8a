import datetime

import pytest
from django.core.cache import cache

from workflows import calendar
from workflows.models import CalendarDay

D = datetime.date

pytestmark = pytest.mark.django_db


def test_calendar_national_day_2026_holidays_and_make_up_saturday():
    # given the 2026 National Day holiday Oct 1-7 and the make-up Saturday Oct 10
    # when / then
    for day in range(1, 8):
        assert not calendar.is_working_day(D(2026, 10, day))
    assert calendar.is_working_day(D(2026, 10, 10))  # Saturday, 调休
    assert not calendar.is_working_day(D(2026, 10, 11))  # Sunday
    # The package's data for 2026: the other make-up day is Sunday Sep 20;
    # Sunday Sep 27 belongs to the Mid-Autumn break (Sep 25-27).
    assert calendar.is_working_day(D(2026, 9, 20))
    for day in (25, 26, 27):
        assert not calendar.is_working_day(D(2026, 9, day))


def test_calendar_make_up_sunday_before_mid_autumn():
    # given Friday Sep 18, 2026
    # when / then: the next working day is the make-up Sunday Sep 20, and
    # Thursday Sep 24 is followed by Monday Sep 28
    assert calendar.add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)
    assert calendar.add_working_days(D(2026, 9, 24), 1) == D(2026, 9, 28)
    assert calendar.working_days_between(D(2026, 9, 18), D(2026, 9, 28)) == 6


def test_calendar_add_working_days_across_national_day():
    # given Wednesday Sep 30, 2026, the last working day before the holiday
    start = D(2026, 9, 30)
    # when / then: Oct 8 (Thu), Oct 9 (Fri), Oct 10 (make-up Sat), Oct 12 (Mon)
    assert calendar.add_working_days(start, 1) == D(2026, 10, 8)
    assert calendar.add_working_days(start, 2) == D(2026, 10, 9)
    assert calendar.add_working_days(start, 3) == D(2026, 10, 10)
    assert calendar.add_working_days(start, 4) == D(2026, 10, 12)
    assert calendar.working_days_between(start, D(2026, 10, 12)) == 4
    assert calendar.subtract_working_days(D(2026, 10, 12), 4) == start


def test_calendar_add_working_days_across_spring_festival_2026():
    # given Friday Feb 13, 2026; Sat Feb 14 is a make-up day, Feb 15-23 holidays,
    # Sat Feb 28 another make-up day
    start = D(2026, 2, 13)
    # when / then
    assert calendar.add_working_days(start, 1) == D(2026, 2, 14)
    assert calendar.add_working_days(start, 2) == D(2026, 2, 24)
    assert calendar.add_working_days(start, 6) == D(2026, 2, 28)
    assert calendar.add_working_days(start, 7) == D(2026, 3, 2)
    assert calendar.working_days_between(D(2026, 2, 14), D(2026, 2, 23)) == 0


def test_calendar_start_itself_does_not_count():
    # given a Monday
    monday = D(2026, 11, 23)
    # then
    assert calendar.add_working_days(monday, 0) == monday
    assert calendar.add_working_days(monday, 1) == D(2026, 11, 24)
    assert calendar.add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)
    assert calendar.working_days_between(monday, monday) == 0
    assert calendar.working_days_between(monday, D(2026, 11, 20)) == 0


def test_calendar_2027_falls_back_to_monday_to_friday():
    # given a year the package does not know
    assert calendar.year_is_known(2026)
    assert not calendar.year_is_known(2027)
    # when counting from Thursday Dec 31, 2026 into 2027
    # then Jan 1, 2027 (Friday, New Year in reality) counts as a working day
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert calendar.add_working_days(D(2027, 1, 1), 1) == D(2027, 1, 4)
    assert calendar.add_working_days(D(2027, 1, 1), 5) == D(2027, 1, 8)


def test_calendar_day_override_wins_over_package():
    # given Oct 12, 2026 (a Monday) made a local holiday and Jan 1, 2027 a holiday
    assert calendar.add_working_days(D(2026, 10, 10), 1) == D(2026, 10, 12)
    CalendarDay.objects.create(date=D(2026, 10, 12), is_workday=False, note="本地")
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    # when / then: the edit is seen at once
    assert not calendar.is_working_day(D(2026, 10, 12))
    assert calendar.add_working_days(D(2026, 10, 10), 1) == D(2026, 10, 13)
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    # and a Sunday override as workday counts
    CalendarDay.objects.create(date=D(2026, 11, 29), is_workday=True)
    assert calendar.add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 29)


def test_calendar_counting_many_days_costs_at_most_one_query(
    django_assert_max_num_queries,
):
    # given overrides already loaded once
    CalendarDay.objects.create(date=D(2026, 10, 12), is_workday=False)
    calendar.add_working_days(D(2026, 1, 1), 1)
    # when counting a whole year of days many times
    # then no query at all
    with django_assert_max_num_queries(0):
        for _ in range(20):
            calendar.add_working_days(D(2026, 1, 1), 200)


def test_calendar_edit_in_another_process_is_seen(
    monkeypatch, django_assert_num_queries
):
    # given this process has loaded the overrides
    day = D(2026, 11, 30)  # a Monday
    assert calendar.is_working_day(day)
    # when another process adds an override (no signal reaches us here)
    CalendarDay.objects.bulk_create([CalendarDay(date=day, is_workday=False)])
    monkeypatch.setattr(calendar, "_RECHECK_SECONDS", 0)
    # then without its announcement we keep our copy, without a query
    with django_assert_num_queries(0):
        assert calendar.is_working_day(day)
    # and once it announces the edit (as its clear_cache would), we reload
    stamp = calendar._stamp_file()
    if stamp is not None:  # embedded mode: a file under var/
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text("edited elsewhere")
    else:  # a shared cache (Redis)
        cache.set(calendar._VERSION_KEY, "edited elsewhere", timeout=None)
    assert not calendar.is_working_day(day)
