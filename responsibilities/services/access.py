"""The office's hand on login defences: clear a django-axes lockout, revoke any
person's API token."""

from axes.models import AccessAttempt
from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def login_lockout_clear(*, attempt_id: int) -> AccessAttempt | None:
    """Unlock one user at one address. Side effects: deletes the AccessAttempt
    row (its failure count); returns it, or None when it was already gone."""
    attempt = AccessAttempt.objects.filter(pk=attempt_id).first()
    if attempt is not None:
        attempt.delete()
    return attempt


@transaction.atomic
def user_token_revoke(*, token_key: str) -> Token | None:
    """Revoke one API token, whoever holds it. Side effects: deletes the Token
    row, so the next request with it answers 401. Returns it, or None."""
    token = Token.objects.select_related("user").filter(key=token_key).first()
    if token is not None:
        token.delete()
    return token
