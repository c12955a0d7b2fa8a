"""Store each published round's number of listed sheets (the scores API's
envelope sums them instead of counting the sheets table), and count the rounds
published before: as round_sheets_counted() does, with the historical models."""

from django.db import migrations, models
from django.db.models import Count, F, Q


def fill(apps, schema_editor):
    EvaluationRound = apps.get_model("evaluation", "EvaluationRound")
    Evaluation = apps.get_model("evaluation", "Evaluation")
    published = list(
        EvaluationRound.objects.filter(status="published").values_list("pk", flat=True)
    )
    if not published:
        return
    counted = {pk: 0 for pk in published}
    rows = (
        Evaluation.objects.filter(round__status="published")
        .values("round_id")
        .annotate(
            n=Count("pk", filter=~Q(project__status="withdrawn")),
            elsewhere=Count(
                "pk", filter=~Q(department__office_id=F("round__office_id"))
            ),
        )
        .order_by()
    )
    for row in rows:
        counted[row["round_id"]] = None if row["elsewhere"] else row["n"]
    for pk, n in counted.items():
        EvaluationRound.objects.filter(pk=pk).update(published_sheets=n)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0015_standard_office")]

    operations = [
        migrations.AddField(
            model_name="evaluationround",
            name="published_sheets",
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name="发布时评分表数"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
