from django.conf import settings
from django.db import migrations


def _backfill(apps, schema_editor):
    """Existing circulars and counters are the default office's."""
    Circular = apps.get_model("supervision", "Circular")
    Counter = apps.get_model("supervision", "CircularCounter")
    Office = apps.get_model("org", "Office")
    if not (
        Circular.objects.filter(office__isnull=True).exists()
        or Counter.objects.filter(office__isnull=True).exists()
    ):
        return
    office = Office.objects.filter(kind="district").order_by("sort_order", "id").first()
    if office is None:
        office = Office.objects.create(
            code=settings.OFFICE_CODE,
            name=settings.OFFICE_NAME,
            number_prefix=settings.NOTICE_NUMBER_PREFIX,
            kind="district",
        )
    Circular.objects.filter(office__isnull=True).update(office=office)
    Counter.objects.filter(office__isnull=True).update(office=office)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0009_circular_office"),
        ("org", "0003_office_backfill"),
    ]

    operations = [migrations.RunPython(_backfill, migrations.RunPython.noop)]
