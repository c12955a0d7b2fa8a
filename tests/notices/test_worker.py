"""Integration: a REAL Celery worker process on REAL Redis and PostgreSQL.

The worker is a subprocess (`celery -A config worker --pool solo`) whose
DATABASE_URL points at this test run's database, so it reads what the test
committed. Eager mode is switched off for these tests: the test process publishes
to Redis, the worker consumes.
"""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from notices.models import Delivery, Notice
from notices.services import assignment_issue, sweep_undelivered
from notices.tasks import scan_notices
from tests.notices.conftest import make_project
from tests.notices.webhook_server import WebhookServer
from workflows.calendar import add_working_days, subtract_working_days

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = str(Path(sys.executable).with_name("celery"))
W = Notice.Kind.WARNING


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Worker:
    def __init__(self, name: str, log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.process = None

    def start(self, timeout: float = 60) -> "Worker":
        redis_url = os.environ["REDIS_URL"]
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.name}@%h",
                "--loglevel",
                "INFO",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b"ready." in self.log_path.read_bytes():
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(
            f"worker {self.name} did not start:\n{self.log_path.read_text()[-3000:]}"
        )

    def kill(self):
        """SIGKILL: no clean shutdown, no ack, no message restored."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def real_celery(settings):
    """Publish to Redis instead of running tasks in this process."""
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = os.environ["REDIS_URL"]
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def workers(real_celery, tmp_path):
    started = []

    def start(name="w1"):
        worker = Worker(name, tmp_path).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    connection.close()


def wait_for(predicate, timeout=60, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {message}")


def _all_delivered():
    return not Notice.objects.filter(delivered_at__isnull=True).exists()


def test_worker_due_step_one_reminder_then_one_warning(
    workers, dept_a, dept_b, step_factory
):
    # given a step due in two working days, and a running worker
    today = timezone.localdate()
    project = make_project(lead=dept_a, partners=[dept_b], starts_on=today)
    step = step_factory(
        project=project, department=dept_a, due_on=add_working_days(today, 2)
    )
    workers("w1")
    # when the scan task runs twice
    scan_notices.delay()
    scan_notices.delay()
    # then exactly one reminder, delivered in-app by the worker
    wait_for(
        lambda: Notice.objects.filter(step=step, delivered_at__isnull=False).exists(),
        message="reminder delivered",
    )
    time.sleep(1)  # let the second scan finish too
    reminder = Notice.objects.get(step=step)
    assert reminder.kind == Notice.Kind.REMINDER
    assert reminder.status == Notice.Status.SENT
    assert reminder.deliveries.filter(channel="in_app", result="ok").count() == 1
    # when the step becomes overdue and the scan runs twice again
    step.due_on = subtract_working_days(today, 1)
    step.save(update_fields=["due_on"])
    scan_notices.delay()
    scan_notices.delay()
    # then one warning, delivered
    wait_for(
        lambda: Notice.objects.filter(
            step=step, kind=W, delivered_at__isnull=False
        ).exists(),
        message="warning delivered",
    )
    time.sleep(1)
    assert Notice.objects.filter(step=step, kind=W).count() == 1
    assert Notice.objects.filter(step=step).count() == 2


def test_worker_two_workers_scan_concurrently_double_nothing(
    workers, dept_a, dept_b, step_factory
):
    # given 6 steps due soon and 6 overdue, in two departments
    today = timezone.localdate()
    project = make_project(lead=dept_a, partners=[dept_b], starts_on=today)
    soon, late = [], []
    for i in range(6):
        dept = dept_a if i % 2 else dept_b
        soon.append(
            step_factory(
                project=project,
                department=dept,
                due_on=add_working_days(today, 1),
                code=f"s{i}",
            )
        )
        late.append(
            step_factory(
                project=project,
                department=dept,
                due_on=subtract_working_days(today, 2),
                code=f"l{i}",
                order=2,
            )
        )
    # when two workers each run the scan several times at once
    workers("w1")
    workers("w2")
    for _ in range(6):
        scan_notices.delay()
    # then one reminder per due step, one warning per overdue step, all delivered
    wait_for(
        lambda: Notice.objects.filter(delivered_at__isnull=False).count() == 12,
        message="12 notices delivered",
    )
    time.sleep(3)  # any straggling scan would add rows now
    assert Notice.objects.count() == 12
    for step in soon:
        assert list(step.notices.values_list("kind", flat=True)) == ["reminder"]
    for step in late:
        assert list(step.notices.values_list("kind", flat=True)) == ["warning"]
    # warning numbers 1..6: none repeated, none skipped
    serials = sorted(Notice.objects.filter(kind=W).values_list("serial", flat=True))
    assert serials == [1, 2, 3, 4, 5, 6]
    # and every notice was delivered in-app exactly once
    assert Delivery.objects.filter(channel="in_app", result="ok").count() == 12


def test_worker_killed_mid_delivery_loses_nothing(workers, dept_a, office_user):
    with WebhookServer() as hook:
        # given a department with a webhook bot that hangs on the first request
        hook.hold = threading.Event()
        dept_a.webhook_url = hook.url
        dept_a.save()
        worker = workers("w1")
        # when a 交办单 is issued (queued on commit) and the worker is killed
        # while it is posting to the webhook
        notice = assignment_issue(
            department=dept_a,
            title="整改事项",
            body="请整改",
            due_on=datetime.date.today() + datetime.timedelta(days=30),
            actor=office_user,
        )
        assert hook.arrived.wait(timeout=60), "the worker never reached the webhook"
        worker.kill()
        notice.refresh_from_db()
        assert notice.delivered_at is None  # the delivery did not complete
        assert notice.status == Notice.Status.PENDING
        hook.requests.clear()
        hook.hold.set()
        hook.hold = None
        # and a new worker starts; the beat's sweep re-queues the stuck notice
        # (zero lease here: the killed worker's claim is known dead)
        workers("w2")
        queued = sweep_undelivered(
            stale_after=datetime.timedelta(0), lease=datetime.timedelta(0)
        )
        assert queued == 1
        # then the notice is delivered, in-app once, webhook once more
        wait_for(
            lambda: Notice.objects.filter(
                pk=notice.pk, delivered_at__isnull=False
            ).exists(),
            message="delivery after restart",
        )
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert notice.deliveries.filter(channel="in_app", result="ok").count() == 1
    assert notice.deliveries.filter(channel="webhook", result="ok").count() == 1
    assert len(hook.requests) >= 1


def test_worker_escalation_second_and_third_warning(
    workers, dept_a, inspection_group, step_factory
):
    # given an overdue step of A (leader 张三), its inspection group has e-mail
    dept_a.leader_name = "张三"
    dept_a.save()
    inspection_group.email = "jjz@example.org"
    inspection_group.save()
    today = timezone.localdate()
    project = make_project(lead=dept_a, starts_on=today)
    step = step_factory(
        project=project, department=dept_a, due_on=subtract_working_days(today, 1)
    )
    workers("w1")
    day2 = add_working_days(today, 5)
    day3 = add_working_days(day2, 5)
    for level, day in ((1, today), (2, day2), (3, day3)):
        # when the scan of that day runs twice in the worker
        scan_notices.delay(day.isoformat())
        scan_notices.delay(day.isoformat())
        wait_for(
            lambda level=level: Notice.objects.filter(
                step=step, kind=W, level=level, delivered_at__isnull=False
            ).exists(),
            message=f"warning level {level}",
        )
    time.sleep(1)
    # then three warnings: the 2nd copies the leader, the 3rd the group
    warnings = {n.level: n for n in Notice.objects.filter(step=step, kind=W)}
    assert sorted(warnings) == [1, 2, 3]
    assert "张三" in warnings[2].cc_text
    assert list(warnings[3].cc_departments.all()) == [inspection_group]
    assert (
        warnings[3]
        .deliveries.filter(department=inspection_group, channel="email", result="ok")
        .exists()
    )
    step.refresh_from_db()
    assert step.flagged_for_bulletin is True
