"""The bench's year-round row: every district's round of the year proposed,
the total and per-district times, rolled back."""

import datetime

import pytest

from evaluation.models import Evaluation, EvaluationRound
from portal import bench

pytestmark = pytest.mark.django_db


def test_year_round_row_proposes_every_district_and_rolls_back():
    # given two generated districts of three projects a year
    from portal.scale import seed_scale

    seed_scale(
        districts=2, projects_per_district=3, seed=7, today=datetime.date(2026, 11, 30)
    )
    runner = bench.Bench(runs=1, warmups=1)
    ctx = runner.context()
    rounds_before = EvaluationRound.objects.count()
    sheets_before = Evaluation.objects.count()

    # when every district's round of 2026 is proposed
    row = runner.year_round_row(ctx["office_user"], 2026, {"office": True})

    # then one row tells the sheets, the queries, the per-district p50/p95 and
    # the total, and nothing it wrote is left behind
    assert row.error == ""
    assert row.name == "year round proposal 2026 (2 districts)"
    assert row.rows and row.rows > 0
    assert row.queries and row.queries > 0
    assert row.p50_ms > 0 and row.p95_ms >= row.p50_ms
    assert row.note.startswith("total ")
    assert EvaluationRound.objects.count() == rounds_before
    assert Evaluation.objects.count() == sheets_before
