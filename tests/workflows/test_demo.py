import io

import pytest

from tests.factories import DepartmentFactory, ResponsibilityFactory
from workflows import demo
from workflows.models import Event, ExecutionProject, Step

pytestmark = pytest.mark.django_db


def test_demo_seed_is_alive_and_idempotent(office_user, settings, tmp_path):
    # given a lead list of ten rows (two per launch wave) of both flows
    settings.MEDIA_ROOT = str(tmp_path)
    # (fixed codes: a department's habit in the demo comes from its code, so
    # factory sequence numbers, which depend on the tests run before, must not
    # decide what this test sees)
    for index in range(10):
        row = ResponsibilityFactory(
            department=DepartmentFactory(code=f"DEMO{index}"),
            default_flow="simple" if index % 3 == 2 else "general",
        )
        row.partner_departments.set([DepartmentFactory()])
    # when seeding twice
    demo.seed(stdout=io.StringIO())
    counts = (ExecutionProject.objects.count(), Step.objects.count())
    events = Event.objects.count()
    demo.seed(stdout=io.StringIO())
    # then the second run adds nothing
    assert (ExecutionProject.objects.count(), Step.objects.count()) == counts
    assert Event.objects.count() == events
    # and the district is alive: both flows, several states
    assert set(ExecutionProject.objects.values_list("flow", flat=True)) == {
        "general",
        "simple",
    }
    statuses = set(Step.objects.values_list("status", flat=True))
    assert {"approved", "open", "waiting"} <= statuses
    assert statuses & {"submitted", "returned"}
    assert Event.objects.filter(action="return").exclude(reason="").exists()
