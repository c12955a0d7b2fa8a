"""The supervision models, moved out of `evaluation` with their rows.

State only: the tables were created by evaluation 0001 and keep their names
(Meta.db_table), so no row is copied and nothing is lost. The content types
(admin log, permissions) are relabelled to the new app.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["inspection", "problem", "supervisionevent", "accountability"]


def _relabel(apps, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_type.objects.filter(app_label=target, model__in=MODELS).values_list(
            "model", flat=True
        )
    )
    content_type.objects.filter(app_label=source, model__in=MODELS).exclude(
        model__in=taken
    ).update(app_label=target)


def relabel_content_types(apps, schema_editor):
    _relabel(apps, "evaluation", "supervision")


def unrelabel_content_types(apps, schema_editor):
    _relabel(apps, "supervision", "evaluation")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('evaluation', '0003_score_bounds'),
        ('notices', '0003_verbose_names'),
        ('regulations', '0001_initial'),
        ('responsibilities', '0002_one_lead_per_regulation'),
        ('workflows', '0003_seed_default_flows'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Inspection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('open', '明察'), ('unannounced', '暗访')], max_length=20, verbose_name='方式')),
                        ('inspected_on', models.DateField(verbose_name='检查日期')),
                        ('inspectors', models.CharField(max_length=200, verbose_name='检查人员')),
                        ('summary', models.TextField(blank=True, verbose_name='检查情况')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='responsibilities.department', verbose_name='被检查单位')),
                        ('inspection_group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='inspections_made', to='responsibilities.department', verbose_name='监督单位')),
                        ('project', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='workflows.executionproject', verbose_name='项目')),
                        ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('regulation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='regulations.regulation', verbose_name='党内法规')),
                    ],
                    options={
                        'verbose_name': '明察暗访',
                        'verbose_name_plural': '明察暗访',
                        'db_table': 'evaluation_inspection',
                        'ordering': ['-inspected_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Problem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('description', models.TextField(verbose_name='问题描述')),
                        ('due_on', models.DateField(blank=True, null=True, verbose_name='整改时限')),
                        ('status', models.CharField(choices=[('open', '待整改'), ('rectifying', '整改中'), ('rectified', '已整改')], default='open', max_length=20, verbose_name='整改状态')),
                        ('rectified_at', models.DateTimeField(blank=True, null=True, verbose_name='整改完成时间')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('assignment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='notices.notice', verbose_name='交办单')),
                        ('inspection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='problems', to='supervision.inspection')),
                    ],
                    options={
                        'verbose_name': '发现问题',
                        'verbose_name_plural': '发现问题',
                        'db_table': 'evaluation_problem',
                        'ordering': ['inspection', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Accountability',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('talk', '谈话提醒'), ('circulate', '通报'), ('admonish', '诫勉'), ('discipline', '处分')], max_length=20, verbose_name='问责方式')),
                        ('person', models.CharField(max_length=100, verbose_name='被问责人')),
                        ('decided_on', models.DateField(verbose_name='决定日期')),
                        ('note', models.TextField(blank=True, verbose_name='说明')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='accountabilities', to='responsibilities.department', verbose_name='单位')),
                        ('project', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='accountabilities', to='workflows.executionproject', verbose_name='项目')),
                        ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('problem', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='accountabilities', to='supervision.problem', verbose_name='问题')),
                    ],
                    options={
                        'verbose_name': '追责问责',
                        'verbose_name_plural': '追责问责',
                        'db_table': 'evaluation_accountability',
                        'ordering': ['-decided_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='SupervisionEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(max_length=30, verbose_name='动作')),
                        ('from_status', models.CharField(blank=True, max_length=20)),
                        ('to_status', models.CharField(blank=True, max_length=20)),
                        ('reason', models.TextField(blank=True, verbose_name='说明')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('problem', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='supervision.problem')),
                    ],
                    options={
                        'verbose_name': '整改流转记录',
                        'verbose_name_plural': '整改流转记录',
                        'db_table': 'evaluation_supervisionevent',
                        'ordering': ['created_at', 'id'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, unrelabel_content_types),
    ]
