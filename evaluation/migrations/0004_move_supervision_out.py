"""The supervision models moved to the `supervision` app: state only, the
tables stay (see supervision 0001)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0001_initial'),
        ('evaluation', '0003_score_bounds'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='inspection',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='inspection',
                    name='inspection_group',
                ),
                migrations.RemoveField(
                    model_name='inspection',
                    name='project',
                ),
                migrations.RemoveField(
                    model_name='inspection',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='inspection',
                    name='regulation',
                ),
                migrations.RemoveField(
                    model_name='problem',
                    name='inspection',
                ),
                migrations.RemoveField(
                    model_name='problem',
                    name='assignment',
                ),
                migrations.RemoveField(
                    model_name='supervisionevent',
                    name='problem',
                ),
                migrations.RemoveField(
                    model_name='supervisionevent',
                    name='actor',
                ),
                migrations.DeleteModel(
                    name='Accountability',
                ),
                migrations.DeleteModel(
                    name='Inspection',
                ),
                migrations.DeleteModel(
                    name='Problem',
                ),
                migrations.DeleteModel(
                    name='SupervisionEvent',
                ),
            ],
            database_operations=[],
        ),
    ]
