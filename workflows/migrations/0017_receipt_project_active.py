from django.db import migrations, models


class Migration(migrations.Migration):
    """Receipt.project_active: whether the receipt's project is 执行中. Every
    existing row starts True (the column's default); 0018 moves the scan's
    partial indexes onto it and 0019 sets it from the projects."""

    dependencies = [
        ("workflows", "0016_warned_level"),
    ]

    operations = [
        migrations.AddField(
            model_name="receipt",
            name="project_active",
            field=models.BooleanField(
                db_default=True, default=True, verbose_name="项目执行中"
            ),
        ),
    ]
