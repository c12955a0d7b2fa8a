"""评价可量化: scoring standards, rounds, score sheets, credit records.

Statuses change only through `evaluation.services` (one transition helper per
status machine); the admin shows them read-only.

The models live in focused modules (standards, rounds, sheets, credit, ratings);
every name is re-exported here, so `from evaluation.models import X` holds.
"""

from evaluation.models.common import FLOW_CHOICES, POINTS
from evaluation.models.credit import CreditRecord, GradeThreshold
from evaluation.models.jobs import RoundJob
from evaluation.models.joint import (
    BodyMark,
    BodyMissing,
    EvaluatingBody,
    SurveyResult,
)
from evaluation.models.rankings import RankingEntry
from evaluation.models.ratings import PeerRating
from evaluation.models.rounds import EvaluationRound, RoundEvent
from evaluation.models.sheets import (
    Adjustment,
    Deduction,
    Evaluation,
    KeyIndicatorMiss,
    StepScore,
)
from evaluation.models.standards import (
    DeductionRule,
    KeyIndicator,
    ScoringStandard,
    StandardStep,
)

__all__ = [
    "FLOW_CHOICES",
    "POINTS",
    "ScoringStandard",
    "StandardStep",
    "KeyIndicator",
    "DeductionRule",
    "EvaluationRound",
    "RoundEvent",
    "Evaluation",
    "StepScore",
    "Deduction",
    "KeyIndicatorMiss",
    "Adjustment",
    "GradeThreshold",
    "CreditRecord",
    "RankingEntry",
    "RoundJob",
    "PeerRating",
    "EvaluatingBody",
    "BodyMark",
    "BodyMissing",
    "SurveyResult",
]
