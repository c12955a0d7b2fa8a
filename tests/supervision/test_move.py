"""The move of the supervision models out of `evaluation` keeps every row.

Runs the real migrations backwards to before the move, writes rows through the
historical (evaluation) models, migrates forward and reads them through the
supervision models. Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from supervision.models import Accountability, Inspection, Problem, SupervisionEvent


def _migrate_before_move():
    """Unapply supervision (and evaluation 0004, which depends on it), and the
    offices (a department then had no office)."""
    executor = MigrationExecutor(connection)
    executor.migrate([("supervision", None), ("org", "0001_initial")])
    return executor.loader.project_state([("evaluation", "0003_score_bounds")]).apps


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_supervision_move_keeps_rows_and_links():
    # given a database before the move, with an inspection, a problem handed
    # over, its event and an accountability action recorded in `evaluation`
    old = _migrate_before_move()
    Department = old.get_model("responsibilities", "Department")
    User = old.get_model("auth", "User")
    group = Department.objects.create(
        code="G", name="派驻纪检组", kind="inspection_group"
    )
    dept = Department.objects.create(
        code="D", name="区司法局", kind="district", inspection_group=group
    )
    user = User.objects.create(username="office-before-move")
    inspection = old.get_model("evaluation", "Inspection").objects.create(
        kind="open",
        inspected_on=datetime.date(2026, 9, 16),
        inspectors="周涛",
        inspection_group=group,
        department=dept,
        summary="抽查台账",
        recorded_by=user,
    )
    problem = old.get_model("evaluation", "Problem").objects.create(
        inspection=inspection,
        description="学习记录不完整",
        due_on=datetime.date(2026, 12, 15),
        status="rectifying",
    )
    old.get_model("evaluation", "SupervisionEvent").objects.create(
        problem=problem, actor=user, action="assign", to_status="rectifying"
    )
    old.get_model("evaluation", "Accountability").objects.create(
        problem=problem,
        department=dept,
        action="talk",
        person="分管负责人",
        decided_on=datetime.date(2026, 10, 20),
    )

    # when the move is migrated
    _migrate_to_latest()

    # then the rows are there, under the same ids, linked as before
    moved = Inspection.objects.get(pk=inspection.pk)
    assert (moved.department_id, moved.inspection_group_id) == (dept.pk, group.pk)
    assert moved.summary == "抽查台账"
    found = Problem.objects.get(pk=problem.pk)
    assert found.inspection_id == moved.pk and found.status == "assigned"
    assert SupervisionEvent.objects.get(problem=found).action == "assign"
    assert Accountability.objects.get(problem=found).person == "分管负责人"
    from django.contrib.contenttypes.models import ContentType

    assert ContentType.objects.get_for_model(Inspection).app_label == "supervision"
    # a new row takes the next id (PostgreSQL: the old table's sequence)
    again = Inspection.objects.create(
        kind="open",
        inspected_on=datetime.date(2026, 10, 1),
        inspectors="刘洋",
        department_id=dept.pk,
    )
    assert again.pk > moved.pk


@pytest.mark.django_db
def test_supervision_old_paths_redirect_and_keep_names(client, office_user):
    # given
    client.force_login(office_user)
    from django.urls import reverse

    # when
    page = client.get("/evaluation/inspections/?department=3")
    post = client.post("/evaluation/problems/7/assign/")

    # then
    assert page.status_code == 308
    assert page["Location"] == "/supervision/inspections/?department=3"
    assert post.status_code == 308
    assert post["Location"] == "/supervision/problems/7/assign/"
    assert reverse("evaluation:inspections") == "/evaluation/inspections/"
    assert reverse("supervision:inspections") == "/supervision/inspections/"
