"""Listeners other apps register to hear what happened to a 落实表, so notices
never imports the apps above it (supervision registers in its AppConfig.ready).

Each listener is called after the transaction that changed the notice commits,
with keyword arguments only; a listener that fails is logged and does not undo
the notice's change (the listener's own daily scan catches up).
"""

import logging
from collections.abc import Callable

from django.db import transaction

from config.hooks import Hook

log = logging.getLogger(__name__)

REPORT_SUBMITTED = "report_submitted"  # notice_id, actor_id, on
REPORT_ACCEPTED = "report_accepted"  # notice_id, actor_id, on

_listeners: dict[str, list[Callable[..., None]]] = {
    REPORT_SUBMITTED: [],
    REPORT_ACCEPTED: [],
}


def connect(event: str, listener: Callable[..., None]) -> None:
    if listener not in _listeners[event]:
        _listeners[event].append(listener)


def fire_on_commit(event: str, **kwargs) -> None:
    """Call the event's listeners once the current transaction commits."""

    def _call():
        for listener in list(_listeners[event]):
            try:
                listener(**kwargs)
            except Exception:  # noqa: BLE001 - one listener must not stop others
                log.exception("notices hook %s failed in %r", event, listener)

    transaction.on_commit(_call)


# A hand-issued notice may be raised on an inspection problem (supervision, above
# us): supervision registers the lookup, scoped to nothing (the caller checks
# rights); the first non-None answer is the problem.
problem_lookup = Hook("problem_lookup", arguments=("pk",))


def problem_get(pk: int):
    """The inspection problem with this id, or None."""
    return next((p for p in problem_lookup(pk=pk) if p is not None), None)
