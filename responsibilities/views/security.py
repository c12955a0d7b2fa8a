"""登录安全 (office): locked logins to unlock, every API token to revoke."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from config.auth import token_expires_at
from org.permissions import office_required
from responsibilities.services import access


@office_required
def security_page(request):
    tokens = list(
        Token.objects.select_related("user", "user__membership__department").order_by(
            "-created"
        )
    )
    for token in tokens:
        token.expires_at = token_expires_at(token)
    attempts = AccessAttempt.objects.order_by("-attempt_time")[:200]
    return render(
        request,
        "responsibilities/security.html",
        {
            "tokens": tokens,
            "attempts": attempts,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "ttl_days": settings.API_TOKEN_TTL_DAYS,
        },
    )


@office_required
@require_POST
def lockout_clear_page(request, pk):
    attempt = access.login_lockout_clear(attempt_id=pk)
    if attempt is None:
        messages.info(request, "该记录已不存在。")
    else:
        messages.success(
            request, f"已解锁 {attempt.username}（{attempt.ip_address}）。"
        )
    return redirect("responsibilities:security")


@office_required
@require_POST
def user_token_revoke_page(request):
    token = access.user_token_revoke(token_key=request.POST.get("key", ""))
    if token is None:
        messages.info(request, "该令牌已不存在。")
    else:
        messages.success(request, f"已吊销 {token.user.username} 的令牌。")
    return redirect("responsibilities:security")
