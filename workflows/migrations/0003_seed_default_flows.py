from django.db import migrations


def forwards(apps, schema_editor):
    from workflows.flows import seed_default_flows

    seed_default_flows(
        apps.get_model("workflows", "FlowTemplate"),
        apps.get_model("workflows", "StepTemplate"),
    )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0002_evidence_path")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
