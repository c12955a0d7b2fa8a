import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0007_notice_counter_office_backfill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="noticecounter",
            name="office",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notice_counters",
                to="org.office",
                verbose_name="办公室",
            ),
        ),
    ]
