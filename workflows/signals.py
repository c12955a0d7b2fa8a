"""Signals of the workflows app.

`step_changed` is sent after the transaction that moved a step commits
(kwargs: step_id, action, from_status, to_status, actor_id), so other apps can
react (notify, rescore) without the workflows app importing them.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from workflows import calendar
from workflows.models import CalendarDay

step_changed = Signal()


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
def _calendar_day_changed(sender, **kwargs):
    # Now for this process (deadlines computed later in the same transaction),
    # and again after commit so no other process keeps what it read meanwhile.
    calendar.clear_cache()
    transaction.on_commit(calendar.clear_cache)
