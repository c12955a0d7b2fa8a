"""Hooks: how a lower app calls into the apps above it without importing them.

Apps import only the apps below them (tests/config/test_import_direction.py). When
a lower app's action must also do something an upper app owns (a launch sends
告知单s; a confirmed receipt confirms its 告知单), the lower app declares a `Hook`
and calls it, and the upper app registers its service in `AppConfig.ready()`.

Unlike a signal, a hook has no sender, takes keyword arguments only, returns what
its functions return and lets their errors through, so a hook called inside a
transaction rolls back with it.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


class Hook:
    def __init__(self, name: str, *, arguments: tuple[str, ...]):
        self.name = name
        self.arguments = frozenset(arguments)
        self._functions: list[Callable[..., Any]] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._functions)} registered>"

    def register(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """Add `function` (once, however often ready() runs); usable as a decorator."""
        if function not in self._functions:
            self._functions.append(function)
        return function

    def __call__(self, **kwargs) -> list[Any]:
        """Call every registered function in registration order."""
        self._check(kwargs)
        return [function(**kwargs) for function in list(self._functions)]

    def call_on_commit(self, **kwargs) -> None:
        """Call every registered function after the current transaction commits.

        Each is called on its own: one that fails is logged and does not stop
        the others or undo what committed (the listener's own scan catches up).
        """
        self._check(kwargs)

        def _call():
            for function in list(self._functions):
                try:
                    function(**kwargs)
                except Exception:  # noqa: BLE001 - one listener must not stop others
                    log.exception("hook %s failed in %r", self.name, function)

        transaction.on_commit(_call)

    def _check(self, kwargs) -> None:
        if set(kwargs) != self.arguments:
            raise TypeError(
                f"hook {self.name} takes {sorted(self.arguments)}, got {sorted(kwargs)}"
            )
