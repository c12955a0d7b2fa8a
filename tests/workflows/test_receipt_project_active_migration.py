"""Migration workflows.0019 sets Receipt.project_active from the receipts'
projects (rows written before the field, all True by the column's default).
Run on SQLite and on PostgreSQL (DATABASE_URL)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import factories
from workflows.models import ExecutionProject, Receipt

BEFORE = [("workflows", "0018_receipt_active_indexes")]
AFTER = [("workflows", "0019_receipt_project_active_backfill")]
P = ExecutionProject.Status


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_backfill_marks_the_receipts_of_ended_projects():
    try:
        # given receipts of a project in each status, all marked active (as
        # the column's default leaves the rows written before the field; the
        # schema before 0019 is today's, so the factories can write them)
        _migrate(BEFORE)
        receipts = {}
        for status in P.values:
            project = factories.ExecutionProjectFactory(status=status)
            receipts[status] = factories.ReceiptFactory(
                project=project, project_active=True
            )
        assert Receipt.objects.filter(project_active=False).count() == 0

        # when
        _migrate(AFTER)

        # then only the active project's receipt stays active
        marked = dict(Receipt.objects.values_list("project__status", "project_active"))
        assert marked == {status: status == P.ACTIVE for status in P.values}
    finally:
        _migrate(_latest())
