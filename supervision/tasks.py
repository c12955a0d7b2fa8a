"""Celery tasks: thin, load and call a service; safe to run twice."""

import datetime

from celery import shared_task

from supervision import services


@shared_task(soft_time_limit=240, time_limit=300, acks_late=True)
def scan_supervision(today: str | None = None) -> dict:
    # `today` (ISO date) lets a test or an operator replay the scan of a given day.
    day = datetime.date.fromisoformat(today) if today else None
    return services.supervision_scan(today=day)
