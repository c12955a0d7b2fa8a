"""Publication in bulk (issue 13): the 通报 steps done and the projects closed
through the state machine's bulk path, a fixed number of queries however many
projects a round covers, one event row per step and per project moved, and
rows no longer in the status the move starts from left alone."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import services
from org.models import Department
from tests import factories
from tests.evaluation.conftest import approved_on_time, make_project
from workflows.models import Actor, Event, ExecutionProject, Step
from workflows.services.transitions import PROJECT_MACHINE, STEP_MACHINE

pytestmark = pytest.mark.django_db

P = ExecutionProject.Status


def _completed_projects(count, year=2026):
    """Projects whose department steps are all approved (已完成), each with its
    office 通报 step still waiting."""
    projects = []
    for _ in range(count):
        department = factories.DepartmentFactory(kind=Department.Kind.DISTRICT)
        project = make_project(lead=department, year=year)
        approved_on_time(project, department)
        Step.objects.create(
            project=project,
            department=department,
            actor=Actor.OFFICE,
            code="bulletin",
            name="通报",
            order=9,
            duration_days=5,
            base_points=0,
            high_points=0,
            starts_on=datetime.date(year, 3, 2),
            due_on=datetime.date(year, 12, 31),
            status=Step.Status.WAITING,
        )
        ExecutionProject.objects.filter(pk=project.pk).update(
            status=P.COMPLETED,  # the fixture sets it: not a move
            completed_at=None,
        )
        projects.append(project)
    return projects


def _reviewed(office_user, year):
    round_ = services.round_create(year=year, actor=office_user)
    services.round_propose_all(
        round=round_, actor=office_user, today=datetime.date(year + 1, 1, 31)
    )
    services.round_review(round=round_, actor=office_user)
    return round_


def _publish_queries(round_, office_user) -> int:
    with CaptureQueriesContext(connection) as captured:
        services.round_publish(round=round_, actor=office_user)
    return sum(
        1 for q in captured.captured_queries if "workflows_calendarday" not in q["sql"]
    )


def test_publication_queries_do_not_grow_with_the_projects(office_user):
    # given a reviewed round covering 3 completed projects and one covering 12
    _completed_projects(3, year=2026)
    _completed_projects(12, year=2027)
    small = _reviewed(office_user, 2026)
    large = _reviewed(office_user, 2027)

    # when each is published
    counts = [_publish_queries(r, office_user) for r in (small, large)]

    # then four times the projects cost the same queries, and every project
    # of both years is closed
    assert counts[0] == counts[1]
    assert ExecutionProject.objects.filter(status=P.CLOSED).count() == 15


def test_publication_writes_one_event_per_step_and_project_moved(office_user):
    # given a reviewed round covering 4 completed projects
    projects = _completed_projects(4)
    round_ = _reviewed(office_user, 2026)

    # when it is published
    services.round_publish(round=round_, actor=office_user)

    # then each 通报 step has its office_done event and each project its close
    # event, saying who, from what and why
    for project in projects:
        step_events = Event.objects.filter(project=project, action="office_done")
        assert step_events.count() == 1
        event = step_events.get()
        assert (event.from_status, event.to_status) == ("waiting", "approved")
        assert event.actor == office_user
        assert event.step.code == "bulletin"
        assert round_.name in event.reason
        close = Event.objects.filter(project=project, action="close").get()
        assert (close.from_status, close.to_status) == ("completed", "closed")
        project.refresh_from_db()
        assert project.status == P.CLOSED
        assert project.completed_at is not None


def test_bulk_move_skips_rows_no_longer_in_the_expected_status(office_user):
    # given three 通报 steps read as waiting, one of which someone else then
    # finished (approved) and one cancelled, before the bulk move
    projects = _completed_projects(3)
    steps = list(Step.objects.filter(actor=Actor.OFFICE).order_by("project_id"))
    STEP_MACHINE.apply(steps[0], action="office_done", actor=office_user)
    Step.objects.filter(pk=steps[1].pk).update(
        status=Step.Status.CANCELLED  # a concurrent change
    )
    stale = list(Step.objects.filter(pk__in=[s.pk for s in steps]).order_by("pk"))
    for step in stale:
        step.status = Step.Status.WAITING  # what the caller had read

    # when the bulk move runs on what the caller read
    moved = STEP_MACHINE.apply_many(stale, action="office_done", actor=office_user)

    # then only the step still waiting moved, with one event; the others kept
    # their status and got no second event
    assert [s.pk for s in moved] == [steps[2].pk]
    statuses = dict(
        Step.objects.filter(pk__in=[s.pk for s in steps]).values_list("pk", "status")
    )
    assert statuses == {
        steps[0].pk: "approved",
        steps[1].pk: "cancelled",
        steps[2].pk: "approved",
    }
    assert Event.objects.filter(step=steps[0], action="office_done").count() == 1
    assert not Event.objects.filter(step=steps[1], action="office_done").exists()
    assert Event.objects.filter(step=steps[2], action="office_done").count() == 1
    assert projects[2].pk == steps[2].project_id


def test_bulk_move_costs_the_same_queries_for_2_and_8_rows(office_user):
    # given two sets of completed projects whose 通报 is done
    few, many = _completed_projects(2), _completed_projects(8)
    Step.objects.filter(actor=Actor.OFFICE).update(
        status=Step.Status.APPROVED  # the fixture sets it
    )

    # when each set is closed in one bulk move
    counts = []
    for group in (few, many):
        with CaptureQueriesContext(connection) as captured:
            moved = PROJECT_MACHINE.apply_many(
                group, action="close", actor=office_user, reason="批量"
            )
        counts.append(len(captured.captured_queries))
        assert len(moved) == len(group)

    # then both cost the same and every project has one close event
    assert counts[0] == counts[1]
    assert Event.objects.filter(action="close").count() == 10
