from django.db import migrations, models


class Migration(migrations.Migration):
    """The scan's partial indexes of unconfirmed receipts hold only those of
    active projects (project_active, set by 0019).

    Made before the backfill on purpose: the backfill's UPDATE then changes a
    column of these indexes' predicates, so PostgreSQL writes index entries
    (no HOT update). Made after it, over rows the backfill updated HOT, the
    index would be marked indcheckxmin and left unused by the planner until
    every transaction older than it has ended (hours, with a long one open)."""

    dependencies = [
        ("workflows", "0017_receipt_project_active"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="receipt",
            name="receipt_unwarned_due",
        ),
        migrations.RemoveIndex(
            model_name="receipt",
            name="receipt_warned_on",
        ),
        migrations.AddIndex(
            model_name="receipt",
            index=models.Index(
                condition=models.Q(
                    ("confirmed_at__isnull", True),
                    ("project_active", True),
                    ("warned_level", 0),
                ),
                fields=["due_on"],
                name="receipt_unwarned_active_due",
            ),
        ),
        migrations.AddIndex(
            model_name="receipt",
            index=models.Index(
                condition=models.Q(
                    ("confirmed_at__isnull", True),
                    ("project_active", True),
                    ("warned_level__gt", 0),
                ),
                fields=["warned_level", "warned_on"],
                name="receipt_warned_active_on",
            ),
        ),
    ]
