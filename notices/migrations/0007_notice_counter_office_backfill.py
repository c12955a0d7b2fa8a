from django.conf import settings
from django.db import migrations


def _backfill(apps, schema_editor):
    """Existing counters are the default office's (the one district so far)."""
    Counter = apps.get_model("notices", "NoticeCounter")
    Office = apps.get_model("org", "Office")
    if not Counter.objects.filter(office__isnull=True).exists():
        return
    office = Office.objects.filter(kind="district").order_by("sort_order", "id").first()
    if office is None:
        office = Office.objects.create(
            code=settings.OFFICE_CODE,
            name=settings.OFFICE_NAME,
            number_prefix=settings.NOTICE_NUMBER_PREFIX,
            kind="district",
        )
    Counter.objects.filter(office__isnull=True).update(office=office)


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0006_notice_counter_per_office"),
        ("org", "0003_office_backfill"),
    ]

    operations = [migrations.RunPython(_backfill, migrations.RunPython.noop)]
