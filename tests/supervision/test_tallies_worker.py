"""Integration: the daily refresh of the stored on-time figures run by a REAL
Celery worker (Redis, PostgreSQL), as beat sends it."""

import datetime

import pytest
from django.utils import timezone

from supervision.models import OfficeRateTally
from supervision.tasks import refresh_office_rates
from tests import factories
from tests.notices.test_worker import real_celery, wait_for, workers  # noqa: F401
from tests.supervision.test_tallies import _day, _due

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


def test_worker_stores_the_years_figures(workers, dept_a):  # noqa: F811
    # given rows due in the current year's past and a running worker
    today = timezone.localdate()
    due = today - datetime.timedelta(days=1)
    _due(dept_a, due, True)
    _due(factories.DepartmentFactory(kind="town"), _day(1), False)  # last year
    workers("w1")
    # when beat's task is sent
    refresh_office_rates.delay(today=today.isoformat())
    # then the worker stores the current year's figures of the office
    wait_for(
        lambda: OfficeRateTally.objects.filter(year=due.year).count() == 25,
        message="figures stored",
    )
    row = OfficeRateTally.objects.get(year=due.year, quarter=0, rate="step")
    assert (row.due, row.on_time) == (1, 1)
    assert row.as_of == today
