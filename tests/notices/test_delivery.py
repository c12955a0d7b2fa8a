import datetime
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from notices.models import Delivery, Notice, NoticeEvent
from notices.services import (
    TemporaryDeliveryError,
    assignment_issue,
    notice_confirm,
    notice_create,
    notice_deliver,
    sweep_undelivered,
)
from notices.tasks import deliver_notice
from tests.notices.webhook_server import WebhookServer

R = Delivery.Result


def _notice(department, actor):
    return assignment_issue(
        department=department,
        title="整改事项",
        body="内容",
        due_on=datetime.date(2026, 12, 31),
        actor=actor,
    )


def test_notice_deliver_all_channels_recorded(dept_a, office_user):
    # given a department with e-mail and a webhook bot
    with WebhookServer() as hook:
        dept_a.email = "zzb@example.org"
        dept_a.webhook_url = hook.url
        dept_a.save()
        notice = _notice(dept_a, office_user)
        # when delivered twice (a re-queued task)
        assert notice_deliver(notice_id=notice.pk) == "delivered"
        assert notice_deliver(notice_id=notice.pk) == "skipped"
    # then each channel once, every attempt recorded, status sent
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and notice.sent_at is not None
    assert sorted(notice.deliveries.values_list("channel", "result")) == [
        ("email", "ok"),
        ("in_app", "ok"),
        ("webhook", "ok"),
    ]
    assert len(mail.outbox) == 1 and notice.number in mail.outbox[0].subject
    assert len(hook.requests) == 1
    assert hook.requests[0]["notice"]["number"] == notice.number
    assert hook.requests[0]["msgtype"] == "text"


def test_notice_deliver_temporary_error_retries_then_succeeds(dept_a, office_user):
    # given a bot that answers 503 once, then 200
    with WebhookServer(status=[503, 200]) as hook:
        dept_a.webhook_url = hook.url
        dept_a.save()
        notice = _notice(dept_a, office_user)
        # when the task runs (eager Celery retries it)
        deliver_notice.apply(args=[notice.pk], throw=False)
    # then two webhook attempts recorded, in-app once, delivered
    attempts = list(notice.deliveries.order_by("id").values_list("channel", "result"))
    assert attempts == [
        ("in_app", "ok"),
        ("webhook", "temporary_error"),
        ("webhook", "ok"),
    ]
    notice.refresh_from_db()
    assert notice.delivered_at is not None and notice.status == Notice.Status.SENT
    # and both attempts carry one idempotency key, a UUID
    first, second = hook.delivery_keys
    assert first == second and uuid.UUID(first)


def test_notice_deliver_temporary_error_raises_and_releases_claim(dept_a, office_user):
    # given a webhook address nobody listens on
    dept_a.webhook_url = "http://127.0.0.1:9/hook"
    dept_a.save()
    notice = _notice(dept_a, office_user)
    # when delivered (not the final attempt): raises for a retry
    with pytest.raises(TemporaryDeliveryError):
        notice_deliver(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.delivered_at is None and notice.delivery_claimed_at is None
    assert notice.status == Notice.Status.PENDING
    # the final attempt records it and closes delivery (in-app worked)
    assert notice_deliver(notice_id=notice.pk, final_attempt=True) == "delivered"
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert notice.deliveries.filter(channel="in_app").count() == 1


def test_notice_deliver_permanent_error_not_retried(dept_a, office_user):
    with WebhookServer(status=404) as hook:
        dept_a.webhook_url = hook.url
        dept_a.save()
        notice = _notice(dept_a, office_user)
        assert notice_deliver(notice_id=notice.pk) == "delivered"
    failed = notice.deliveries.get(channel="webhook")
    assert failed.result == R.FAILED and "404" in failed.error


def test_notice_deliver_claimed_by_other_worker_skips(dept_a, office_user):
    # given another worker claimed the notice a moment ago
    notice = _notice(dept_a, office_user)
    Notice.objects.filter(pk=notice.pk).update(delivery_claimed_at=timezone.now())
    # when this worker tries / then it sends nothing
    assert notice_deliver(notice_id=notice.pk) == "skipped"
    assert not notice.deliveries.exists()


def test_notice_deliver_third_warning_reaches_inspection_group(
    dept_a, inspection_group, office_user
):
    inspection_group.email = "jjz@example.org"
    inspection_group.save()
    notice = notice_create(
        kind="warning",
        department=dept_a,
        title="警示",
        level=3,
        cc_departments=[inspection_group],
    )
    notice_deliver(notice_id=notice.pk)
    assert mail.outbox[0].to == ["jjz@example.org"]


def test_sweep_undelivered_requeues_stuck_and_stale(
    dept_a, office_user, django_capture_on_commit_callbacks
):
    # given one notice never queued (broker down) and one claimed by a dead worker
    never = _notice(dept_a, office_user)
    dead = _notice(dept_a, office_user)
    fresh = _notice(dept_a, office_user)
    old = timezone.now() - datetime.timedelta(minutes=30)
    Notice.objects.filter(pk__in=[never.pk, dead.pk]).update(created_at=old)
    Notice.objects.filter(pk=dead.pk).update(delivery_claimed_at=old)
    # when the sweep runs (eager Celery delivers on commit)
    with django_capture_on_commit_callbacks(execute=True):
        queued = sweep_undelivered()
    # then both stuck ones are delivered, the fresh one is left to its task
    assert queued == 2
    statuses = dict(Notice.objects.values_list("pk", "status"))
    assert statuses[never.pk] == statuses[dead.pk] == Notice.Status.SENT
    assert statuses[fresh.pk] == Notice.Status.PENDING
    assert NoticeEvent.objects.filter(action="deliver").count() == 2


def test_notice_deliver_after_confirm_keeps_confirmed(dept_a, office_user, liaison):
    # given the liaison confirmed from the inbox before the delivery task ran
    notice = _notice(dept_a, office_user)
    notice_confirm(notice=notice, actor=liaison)
    # when the delivery runs
    assert notice_deliver(notice_id=notice.pk) == "delivered"
    # then the status stays confirmed and the send time is kept
    notice.refresh_from_db()
    assert notice.status == Notice.Status.CONFIRMED
    assert notice.sent_at is not None and notice.delivered_at is not None
