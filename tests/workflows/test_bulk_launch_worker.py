"""Integration: a bulk launch run by a REAL Celery worker (Redis, PostgreSQL),
its progress read back from the job row as the progress page does."""

import datetime

import pytest

from tests.factories import DepartmentFactory, ResponsibilityFactory
from tests.notices.test_worker import real_celery, wait_for, workers  # noqa: F401
from workflows import services
from workflows.models import BulkLaunchJob, ExecutionProject

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


def test_worker_runs_a_bulk_launch_of_the_chosen_rows(workers, office_user):  # noqa: F811
    # given three lead-list rows and a running worker
    rows = [
        ResponsibilityFactory(department=DepartmentFactory(), default_flow="simple")
        for _ in range(3)
    ]
    workers("w1")
    # when the office starts a bulk launch of the first two (committed at once:
    # a transactional test runs in autocommit, so the task is published now)
    job = services.bulk_launch_start(
        year=2026,
        starts_on=datetime.date(2026, 3, 2),
        responsibility_ids=[rows[0].pk, rows[1].pk],
        actor=office_user,
    )
    # then the worker finishes it and the job row tells the summary
    wait_for(
        lambda: BulkLaunchJob.objects.get(pk=job.pk).finished_at is not None,
        message="bulk launch finished",
    )
    job.refresh_from_db()
    assert (job.processed, len(job.launched), len(job.skipped)) == (2, 2, 0)
    assert set(ExecutionProject.objects.values_list("regulation_id", flat=True)) == {
        rows[0].regulation_id,
        rows[1].regulation_id,
    }
