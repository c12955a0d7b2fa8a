"""The one way a browser page shows a rule a service refused.

    with page_errors(request) as outcome:
        notice = services.assignment_issue(...)
        messages.success(request, f"交办单{notice.number}已签发。")
        return redirect(...)
    # here only when the service refused; outcome.message says why

A `DomainError` (or a Django `ValidationError` raised by a service) leaves the
block: its message goes onto `form` when one is given (on the named field if
the form has it), else into the page's flash messages. Anything else is a bug
and propagates.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError

from config.errors import DomainError


@dataclass
class Outcome:
    """What a `page_errors` block ended with: `failed` and the messages."""

    failed: bool = False
    messages: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "；".join(self.messages)


def _by_field(exc: ValidationError) -> dict[str | None, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: list(texts) for name, texts in exc.message_dict.items()}
    return {None: list(exc.messages)}


def form_add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on a form: named fields where it has them."""
    for name, texts in _by_field(exc).items():
        target = name if name in form.fields else None
        for text in texts:
            form.add_error(target, text)


@contextmanager
def page_errors(request, *, form=None, flash: bool = True) -> Iterator[Outcome]:
    """Run the block; a refused rule becomes the page's message (see module doc)."""
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as exc:
        outcome.failed = True
        outcome.messages = [exc.message]
        if form is not None:
            form.add_error(None, exc.message)
        elif flash:
            messages.error(request, exc.message)
    except ValidationError as exc:
        outcome.failed = True
        outcome.messages = [t for texts in _by_field(exc).values() for t in texts]
        if form is not None:
            form_add_errors(form, exc)
        elif flash:
            messages.error(request, outcome.message)
