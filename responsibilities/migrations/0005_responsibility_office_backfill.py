from django.db import migrations
from django.db.models import OuterRef, Subquery


def _backfill(apps, schema_editor):
    """A list row belongs to its department's office."""
    Row = apps.get_model("responsibilities", "ResponsibilityList")
    Department = apps.get_model("org", "Department")
    Row.objects.filter(office__isnull=True).update(
        office=Subquery(
            Department.objects.filter(pk=OuterRef("department_id")).values(
                "office_id"
            )[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("responsibilities", "0004_responsibility_office"),
        ("org", "0004_office_required"),
    ]

    operations = [migrations.RunPython(_backfill, migrations.RunPython.noop)]
