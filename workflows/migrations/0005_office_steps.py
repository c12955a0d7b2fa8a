"""Steps the method gives to the office become one office row per project.

Before, every department carried every step, 执行发起 and 通报 included. Now a
step template says who acts (office / lead / all). This migration sets the
actors from the method's defaults, renames the old `cancelled` project status
to `withdrawn`, and turns the department rows of each office step into one row
owned by the office, keeping their events, evidence, notices and score lines.
"""

from django.db import migrations

from workflows.flows import default_actor


def _office_for(Department, lead):
    offices = list(
        Department.objects.filter(kind="office", is_active=True).order_by(
            "sort_order", "id"
        )
    )
    above = [d for d in offices if d.path and lead.path.startswith(d.path)]
    if above:
        return max(above, key=lambda d: len(d.path))
    if offices:
        return offices[0]
    office, _ = Department.objects.get_or_create(
        code="office", defaults={"name": "区委办", "kind": "office"}
    )
    return office


def forwards(apps, schema_editor):
    FlowTemplate = apps.get_model("workflows", "FlowTemplate")
    StepTemplate = apps.get_model("workflows", "StepTemplate")
    Project = apps.get_model("workflows", "ExecutionProject")
    Step = apps.get_model("workflows", "Step")
    Event = apps.get_model("workflows", "Event")
    Evidence = apps.get_model("workflows", "Evidence")
    Department = apps.get_model("responsibilities", "Department")
    Notice = apps.get_model("notices", "Notice")
    StepScore = apps.get_model("evaluation", "StepScore")

    Project.objects.filter(status="cancelled").update(status="withdrawn")
    for flow in FlowTemplate.objects.all():
        for template in StepTemplate.objects.filter(flow=flow):
            template.actor = default_actor(flow.code, template.code)
            template.save(update_fields=["actor"])
    actors = {
        (t.flow.code, t.code): t.actor
        for t in StepTemplate.objects.select_related("flow")
    }
    for project in Project.objects.select_related("lead_department"):
        steps = list(Step.objects.filter(project=project).order_by("order", "id"))
        by_code = {}
        for step in steps:
            step.actor = actors.get(
                (project.flow, step.code), default_actor(project.flow, step.code)
            )
            by_code.setdefault(step.code, []).append(step)
        office = None
        for code, rows in by_code.items():
            actor = rows[0].actor
            if actor != "office":
                Step.objects.filter(pk__in=[r.pk for r in rows]).update(actor=actor)
                continue
            office = office or _office_for(Department, project.lead_department)
            # Keep the most advanced row: approved first, earliest approval.
            rows.sort(
                key=lambda r: (r.status != "approved", r.approved_at is None, r.pk)
            )
            keep, drop = rows[0], [r.pk for r in rows[1:]]
            if drop:
                Event.objects.filter(step_id__in=drop).update(step_id=keep.pk)
                Evidence.objects.filter(step_id__in=drop).update(step_id=keep.pk)
                Notice.objects.filter(step_id__in=drop).update(step_id=keep.pk)
                StepScore.objects.filter(step_id__in=drop).update(step_id=keep.pk)
                Step.objects.filter(pk__in=drop).delete()
            Step.objects.filter(pk=keep.pk).update(
                actor="office", department_id=office.pk
            )


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0004_step_actor_rating"),
        ("notices", "0003_verbose_names"),
        ("evaluation", "0003_score_bounds"),
        ("responsibilities", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
