import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0010_circular_office_backfill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="circular",
            name="office",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="circulars",
                to="org.office",
                verbose_name="办公室",
            ),
        ),
        migrations.AlterField(
            model_name="circularcounter",
            name="office",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="circular_counters",
                to="org.office",
                verbose_name="办公室",
            ),
        ),
    ]
