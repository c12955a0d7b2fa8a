"""The stored per-office on-time figures (OfficeRateTally): recomputed for a
year by the daily refresh, read by the city office's comparison page."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from org.models import Department, Office
from supervision.models import OfficeRateTally
from supervision.rates import RATES, count_queries, period_window

TARGET_KINDS = (Department.Kind.DISTRICT, Department.Kind.TOWN)


def _owners() -> dict[int, list[int]]:
    """Per counted department, the offices its rows count for, once per
    target that counts it: exactly `supervision_rates`' walk for a reader of
    every district office: the targets are the active district departments
    and towns; a department counts for itself when it is a target and for
    every active town on its path (a town's subtree: villages, inactive units,
    units of any kind under it). Each target counts for its own office."""
    rows = list(
        Department.objects.filter(office__kind=Office.Kind.DISTRICT).values_list(
            "pk", "path", "kind", "is_active", "office_id"
        )
    )
    targets = {
        pk: office_id
        for pk, _, kind, active, office_id in rows
        if active and kind in TARGET_KINDS
    }
    towns = {
        pk for pk, _, kind, active, _ in rows if active and kind == Department.Kind.TOWN
    }
    owners: dict[int, list[int]] = {}
    for pk, path, *_ in rows:
        on_path = {int(p) for p in path.strip("/").split("/") if p} & towns
        if pk in targets:
            on_path.add(pk)
        if on_path:
            owners[pk] = [targets[t] for t in on_path]
    return owners


def office_rates_compute(
    *, year: int, today: datetime.date | None = None
) -> dict[tuple[int, int, str], list[int]]:
    """{(office id, quarter, rate): [due, on_time]} of every district office
    for `year` (quarter 0: the whole year) as of `today`: one query for the
    departments and one per rate, grouped by department and the due date's
    quarter, whatever the number of offices."""
    today = today or timezone.localdate()
    start, end = period_window(year, None)
    office_ids = list(
        Office.objects.filter(kind=Office.Kind.DISTRICT).values_list("pk", flat=True)
    )
    sums = {
        (office_id, quarter, name): [0, 0]
        for office_id in office_ids
        for quarter in range(5)
        for name in RATES
    }
    owners = _owners()
    queries = count_queries(start, end, today, by_quarter=True)
    for name in RATES:
        for row in queries[name]:
            for office_id in owners.get(row["dept"], ()):
                for quarter in (0, row["quarter"]):
                    tally = sums[(office_id, quarter, name)]
                    tally[0] += row["due"]
                    tally[1] += row["on_time"]
    return sums


def office_rates_refresh(*, year: int, today: datetime.date | None = None) -> int:
    """Recompute and store (upsert) the year's figures of every district
    office, its four quarters and the whole year. A bounded number of queries
    (departments, one per rate, one upsert); safe to run again. Returns the
    number of rows written."""
    today = today or timezone.localdate()
    sums = office_rates_compute(year=year, today=today)
    now = timezone.now()
    rows = [
        OfficeRateTally(
            office_id=office_id,
            year=year,
            quarter=quarter,
            rate=name,
            due=due,
            on_time=on_time,
            as_of=today,
            computed_at=now,
        )
        for (office_id, quarter, name), (due, on_time) in sums.items()
    ]
    with transaction.atomic():
        OfficeRateTally.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["office", "year", "quarter", "rate"],
            update_fields=["due", "on_time", "as_of", "computed_at"],
        )
    return len(rows)


def office_rates_refresh_current(*, today: datetime.date | None = None) -> dict:
    """The daily refresh: the current year, and in January the previous one
    too (its last quarter's figures still move as late rows are closed).
    Returns {year: rows written}."""
    today = today or timezone.localdate()
    years = [today.year - 1, today.year] if today.month == 1 else [today.year]
    return {year: office_rates_refresh(year=year, today=today) for year in years}


def office_rates_refresh_all(*, today: datetime.date | None = None) -> int:
    """Store the figures of every year that has projects and of the current
    one (after loading data: the demo, the scale seed), so the comparison
    page has figures at once. Returns the number of rows written."""
    from workflows.models import ExecutionProject

    today = today or timezone.localdate()
    years = set(
        ExecutionProject.objects.order_by().values_list("year", flat=True).distinct()
    )
    return sum(
        office_rates_refresh(year=year, today=today)
        for year in sorted(years | {today.year})
    )
