"""Celery tasks: thin, load and call a service; safe to run twice."""

import datetime

from celery import shared_task

from supervision import services


@shared_task(soft_time_limit=240, time_limit=300, acks_late=True)
def scan_supervision(today: str | None = None) -> dict:
    # `today` (ISO date) lets a test or an operator replay the scan of a given day.
    day = datetime.date.fromisoformat(today) if today else None
    return services.supervision_scan(today=day)


# A scan of every step, receipt, notice, problem and duty of the year: minutes
# at province scale, so its own limits rather than the default minute.
@shared_task(soft_time_limit=1800, time_limit=1900, acks_late=True)
def refresh_office_rates(today: str | None = None) -> dict:
    # The stored figures of the city's comparison page; `today` (ISO date) as
    # in scan_supervision. Returns {year: rows written}.
    day = datetime.date.fromisoformat(today) if today else None
    written = services.office_rates_refresh_current(today=day)
    return {str(year): n for year, n in written.items()}
