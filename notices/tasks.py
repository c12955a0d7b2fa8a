"""Celery tasks: thin, take ids, load and call a service; safe to run twice."""

import datetime

from celery import shared_task

from notices import services
from notices.services.delivery import TemporaryDeliveryError


@shared_task(
    bind=True,
    autoretry_for=(TemporaryDeliveryError,),
    retry_backoff=15,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=60,
    time_limit=90,
    acks_late=True,
)
def deliver_notice(self, notice_id: int) -> str:
    # The last retry records what still fails and closes the delivery, so an
    # unreachable webhook does not keep the in-app notice pending forever.
    final = self.request.retries >= self.max_retries
    return services.notice_deliver(notice_id=notice_id, final_attempt=final)


@shared_task(soft_time_limit=240, time_limit=300, acks_late=True)
def scan_notices(today: str | None = None) -> dict:
    # `today` (ISO date) lets a test or an operator replay the scan of a given day.
    day = datetime.date.fromisoformat(today) if today else None
    return services.scan_due(today=day)


@shared_task(soft_time_limit=60, time_limit=90, acks_late=True)
def sweep_undelivered() -> int:
    return services.sweep_undelivered()
