"""Delivering a notice on its channels: in-app (the row itself), e-mail, webhook.

A worker claims the notice with a conditional UPDATE before it sends, so two
workers never deliver the same notice at once; channels that already succeeded
are not sent again when a delivery is retried. Every attempt is recorded.
"""

import datetime
import json
import logging
import smtplib
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.errors import InvalidTransition
from notices.models import Delivery, Notice
from notices.services.issue import delivery_schedule
from notices.services.transitions import NOTICE_MACHINE, transition

log = logging.getLogger(__name__)

C = Delivery.Channel
RESULT = Delivery.Result

# A claim older than this belongs to a worker that died; longer than the
# delivery task's hard time limit so a live worker never loses its claim.
CLAIM_LEASE = datetime.timedelta(minutes=5)
WEBHOOK_TIMEOUT_SECONDS = 10


# Namespace of the webhook idempotency keys (X-Zhigui-Delivery).
_DELIVERY_NAMESPACE = uuid.UUID("6f1c1f43-6a57-4c1e-9d53-7a1d2b0c5e21")


def delivery_key(notice: Notice, url: str) -> str:
    """The idempotency key of one notice's message to one webhook: the same on
    every retry and re-queue (a worker killed after the POST sends it again), so
    the receiver can drop a repeat. Derived, not stored: notice id, its creation
    time (ids repeat across databases) and the address."""
    name = f"{notice.pk}:{notice.created_at.isoformat()}:{url}"
    return str(uuid.uuid5(_DELIVERY_NAMESPACE, name))


class TemporaryDeliveryError(Exception):
    """A channel failed in a way that may pass (network, 5xx): retry later."""


class PermanentDeliveryError(Exception):
    """A channel refused the message (4xx, bad address): retrying won't help."""


def _payload(notice: Notice) -> dict:
    return {
        "msgtype": "text",
        "text": {"content": _text(notice)},
        "notice": {
            "id": notice.pk,
            "number": notice.number,
            "kind": notice.kind,
            "level": notice.level,
            "department": notice.department.name,
            "title": notice.title,
            "due_on": notice.due_on.isoformat() if notice.due_on else None,
        },
    }


def _text(notice: Notice) -> str:
    head = f"【{notice.get_kind_display()}】{notice.number} {notice.title}".strip()
    due = f"\n反馈时限：{notice.due_on:%Y-%m-%d}" if notice.due_on else ""
    return f"{head}\n{notice.body}{due}"


