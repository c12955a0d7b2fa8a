"""The scoring rules: from one step's record to a proposed mark with its reasons.

Pure functions over already loaded rows, so a whole project is scored with a fixed
number of queries. The rules (all amounts come from the ScoringStandard version):

0. A round counts a step only when it was due by the round's as-of date or
   approved by then; the rest count neither in points nor in the maximum. The
   record is read as it stood on the as-of date.
1. Start from the rating given at approval: 合格 = 基点, 优秀 = 高点, 良好 between
   (the standard's shares). A counted step not approved by the as-of date starts
   at 基点 and carries its overdue days.
2. Deduct per warning (警示单) on the step, per overdue working day (approval
   date, or the as-of date if not approved, against the deadline), per returned
   submission; on the department's first counted step also per working day its
   receipt was late (or is still missing), per 交办单 answered late or not at
   all, per returned 落实表, and per 警示单 on the project as a whole. Each kind
   is capped per step by its rule; the step never goes below 0.
3. A key indicator of the step that is missing (the step is not approved, or the
   office recorded a miss) caps the step at a share of its base mark, or zeroes it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from workflows.calendar import working_days_between

CENT = Decimal("0.01")
_UNKNOWN = object()
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


RATING_LABELS = {"excellent": "优秀", "good": "良好", "pass": "合格"}


def approved_on(step) -> datetime.date | None:
    # A proposal works out each loaded step's date once (propose._counted_steps).
    known = step.__dict__.get("approved_date", _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    if step.approved_at is None or step.status != "approved":
        return None
    return timezone.localtime(step.approved_at).date()


def step_counts(step, *, as_of: datetime.date) -> bool:
    """A round counts a step due by its as-of date or approved by then."""
    done = approved_on(step)
    return step.due_on <= as_of or (done is not None and done <= as_of)


def overdue_working_days(step, *, today: datetime.date, days_between=None) -> int:
    """Working days after the deadline until approval (or `today`, the as-of
    date, if not approved by then). `days_between` stands in for
    working_days_between (a memoized copy when scoring many steps)."""
    done = approved_on(step)
    end = done if done is not None and done <= today else today
    return (days_between or working_days_between)(step.due_on, end)


def rated_mark(*, base: Decimal, high: Decimal, rating: str, shares: dict) -> Decimal:
    """The mark a rating earns: 基点 + share × (高点 − 基点)."""
    share = Decimal(shares.get(rating or "pass", 0))
    return q(base + share * (high - base))


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
    shares: dict | None = None,
    extras: list | None = None,
    days_between=None,
) -> StepResult:
    """Apply the rules above to one step as of `today` (the round's as-of date).

    `rules` maps DeductionRule.kind to the rule; `warnings` are Notice rows of
    kind warning on this step; `shares` maps a rating to its share of
    (高点 − 基点); `extras` are the department-level lines (kind, reason,
    points, cap, source) that this step carries."""
    base, high = q(base), q(high)
    done = approved_on(step)
    approved = done is not None and done <= today
    if approved:
        start = rated_mark(
            base=base, high=high, rating=step.rating, shares=shares or {}
        )
        label = RATING_LABELS.get(step.rating or "pass", "合格")
        opening = f"评定{label}，得{start}(基点{base}，高点{high})"
    else:
        start = base
        opening = f"截至{today:%Y-%m-%d}未审核通过，按基点{base}计"
    score = start
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

    days = overdue_working_days(step, today=today, days_between=days_between)
    rule = rules.get("overdue_day")
    if rule is not None and days > 0:
        when = "审核通过" if approved else "至今未通过"
        take(
            "overdue",
            f"逾期{days}个工作日({when}；每日扣{q(rule.points)}分，"
            f"上限{q(rule.cap)}分)",
            rule.points * days,
            q(rule.cap),
            event_id=approve_event_id if approved else None,
            # not approved yet: the 警示单 that chased it names the lateness
            notice_id=None if approved or not warnings else warnings[0].pk,
        )

    rule = rules.get("return")
    returns = len(return_event_ids)
    if rule is not None and returns:
        left = q(rule.cap)
        for i in range(returns):
            left = take(
                "return",
                f"佐证材料第{i + 1}次被退回(每次扣{q(rule.points)}分，"
                f"上限{q(rule.cap)}分)",
                rule.points,
                left,
                event_id=return_event_ids[i],
            )

    caps: dict[str, Decimal] = {}
    for kind, reason, points, cap, source in extras or []:
        left = caps.get(kind, q(cap))
        caps[kind] = take(kind, reason, points, left, **source)

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
        parts = [opening] + [f"-{ln.points} {ln.reason}" for ln in lines]
        explanation = "；".join(parts) + f"；建议得分{score}"
    elif approved:
        explanation = f"{opening}，按时完成且一次审核通过，无扣分"
    else:
        explanation = f"{opening}，尚未逾期"
    return StepResult(
        base=base,
        high=high,
        proposed=score,
        overdue_days=days,
        warnings=len(warnings),
        lines=lines,
        explanation=explanation,
    )
