"""Two office users acting on one step at the same moment (real PostgreSQL)."""

import datetime
import threading

import pytest
from django.db import connection

from config.errors import InvalidTransition
from tests.factories import DepartmentFactory, RegulationFactory, make_user
from workflows import services
from workflows.models import Event, Step


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_step_concurrent_approve_and_return_leave_one_result():
    # given a submitted step and two office users
    office_dept = DepartmentFactory(kind="office")
    dept = DepartmentFactory()
    first = make_user("office", office_dept)
    second = make_user("office", office_dept)
    liaison = make_user("liaison", dept)
    project = services.project_launch(
        regulation=RegulationFactory(),
        year=2026,
        lead_department=dept,
        flow_code="simple",
        starts_on=datetime.date(2026, 9, 1),
        actor=first,
    )
    step = Step.objects.get(project=project, code="implementation")
    services.step_submit(step=step, actor=liaison, text="已完成")
    barrier = threading.Barrier(2)
    outcomes = []

    def act(action):
        try:
            mine = Step.objects.get(pk=step.pk)  # both read "submitted"
            barrier.wait()
            if action == "approve":
                services.step_approve(step=mine, actor=first)
            else:
                services.step_return(step=mine, actor=second, reason="材料不全")
            outcomes.append((action, "ok"))
        except InvalidTransition:
            outcomes.append((action, "refused"))
        finally:
            connection.close()

    # when both act at once
    threads = [threading.Thread(target=act, args=(a,)) for a in ("approve", "return")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then exactly one wins and the row agrees with the winner
    assert sorted(result for _a, result in outcomes) == ["ok", "refused"]
    winner = next(action for action, result in outcomes if result == "ok")
    step.refresh_from_db()
    assert step.status == {"approve": "approved", "return": "returned"}[winner]
    assert step.return_count == (1 if winner == "return" else 0)
    assert (
        Event.objects.filter(step=step, action__in=["approve", "return"]).count() == 1
    )
