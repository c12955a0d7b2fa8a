from django.conf import settings
from django.db import migrations


def _backfill(apps, schema_editor):
    """Every existing department belongs to the deployment's default office."""
    Office = apps.get_model("org", "Office")
    Department = apps.get_model("org", "Department")
    if not Department.objects.filter(office__isnull=True).exists():
        return
    office = Office.objects.filter(kind="district").order_by("sort_order", "id").first()
    if office is None:
        office = Office.objects.create(
            code=settings.OFFICE_CODE,
            name=settings.OFFICE_NAME,
            number_prefix=settings.NOTICE_NUMBER_PREFIX,
            kind="district",
        )
    Department.objects.filter(office__isnull=True).update(office=office)


class Migration(migrations.Migration):
    dependencies = [("org", "0002_office")]

    operations = [migrations.RunPython(_backfill, migrations.RunPython.noop)]
