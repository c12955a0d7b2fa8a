"""Shared fixtures: the three-users pattern (owner, teammate, outsider) and more.

Service markers: tests marked `postgres` or `redis` need the real server. On a laptop
without it they skip with the reason; under CI=true they fail instead of skipping.
The same holds for `browser` tests (tests/e2e): they need /usr/bin/chromium and the
playwright package.
"""

import importlib.util
import os

import pytest
from django.db import connection
from rest_framework.test import APIClient

from config.celery import app as celery_app
from org.models import Department, Office, Role
from tests import factories
from workflows.flows import seed_default_flows
from workflows.models import FlowTemplate, StepTemplate

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"  # browser-marked tests drive this (tests/e2e)

# Unit tests run Celery tasks eagerly; the real-worker tests switch this off.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _missing("this test needs Redis (set REDIS_URL=redis://...)")
    if item.get_closest_marker("browser"):
        if not os.access(CHROMIUM, os.X_OK):
            _missing(
                f"this test needs Chromium at {CHROMIUM} (apt-get install chromium)"
            )
        if importlib.util.find_spec("playwright") is None:
            _missing("this test needs the playwright package (pip install -e '.[dev]')")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def office_dept(db):
    return factories.DepartmentFactory(
        code="QWB", name="区委办", kind=Department.Kind.OFFICE
    )


@pytest.fixture
def inspection_group(db):
    return factories.DepartmentFactory(
        code="JJZ1", name="派驻第一纪检组", kind=Department.Kind.INSPECTION_GROUP
    )


@pytest.fixture
def dept_a(db, inspection_group):
    return factories.DepartmentFactory(
        code="A", name="区委组织部", inspection_group=inspection_group
    )


@pytest.fixture
def dept_a_child(db, dept_a):
    return factories.DepartmentFactory(
        code="A1", name="组织部下属村社", kind=Department.Kind.VILLAGE, parent=dept_a
    )


@pytest.fixture
def dept_b(db):
    return factories.DepartmentFactory(code="B", name="区司法局")


@pytest.fixture
def city(db):
    """The city office (市委办); the default office stays outside it unless a
    test asks for `nanhu`."""
    return factories.make_city_office()


@pytest.fixture
def nanhu(office_dept, city):
    """The default office (the departments above are its), under the city."""
    office = Office.default()
    office.parent = city
    office.save()
    return office


@pytest.fixture
def xiuzhou(city):
    """A second district office under the city: its staff are outsiders to 南湖."""
    return factories.make_district_office("xiuzhou", "秀洲", parent=city)


@pytest.fixture
def city_user(city):
    return factories.make_office_staff(city, code="SWB", username="city_office")


@pytest.fixture
def xz_office_dept(xiuzhou):
    return factories.DepartmentFactory(
        code="XZQWB", name="秀洲区委办", kind=Department.Kind.OFFICE, office=xiuzhou
    )


@pytest.fixture
def xz_dept(xz_office_dept):
    return factories.DepartmentFactory(
        code="XZ1", name="秀洲区司法局", office=xz_office_dept.office
    )


@pytest.fixture
def xz_office_user(xz_office_dept):
    return factories.make_user(Role.OFFICE, xz_office_dept, username="xz_office")


@pytest.fixture
def xz_liaison(xz_dept):
    return factories.make_user(Role.LIAISON, xz_dept, username="xz_liaison")


@pytest.fixture
def office_user(db, office_dept):
    return factories.make_user(Role.OFFICE, office_dept, username="office")


@pytest.fixture
def liaison(db, dept_a):
    """The owner: a liaison of department A."""
    return factories.make_user(Role.LIAISON, dept_a, username="liaison_a")


@pytest.fixture
def outsider(db, dept_b):
    """The outsider: a liaison of department B, must not see A's records."""
    return factories.make_user(Role.LIAISON, dept_b, username="liaison_b")


@pytest.fixture
def inspector(db, inspection_group):
    return factories.make_user(Role.INSPECTOR, inspection_group, username="inspector")


@pytest.fixture
def leader(db, office_dept):
    return factories.make_user(Role.LEADER, office_dept, username="leader")


@pytest.fixture
def api_client_user(db):
    return factories.make_user(Role.API_CLIENT, None, username="api-credit-system")


@pytest.fixture
def project_factory(db):
    """Execution projects: project_factory(lead_department=dept_a, partners=[...])."""
    return factories.ExecutionProjectFactory


@pytest.fixture
def step_factory(db):
    """Steps: step_factory(project=p, department=d, due_on=..., approved_on=...)."""
    return factories.StepFactory


@pytest.fixture
def receipt_factory(db):
    return factories.ReceiptFactory


@pytest.fixture
def notice_factory(db):
    """Notices (warnings by default): notice_factory(step=s, level=2)."""
    return factories.NoticeFactory


@pytest.fixture
def round_factory(db):
    """Draft evaluation rounds with the current standards: round_factory(year=...)."""
    return factories.EvaluationRoundFactory


@pytest.fixture(autouse=True)
def _default_flows_after_flush(request):
    """Transactional tests flush every table between tests, which drops the default
    flows that migration workflows.0003 seeded; later tests then find no flow.
    Seed them again (idempotent) for every test on a flushed database."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")

    seed_default_flows(FlowTemplate, StepTemplate)
