# Scoring standards per office: existing rows stay the default (office NULL);
# versions and the one current version run per (default or office, flow).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0014_round_jobs'),
        ('org', '0004_office_required'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='scoringstandard',
            name='standard_flow_version',
        ),
        migrations.RemoveConstraint(
            model_name='scoringstandard',
            name='standard_one_current_per_flow',
        ),
        migrations.AddField(
            model_name='scoringstandard',
            name='office',
            field=models.ForeignKey(blank=True, help_text='留空为全市默认标准；填写则为该区调整后的标准', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='scoring_standards', to='org.office', verbose_name='办公室'),
        ),
        migrations.AddConstraint(
            model_name='scoringstandard',
            constraint=models.UniqueConstraint(condition=models.Q(('office__isnull', True)), fields=('flow_code', 'version'), name='standard_default_flow_version'),
        ),
        migrations.AddConstraint(
            model_name='scoringstandard',
            constraint=models.UniqueConstraint(condition=models.Q(('office__isnull', False)), fields=('office', 'flow_code', 'version'), name='standard_office_flow_version'),
        ),
        migrations.AddConstraint(
            model_name='scoringstandard',
            constraint=models.UniqueConstraint(condition=models.Q(('is_current', True), ('office__isnull', True)), fields=('flow_code',), name='standard_one_current_default'),
        ),
        migrations.AddConstraint(
            model_name='scoringstandard',
            constraint=models.UniqueConstraint(condition=models.Q(('is_current', True), ('office__isnull', False)), fields=('office', 'flow_code'), name='standard_one_current_per_office'),
        ),
    ]
