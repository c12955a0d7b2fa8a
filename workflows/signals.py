"""Signal receivers of the workflows app (the working-day calendar cache)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from workflows import calendar
from workflows.models import CalendarDay


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
def _calendar_day_changed(sender, **kwargs):
    # Now for this process (deadlines computed later in the same transaction),
    # and again after commit so no other process keeps what it read meanwhile.
    calendar.clear_cache()
    transaction.on_commit(calendar.clear_cache)