def _send_email(notice: Notice, address: str) -> None:
    try:
        send_mail(
            subject=f"【{notice.get_kind_display()}】{notice.number} {notice.title}",
            message=_text(notice),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        raise PermanentDeliveryError(str(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TemporaryDeliveryError(str(exc)) from exc


def _send_webhook(notice: Notice, url: str) -> None:
    data = json.dumps(_payload(notice), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Zhigui-Delivery": delivery_key(notice, url),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as resp:
            resp.read(1024)
    except urllib.error.HTTPError as exc:
        if exc.code == 429 or exc.code >= 500:
            raise TemporaryDeliveryError(f"HTTP {exc.code}") from exc
        raise PermanentDeliveryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TemporaryDeliveryError(str(exc)) from exc
    except ValueError as exc:  # malformed URL
        raise PermanentDeliveryError(str(exc)) from exc


def _channels(notice: Notice):
    """(department, channel, target, send) for every channel of every recipient."""
    yield notice.department, C.IN_APP, "", None
    for department in [notice.department, *notice.cc_departments.all()]:
        if department.email:
            yield department, C.EMAIL, department.email, _send_email
        if department.webhook_url:
            yield department, C.WEBHOOK, department.webhook_url, _send_webhook


def _claim(notice_id: int, now) -> bool:
    """Claim the notice for this worker unless it is delivered or another
    worker holds a live claim (a conditional UPDATE, so only one wins)."""
    claimed = (
        Notice.objects.filter(pk=notice_id, delivered_at__isnull=True)
        .filter(
            Q(delivery_claimed_at__isnull=True)
            | Q(delivery_claimed_at__lt=now - CLAIM_LEASE)
        )
        .update(delivery_claimed_at=now)
    )
    return claimed == 1


def _send_all(notice: Notice) -> list[str]:
    """Send on every channel not yet delivered, recording each attempt; returns
    the temporary failures."""
    done = set(
        Delivery.objects.filter(notice=notice, result=RESULT.OK).values_list(
            "channel", "department_id", "target"
        )
    )
    temporary = []
    for department, channel, target, send in _channels(notice):
        if (channel, department.pk, target) in done:
            continue
        result, error = RESULT.OK, ""
        if send is not None:
            try:
                send(notice, target)
            except TemporaryDeliveryError as exc:
                result, error = RESULT.TEMPORARY_ERROR, str(exc)[:1000]
                temporary.append(f"{channel}: {error}")
            except PermanentDeliveryError as exc:
                result, error = RESULT.FAILED, str(exc)[:1000]
        Delivery.objects.create(
            notice=notice,
            department=department,
            channel=channel,
            target=target,
            result=result,
            error=error,
        )
    return temporary


def _mark_delivered(notice: Notice) -> None:
    finished = timezone.now()
    with transaction.atomic():
        Notice.objects.filter(pk=notice.pk, delivered_at__isnull=True).update(
            delivered_at=finished
        )
        notice.refresh_from_db(fields=["status", "sent_at"])
        moved = False
        if NOTICE_MACHINE.allowed(notice, "deliver"):
            try:
                transition(notice, action="deliver", fields={"sent_at": finished})
                moved = True
            except InvalidTransition:
                pass  # confirmed meanwhile: the status stays, sent_at is kept below
        if not moved:
            Notice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(
                sent_at=finished
            )


def notice_deliver(*, notice_id: int, final_attempt: bool = False) -> str:
    """Deliver one notice; safe to run twice and in several workers at once.

    Returns "delivered", "skipped" (done already, or another worker holds the
    claim) or raises TemporaryDeliveryError (the caller retries later) unless
    `final_attempt`, when temporary failures are recorded and delivery closes.
    Side effects: Delivery rows, e-mail/webhook messages, the notice's
    delivered_at/sent_at, and pending -> sent through the transition helper.
    """
    now = timezone.now()
    if not _claim(notice_id, now):
        return "skipped"
    notice = (
        Notice.objects.select_related("department")
        .prefetch_related("cc_departments")
        .get(pk=notice_id)
    )
    temporary = _send_all(notice)
    if temporary and not final_attempt:
        # Let the retry (or the sweep) claim it again at once.
        Notice.objects.filter(pk=notice_id, delivery_claimed_at=now).update(
            delivery_claimed_at=None
        )
        raise TemporaryDeliveryError("; ".join(temporary))
    _mark_delivered(notice)
    return "delivered"


def sweep_undelivered(
    *,
    # Long enough for a backlog in a slow broker (the embedded filesystem one
    # polls once a second) to drain, so the sweep does not pile up duplicates.
    # Short: the sweep runs every minute so a notice queued while the broker was
    # down goes out within a minute of its return. A notice still waiting in a
    # slow queue may be queued twice; its claim makes the second task a no-op.
    stale_after: datetime.timedelta = datetime.timedelta(seconds=15),
    lease: datetime.timedelta = CLAIM_LEASE,
    limit: int = 500,
) -> int:
    """Re-queue notices whose delivery never completed (broker down when it was
    queued, worker killed mid-delivery). Reads only undelivered rows (partial
    index). Returns how many were queued. Side effects: stale claims released,
    deliver tasks queued.
    """
    now = timezone.now()
    stuck = Notice.objects.filter(
        delivered_at__isnull=True, created_at__lt=now - stale_after
    ).filter(
        Q(delivery_claimed_at__isnull=True) | Q(delivery_claimed_at__lt=now - lease)
    )
    ids = list(stuck.order_by("created_at").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    with transaction.atomic():
        # A claim this old belongs to a dead worker; release it so the
        # re-queued task can claim the notice.
        Notice.objects.filter(pk__in=ids, delivery_claimed_at__lt=now - lease).update(
            delivery_claimed_at=None
        )
        for notice_id in ids:
            delivery_schedule(notice_id)
    return len(ids)
