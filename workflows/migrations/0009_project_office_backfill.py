from django.db import migrations
from django.db.models import OuterRef, Subquery


def _backfill(apps, schema_editor):
    """A project belongs to its lead department's office."""
    Project = apps.get_model("workflows", "ExecutionProject")
    Department = apps.get_model("org", "Department")
    Project.objects.filter(office__isnull=True).update(
        office=Subquery(
            Department.objects.filter(pk=OuterRef("lead_department_id")).values(
                "office_id"
            )[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0008_project_office"),
        ("org", "0003_office_backfill"),
    ]

    operations = [migrations.RunPython(_backfill, migrations.RunPython.noop)]
