"""Login defences shared by the form, the admin and the API token endpoint:
expiring API tokens, tokens revoked by a password change, the lockout answer,
and the client address django-axes counts failures by."""

from __future__ import annotations

import datetime

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

LOCKOUT_MESSAGE = (
    "登录失败次数过多，该账号已在此地址锁定。请稍后再试，或联系区委办解锁。"
)
EXPIRED_MESSAGE = "令牌已过期，请重新获取。"


def token_expires_at(token: Token) -> datetime.datetime | None:
    days = settings.API_TOKEN_TTL_DAYS
    if not days:
        return None
    return token.created + datetime.timedelta(days=days)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check for every login that comes with a request (form, admin,
    token endpoint). A call without one (the test client's login, a shell) is no
    web login and has no address to count by: skipped, not an error."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def token_is_expired(token: Token) -> bool:
    expires = token_expires_at(token)
    return expires is not None and expires <= timezone.now()


def token_for_login(*, user) -> Token:
    """The user's token for a password login; an expired one is replaced.
    Side effects: may delete and create the Token row."""
    token, _ = Token.objects.get_or_create(user=user)
    if token_is_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token, refused once older than API_TOKEN_TTL_DAYS. `user_related`:
    what the token's user is read with in the same query; `loaded(user)` is
    told of each user read (org.auth joins the membership)."""

    user_related: str | None = None

    def loaded(self, user) -> None:
        """Called with each token's user as it is read."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        tokens = model.objects.select_related(
            f"user__{self.user_related}" if self.user_related else "user"
        )
        # DRF's lookup and messages.
        try:
            token = tokens.get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        self.loaded(user)
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(EXPIRED_MESSAGE, code="token_expired")
        return user, token


def revoke_tokens_on_password_change(sender, instance, raw=False, **kwargs):
    """A new password ends every token issued under the old one, whichever way it
    was changed (own page, office reset, admin, add_user)."""
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True)
    old = old.first()
    if old is not None and old != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()


def connect_signals() -> None:
    pre_save.connect(
        revoke_tokens_on_password_change,
        sender=get_user_model(),
        dispatch_uid="config.auth.revoke_tokens_on_password_change",
    )


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the trusted proxies saw (DJANGO_PROXY_COUNT)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(hops) >= count:
            return hops[-count]
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """429 in Chinese: JSON for the API, the login page with the message else."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": LOCKOUT_MESSAGE, "code": "locked_out"}, status=429
        )
    return render(
        request,
        "registration/locked_out.html",
        {"message": LOCKOUT_MESSAGE},
        status=429,
    )
