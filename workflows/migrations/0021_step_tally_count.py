from django.db import migrations
from django.db.models import Count


def _count(apps, schema_editor):
    """Every office's steps counted once (workflows.services.tallies does the
    same for the running app): the new steps/ envelope answers from these.
    New steps wait for the count (SHARE lock) so none is missed."""
    Office = apps.get_model("org", "Office")
    Step = apps.get_model("workflows", "Step")
    StepTally = apps.get_model("workflows", "StepTally")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("LOCK TABLE workflows_step IN SHARE MODE")
    counts = dict(
        Step.objects.order_by()
        .values_list("department__office_id")
        .annotate(n=Count("id"))
    )
    StepTally.objects.bulk_create(
        StepTally(office_id=pk, steps=counts.get(pk, 0))
        for pk in Office.objects.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    # The data in its own migration (its own transaction on PostgreSQL).
    dependencies = [
        ("workflows", "0020_step_tally"),
    ]

    operations = [migrations.RunPython(_count, migrations.RunPython.noop)]
