"""Operations tasks (no business rules)."""

from celery import shared_task
from django.utils import timezone

from config.models import Heartbeat


@shared_task(soft_time_limit=10, time_limit=20, ignore_result=True)
def beat_heartbeat() -> None:
    # Sent by beat, run by a worker: a fresh row proves both are alive.
    Heartbeat.objects.update_or_create(
        name="beat", defaults={"beat_at": timezone.now()}
    )
