"""The move of Department/Membership to org keeps every row (state-only migrations)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The last migrations before the move (current main's heads for these apps).
BEFORE = [
    ("responsibilities", "0002_one_lead_per_regulation"),
    ("workflows", "0003_seed_default_flows"),
    ("notices", "0003_verbose_names"),
    ("evaluation", "0003_score_bounds"),
    ("org", None),
]
AFTER = [
    ("org", "0001_initial"),
    ("responsibilities", "0003_department_in_org"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The models as the database now stands (every applied migration).
    applied = MigrationExecutor(connection)
    return applied._create_project_state(with_applied_migrations=True).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_org_migration_keeps_departments_memberships_and_their_links():
    try:
        # given: data written before the move, through the old models
        old = _migrate(BEFORE)
        Department = old.get_model("responsibilities", "Department")
        Membership = old.get_model("responsibilities", "Membership")
        ResponsibilityList = old.get_model("responsibilities", "ResponsibilityList")
        ContentType = old.get_model("contenttypes", "ContentType")
        User = old.get_model("auth", "User")
        office = Department.objects.create(code="QWB", name="区委办", kind="office")
        town = Department.objects.create(
            code="NH", name="南湖街道", kind="town", parent=office, path="/x/"
        )
        user = User.objects.create(username="liaison_nh")
        Membership.objects.create(user=user, department=town, role="liaison")
        row = ResponsibilityList.objects.create(kind="driver", department=town)
        row.partner_departments.add(office)
        department_type = ContentType.objects.filter(
            app_label__in=["responsibilities", "org"], model="department"
        ).first()
        # when
        new = _migrate(AFTER)
        # then: the same rows, reached through org's models
        Department = new.get_model("org", "Department")
        Membership = new.get_model("org", "Membership")
        ResponsibilityList = new.get_model("responsibilities", "ResponsibilityList")
        ContentType = new.get_model("contenttypes", "ContentType")
        assert Department.objects.get(code="NH").parent.code == "QWB"
        membership = Membership.objects.get(user__username="liaison_nh")
        assert (membership.role, membership.department.code) == ("liaison", "NH")
        row = ResponsibilityList.objects.get(pk=row.pk)
        assert row.department.code == "NH"
        assert [d.code for d in row.partner_departments.all()] == ["QWB"]
        if department_type is not None:  # permissions stay on the same type
            assert ContentType.objects.get(pk=department_type.pk).app_label == "org"
    finally:
        _migrate(_latest())
