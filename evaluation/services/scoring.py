"""The scoring rules: from one step's record to a proposed mark with its reasons.

Pure functions over already loaded rows, so a whole project is scored with a fixed
number of queries. The rules (all amounts come from the ScoringStandard version):

1. Start from the base mark (基点): on time and approved at the first submission
   keeps it whole.
2. Deduct per warning (警示单) on the step, per overdue working day (approval
   date, or today if not approved, against the deadline), per returned
   submission. Each kind is capped per step by its rule; the step never goes
   below 0.
3. A key indicator of the step that is missing (the step is not approved, or the
   office recorded a miss) caps the step at a share of its base mark, or zeroes it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from workflows.calendar import working_days_between

CENT = Decimal("0.01")
ZERO = Decimal("0")


def q(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    kind: str
    reason: str
    points: Decimal
    event_id: int | None = None
    notice_id: int | None = None


@dataclass
class StepResult:
    base: Decimal
    high: Decimal
    proposed: Decimal
    overdue_days: int
    warnings: int
    lines: list[Line] = field(default_factory=list)
    explanation: str = ""


def overdue_working_days(step, *, today: datetime.date) -> int:
    """Working days after the deadline until approval (or today if not approved)."""
    if step.approved_at is not None:
        end = timezone.localtime(step.approved_at).date()
    else:
        end = today
    return working_days_between(step.due_on, end)


def score_step(
    step,
    *,
    base: Decimal,
    high: Decimal,
    rules: dict,
    indicators: list,
    missed_indicator_ids: set,
    warnings: list,
    return_event_ids: list,
    approve_event_id: int | None,
    today: datetime.date,
) -> StepResult:
    """Apply the rules above to one step. `rules` maps DeductionRule.kind to the
    rule; `warnings` are Notice rows of kind warning on this step."""
    base = q(base)
    score = base
    lines: list[Line] = []

    def take(kind, reason, points, cap_left, **source):
        nonlocal score
        points = min(q(points), cap_left, score)
        if points <= 0:
            return cap_left
        score -= points
        lines.append(Line(kind, reason, points, **source))
        return cap_left - points

    rule = rules.get("warning")
    if rule is not None:
        left = q(rule.cap)
        for notice in warnings:
            label = notice.number or notice.title
            left = take(
                "warning",
                f"警示单 {label}(每张扣{q(rule.points)}分，上限{q(rule.cap)}分)",
                rule.points,
                left,
                notice_id=notice.pk,
            )

    days = overdue_working_days(step, today=today)
    rule = rules.get("overdue_day")
    if rule is not None and days > 0:
        when = "审核通过" if step.approved_at else "至今未通过"
        take(
            "overdue",
            f"逾期{days}个工作日({when}；每日扣{q(rule.points)}分，"
            f"上限{q(rule.cap)}分)",
            rule.points * days,
            q(rule.cap),
            event_id=approve_event_id,
        )

    rule = rules.get("return")
    returns = max(step.return_count, len(return_event_ids))
    if rule is not None and returns:
        left = q(rule.cap)
        for i in range(returns):
            event_id = return_event_ids[i] if i < len(return_event_ids) else None
            left = take(
                "return",
                f"佐证材料第{i + 1}次被退回(每次扣{q(rule.points)}分，"
                f"上限{q(rule.cap)}分)",
                rule.points,
                left,
                event_id=event_id,
            )

    approved = step.status == "approved"
    for indicator in indicators:
        if approved and indicator.pk not in missed_indicator_ids:
            continue
        why = "步骤未审核通过" if not approved else "办公室核定未达成"
        if indicator.effect == "zero":
            limit = ZERO
            rule_text = "该步骤记零分"
        else:
            limit = q(base * indicator.cap_share)
            rule_text = f"最多得基点的{q(indicator.cap_share * 100)}%"
        if score > limit:
            lines.append(
                Line(
                    "indicator",
                    f"关键指标未达成：{indicator.description}({why}，{rule_text})",
                    score - limit,
                )
            )
            score = limit

    if lines:
        parts = [f"基点{base}"] + [f"-{ln.points} {ln.reason}" for ln in lines]
        explanation = "；".join(parts) + f"；建议得分{score}"
    elif approved:
        explanation = f"按时完成且一次审核通过，得基点{base}"
    else:
        explanation = f"尚未审核通过，暂未逾期，暂按基点{base}计"
    return StepResult(
        base=base,
        high=q(high),
        proposed=score,
        overdue_days=days,
        warnings=len(warnings),
        lines=lines,
        explanation=explanation,
    )
