"""Migration evaluation.0015 keeps the standards written before it as the
default (office NULL), and versions then run per (default or office, flow).
Run on SQLite and on PostgreSQL (DATABASE_URL)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("evaluation", "0014_round_jobs")]
AFTER = [("evaluation", "0015_standard_office")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    applied = MigrationExecutor(connection)
    return applied._create_project_state(with_applied_migrations=True).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_standard_migration_keeps_rows_as_defaults():
    try:
        # given two versions of the general standard before the migration
        old = _migrate(BEFORE)
        Standard = old.get_model("evaluation", "ScoringStandard")
        Standard.objects.create(
            flow_code="general", version=1, name="七步法", is_current=False
        )
        Standard.objects.create(flow_code="general", version=2, name="七步法")

        # when
        new = _migrate(AFTER)

        # then both are defaults, version 2 still current
        Standard = new.get_model("evaluation", "ScoringStandard")
        Office = new.get_model("org", "Office")
        rows = list(Standard.objects.order_by("version"))
        assert [(s.office_id, s.version, s.is_current) for s in rows] == [
            (None, 1, False),
            (None, 2, True),
        ]
        # and an office may hold its own current version 1 beside them
        office = Office.objects.create(
            code="xz", name="秀洲区委办", number_prefix="秀洲"
        )
        Standard.objects.create(office=office, flow_code="general", version=1, name="x")
        with pytest.raises(IntegrityError), transaction.atomic():
            Standard.objects.create(flow_code="general", version=3, name="x")
    finally:
        _migrate(_latest())
