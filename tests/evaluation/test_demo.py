"""The evaluation demo: last year is played, scored, published, then finished."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluation import demo, selectors, services
from evaluation.models import (
    BodyMark,
    CreditRecord,
    EvaluationRound,
    StepScore,
    SurveyResult,
)
from notices import demo as notices_demo
from notices.models import Notice
from notices.services import scan_due
from tests.factories import DepartmentFactory, ResponsibilityFactory
from workflows import demo as workflows_demo
from workflows.models import Event, ExecutionProject, Receipt, Step

pytestmark = pytest.mark.django_db

PAST_YEAR_END = timezone.make_aware(datetime.datetime(2026, 1, 1))


def _lead_list(rows: int) -> None:
    for index in range(rows):
        row = ResponsibilityFactory(
            department=DepartmentFactory(),
            default_flow="simple" if index % 3 == 2 else "general",
        )
        row.partner_departments.set([DepartmentFactory()])


def _seed_in_order() -> None:
    # The tail of seed_demo: workflows, then notices, then evaluation.
    for module in (workflows_demo, notices_demo, demo):
        module.seed(stdout=io.StringIO())


def _round_snapshot():
    return (
        sorted(
            StepScore.objects.filter(evaluation__round__year=2025).values_list(
                "step_id", "proposed", "final", "explanation"
            )
        ),
        sorted(
            CreditRecord.objects.filter(year=2025).values_list(
                "department_id", "score", "grade"
            )
        ),
    )


def _counts():
    return {
        "notices": Notice.objects.count(),
        "steps": Step.objects.count(),
        "events": Event.objects.count(),
        "projects": ExecutionProject.objects.count(),
        "receipts confirmed": Receipt.objects.filter(
            confirmed_at__isnull=False
        ).count(),
    }


def test_demo_past_year_finished_after_frozen_round(office_user, settings, tmp_path):
    # given last year played and its round published as of 2025-12-31, with
    # departments that never answered (open steps, unconfirmed receipts)
    settings.MEDIA_ROOT = str(tmp_path)
    _lead_list(8)
    out = io.StringIO()
    demo._seed_past_year_projects(office_user, out)
    demo._seed_rounds(office_user, out)
    past = ExecutionProject.objects.filter(year=2025)
    assert past.exclude(status=ExecutionProject.Status.CLOSED).exists()
    assert Receipt.objects.filter(project__year=2025, confirmed_at=None).exists()
    published = _round_snapshot()
    assert published[0] and published[1]
    # when the whole demo is seeded
    _seed_in_order()
    # then every 2025 project is closed (已闭环: its 通报 done), all steps
    # approved, all receipts confirmed, through the services (events) and
    # dated within 2025
    assert not past.exclude(status=ExecutionProject.Status.CLOSED).exists()
    assert past.filter(completed_at__lt=PAST_YEAR_END).count() == past.count()
    steps = Step.objects.filter(project__year=2025)
    assert not steps.exclude(status=Step.Status.APPROVED).exists()
    assert steps.filter(approved_at__lt=PAST_YEAR_END).count() == steps.count()
    assert not Receipt.objects.filter(project__year=2025, confirmed_at=None).exists()
    events = Event.objects.filter(project__year=2025)
    assert events.filter(action="close").count() == past.count()
    assert not events.filter(created_at__gte=PAST_YEAR_END).exists()
    # and the published round still says what the record said at publication
    assert EvaluationRound.objects.get(year=2025, quarter=0).status == "published"
    assert _round_snapshot() == published


def test_demo_second_seed_adds_nothing(office_user, settings, tmp_path):
    # given the demo seeded once (this year's and last year's projects)
    settings.MEDIA_ROOT = str(tmp_path)
    _lead_list(8)
    _seed_in_order()
    assert ExecutionProject.objects.filter(year=2025).exists()
    before = _counts()
    past_notices = Notice.objects.filter(project__year=2025)
    launch_notices = past_notices.count()  # the 告知单 sent at launch
    # when seeded again, then today's scan runs
    _seed_in_order()
    after_second_seed = _counts()
    scan_due()
    # then the second run added nothing, and nothing of 2025 is chased today
    assert after_second_seed == before
    assert past_notices.count() == launch_notices
    assert not past_notices.exclude(kind=Notice.Kind.NOTIFICATION).exists()
    assert not Notice.objects.filter(step__project__year=2025).exists()


def test_demo_year_round_is_judged_by_three_bodies_and_a_survey(
    office_user, settings, tmp_path
):
    # given the demo seeded (this year's and last year's projects)
    settings.MEDIA_ROOT = str(tmp_path)
    _lead_list(8)

    # when
    _seed_in_order()

    # then the 2026 year round has the bodies, their marks and the survey, and
    # its credit records are the combined score, not the record-based one alone
    round_ = EvaluationRound.objects.get(year=2026, quarter=0)
    assert round_.status == "published"
    bodies = services.round_bodies(round_)
    assert [(b.name, b.weight) for b in bodies] == [
        ("区委办", Decimal("0.50")),
        ("区委组织部", Decimal("0.20")),
        ("区纪委监委", Decimal("0.20")),
        ("群众企业满意度", Decimal("0.10")),
    ]
    ranked = {r["department_id"] for r in selectors.rankings(year=2026)}
    assert ranked
    assert BodyMark.objects.filter(round=round_).count() == 2 * len(ranked)
    assert SurveyResult.objects.filter(round=round_).count() == len(ranked)
    rows = services.combined_scores(round_.evaluations.all(), round_=round_)
    credit = dict(
        CreditRecord.objects.filter(year=2026).values_list("department_id", "score")
    )
    assert all(credit[r["department_id"]] == r["score"] for r in rows)
    assert any(r["score"] != r["execution"] for r in rows)
    # and last year's round keeps its standard without bodies
    assert not services.round_bodies(EvaluationRound.objects.get(year=2025, quarter=0))
