from django.db import migrations
from django.db.models import Count

KINDS = ["reminder", "notification", "assignment", "warning"]


def _count(apps, schema_editor):
    """Every office's notices counted once per kind (notices.services.tallies
    does the same for the running app): the new notices/ envelope answers
    from these. New notices wait for the count (SHARE lock) so none is missed."""
    Office = apps.get_model("org", "Office")
    Notice = apps.get_model("notices", "Notice")
    NoticeTally = apps.get_model("notices", "NoticeTally")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("LOCK TABLE notices_notice IN SHARE MODE")
    counts = {
        (office, kind): n
        for office, kind, n in Notice.objects.order_by()
        .values_list("department__office_id", "kind")
        .annotate(n=Count("id"))
    }
    NoticeTally.objects.bulk_create(
        NoticeTally(office_id=pk, kind=kind, notices=counts.get((pk, kind), 0))
        for pk in Office.objects.values_list("pk", flat=True)
        for kind in KINDS
    )


class Migration(migrations.Migration):
    # The data in its own migration (its own transaction on PostgreSQL).
    dependencies = [
        ("notices", "0014_notice_tally"),
    ]

    operations = [migrations.RunPython(_count, migrations.RunPython.noop)]
