"""Receipt.project_active follows its project's status through the project
machine (one UPDATE of the receipts per move, in the move's transaction), so
the scan's receipt pass and its partial indexes leave out the unconfirmed
receipts of projects that ended."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.statemachine import Move
from notices.models import Notice
from notices.services import scan_due
from notices.services.scan import _candidates, _Offices, _overdue_receipts
from tests.factories import RegulationFactory
from workflows import services
from workflows.models import ExecutionProject, Receipt, Step
from workflows.services.transitions import PROJECT_MACHINE

pytestmark = pytest.mark.django_db
P = ExecutionProject.Status
# Launched 2026-09-01: every receipt is overdue (and past the grace) by then.
LATER = datetime.date(2026, 10, 14)


def _markers(project) -> list[bool]:
    return list(
        Receipt.objects.filter(project=project)
        .order_by("pk")
        .values_list("project_active", flat=True)
    )


def _receipt_updates(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith('UPDATE "workflows_receipt"')
        and "project_active" in q["sql"]
    ]


def _finish_department_steps(project, liaison, office_user) -> None:
    """Submit and approve every open department step until none is left."""
    while True:
        step = (
            Step.objects.filter(project=project, status=Step.Status.OPEN)
            .exclude(actor="office")
            .order_by("order", "pk")
            .first()
        )
        if step is None:
            return
        services.step_submit(step=step, actor=liaison, text="已完成")
        services.step_approve(step=step, actor=office_user, rating="pass")


def _receipt_warnings(project) -> int:
    return Notice.objects.filter(
        receipt__project=project, kind=Notice.Kind.WARNING
    ).count()


def test_receipts_of_a_launched_project_are_active(launch):
    # given / when a project is launched (a lead and a partner department)
    project = launch()
    # then both receipts are marked active
    assert _markers(project) == [True, True]


def test_receipts_drop_out_when_the_project_completes_and_closes(
    launch, liaison, office_user
):
    # given an active project whose receipt is overdue, never confirmed
    project = launch(partner_departments=[])
    candidates = _candidates(_Offices(LATER), _overdue_receipts(LATER))
    assert {r.project_id for r in candidates} == {project.pk}
    # when its department steps are all approved (已完成: one UPDATE of the
    # receipts, in the transaction of the move)
    with CaptureQueriesContext(connection) as queries:
        _finish_department_steps(project, liaison, office_user)
    project.refresh_from_db()
    assert project.status == P.COMPLETED
    assert len(_receipt_updates(queries.captured_queries)) == 1
    # then its receipt is no longer active, and the scan reads none of them
    assert _markers(project) == [False]
    assert list(_candidates(_Offices(LATER), _overdue_receipts(LATER))) == []
    scan_due(today=LATER)
    assert _receipt_warnings(project) == 0
    # and when its 通报 is done too (已闭环), they stay out
    bulletin = Step.objects.get(project=project, code="bulletin")
    services.step_office_done(step=bulletin, actor=office_user, reason="已印发")
    project.refresh_from_db()
    assert project.status == P.CLOSED
    assert _markers(project) == [False]


def test_the_scan_warns_of_an_active_projects_receipts_only(launch, office_user):
    # given two projects with overdue unconfirmed receipts, one withdrawn
    kept = launch()
    withdrawn = launch(regulation=RegulationFactory())
    with CaptureQueriesContext(connection) as queries:
        services.project_withdraw(project=withdrawn, actor=office_user, reason="废止")
    assert len(_receipt_updates(queries.captured_queries)) == 1
    # when the scan runs after the receipts' deadline
    scan_due(today=LATER)
    # then only the active project's receipts are warned of
    assert _markers(withdrawn) == [False, False]
    assert _receipt_warnings(withdrawn) == 0
    assert _receipt_warnings(kept) == 2


def test_a_bulk_move_updates_the_receipts_of_every_project_at_once(launch, office_user):
    # given three active projects
    projects = [launch(regulation=RegulationFactory()) for _ in range(3)]
    # when they move together (the bulk path a round's publication takes)
    with CaptureQueriesContext(connection) as queries:
        moved = PROJECT_MACHINE.apply_many(
            projects, action="withdraw", actor=office_user, reason="批量撤销"
        )
    # then one UPDATE sets the receipts of all three
    assert len(moved) == 3
    assert len(_receipt_updates(queries.captured_queries)) == 1
    assert Receipt.objects.filter(project__in=projects).count() == 6
    assert all(_markers(p) == [False, False] for p in projects)


def test_a_project_moved_back_to_active_brings_its_receipts_back(
    launch, office_user, monkeypatch
):
    # given a withdrawn project (there is no move back to 执行中 today; one
    # added to the machine's table is kept in step by the machine itself)
    monkeypatch.setitem(
        PROJECT_MACHINE.moves,
        "reopen",
        Move({P.COMPLETED, P.CLOSED, P.WITHDRAWN}, P.ACTIVE, "重新开启"),
    )
    project = launch()
    services.project_withdraw(project=project, actor=office_user, reason="暂停")
    assert _markers(project) == [False, False]
    # when it moves back to active
    PROJECT_MACHINE.apply(project, action="reopen", actor=office_user)
    # then its receipts are candidates of the scan again
    assert _markers(project) == [True, True]
    candidates = _candidates(_Offices(LATER), _overdue_receipts(LATER))
    assert {r.project_id for r in candidates} == {project.pk}


def test_the_scan_skips_and_sets_a_marker_that_lags_its_project(launch):
    # given a project ended around the machine (its receipts still marked)
    project = launch()
    ExecutionProject.objects.filter(pk=project.pk).update(status=P.CLOSED)
    assert _markers(project) == [True, True]
    # when the scan runs after the receipts' deadline
    scan_due(today=LATER)
    # then it warns of none of them and sets their marker
    assert _receipt_warnings(project) == 0
    assert _markers(project) == [False, False]
