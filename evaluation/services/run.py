"""One call for operators and cron: a period's round proposed (and published)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from config.errors import DomainError
from evaluation.models import Evaluation, EvaluationRound
from evaluation.services.rounds import (
    round_create,
    round_propose_all,
    round_publish,
    round_reopen,
    round_review,
)
from org.models import Office
from workflows.models import ExecutionProject

S = EvaluationRound.Status


@dataclass
class RoundRun:
    round: EvaluationRound
    created: bool
    sheets: int
    published: bool
    closed_projects: int = 0


def round_run(
    *,
    year: int,
    quarter: int = 0,
    publish: bool = False,
    actor=None,
    today: datetime.date | None = None,
    office=None,
) -> RoundRun:
    """Create (or take the open) draft round of the period, propose every sheet,
    and with `publish` review and publish it.

    A period already published is refused (a correction is the office's call).
    Side effects: as round_create, round_propose_all, round_review and
    round_publish.
    """
    office = office or Office.default()
    period = EvaluationRound.objects.filter(office=office, year=year, quarter=quarter)
    if period.filter(status=S.PUBLISHED).exists():
        raise DomainError(
            f"{year}年该期间的评价轮次已发布；如需更正，请在页面上新建更正轮次。"
        )
    with transaction.atomic():
        round_ = period.filter(status__in=[S.DRAFT, S.REVIEWED]).first()
        created = round_ is None
        if created:
            round_ = round_create(
                year=year, quarter=quarter, actor=actor, office=office
            )
        elif round_.status == S.REVIEWED:
            round_reopen(round=round_, actor=actor, reason="round_run 重新计算")
        sheets = round_propose_all(round=round_, actor=actor, today=today)
        closed = 0
        if publish:
            round_review(round=round_, actor=actor)
            before = ExecutionProject.objects.filter(
                status=ExecutionProject.Status.CLOSED
            ).count()
            round_publish(round=round_, actor=actor)
            closed = (
                ExecutionProject.objects.filter(
                    status=ExecutionProject.Status.CLOSED
                ).count()
                - before
            )
    return RoundRun(
        round=round_,
        created=created,
        sheets=sheets,
        published=publish,
        closed_projects=closed,
    )


def round_summary(round_: EvaluationRound) -> dict:
    """Counts per grade of the round's ranked departments (for the command)."""
    from evaluation.models import RankingEntry
    from evaluation.services.rankings import ranking_compute

    if round_.is_frozen and RankingEntry.objects.filter(round=round_).exists():
        rows = list(RankingEntry.objects.filter(round=round_).values("grade"))
    else:
        rows = ranking_compute(Evaluation.objects.filter(round=round_), round_=round_)
    grades: dict[str, int] = {}
    for row in rows:
        grades[row["grade"]] = grades.get(row["grade"], 0) + 1
    return {"ranked": len(rows), "grades": dict(sorted(grades.items()))}
