from django.db import migrations


def _backfill(apps, schema_editor):
    """Existing rounds are the default office's (the one district so far)."""
    Round = apps.get_model("evaluation", "EvaluationRound")
    Office = apps.get_model("org", "Office")
    if not Round.objects.filter(office__isnull=True).exists():
        return
    office = Office.objects.filter(kind="district").order_by("sort_order", "id").first()
    Round.objects.filter(office__isnull=True).update(office=office)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0008_round_office"),
        ("org", "0003_office_backfill"),
    ]

    operations = [migrations.RunPython(_backfill, migrations.RunPython.noop)]
