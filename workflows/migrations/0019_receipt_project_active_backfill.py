from django.db import migrations


def _backfill(apps, schema_editor):
    """The receipts of projects no longer 执行中 (completed, closed, withdrawn):
    one UPDATE (a subquery of project ids on SQLite and PostgreSQL alike)."""
    Receipt = apps.get_model("workflows", "Receipt")
    Receipt.objects.filter(project_active=True).exclude(
        project__status="active"
    ).update(project_active=False)


class Migration(migrations.Migration):
    # The data update in its own migration (its own transaction on
    # PostgreSQL), after the ALTERs of 0017 and 0018.
    dependencies = [
        ("workflows", "0018_receipt_active_indexes"),
    ]

    operations = [migrations.RunPython(_backfill, migrations.RunPython.noop)]
