from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0011_warned_level"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(
                condition=models.Q(("kind", "assignment")),
                fields=["due_on"],
                name="notice_assignment_due",
            ),
        ),
    ]
