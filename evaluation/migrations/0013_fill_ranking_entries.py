"""Store the rankings of the rounds published before rankings were stored.

It runs the ranking service itself (the same code that ranks at publication),
so the stored rows equal what the pages computed before; the service reads
today's models, which match the schema at this point of the history.
"""

from django.db import migrations


def fill(apps, schema_editor):
    EvaluationRound = apps.get_model("evaluation", "EvaluationRound")
    RankingEntry = apps.get_model("evaluation", "RankingEntry")
    frozen = list(
        EvaluationRound.objects.filter(status__in=["published", "superseded"])
        .exclude(pk__in=RankingEntry.objects.values("round_id"))
        .values_list("pk", flat=True)
    )
    if not frozen:
        return
    from evaluation.models import EvaluationRound as Round
    from evaluation.services.rankings import ranking_entries_write

    for round_ in Round.objects.filter(pk__in=frozen):
        ranking_entries_write(round=round_)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0012_ranking_entries")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
