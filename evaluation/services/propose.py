"""Proposing score sheets from the record, as of a round's as-of date."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from config.errors import DomainError
from evaluation.models import (
    Adjustment,
    Deduction,
    Evaluation,
    EvaluationRound,
    KeyIndicatorMiss,
    StepScore,
)
from evaluation.services.scoring import q, score_step, step_counts
from evaluation.services.standards import (
    RATING_SHARE_FIELDS,
    standard_ensure_default,
)
from notices.models import ImplementationReport, Notice
from workflows.calendar import working_days_between
from workflows.models import Actor, Event, Receipt, Step

S = EvaluationRound.Status
FROZEN_MESSAGE = (
    "该评价轮次已发布，已冻结，不能修改；如需更正，请新建更正轮次并说明原因。"
)


def lock_editable(round_id: int) -> EvaluationRound:
    """Lock the round row and refuse unless it is a draft (frozen once published)."""
    round_ = EvaluationRound.objects.select_for_update().get(pk=round_id)
    if round_.is_frozen:
        raise DomainError(FROZEN_MESSAGE, code="frozen")
    if round_.status != S.DRAFT:
        raise DomainError("该评价轮次已复核，请先退回草稿再修改。", code="frozen")
    return round_


def round_as_of(round_: EvaluationRound, *, today: datetime.date | None = None):
    """截至日期: the period's last day, or today if that is earlier."""
    today = today or timezone.localdate()
    return min(round_.period_end, today)


def _standard_for(round_: EvaluationRound, flow_code: str, cache: dict):
    if flow_code not in cache:
        standard = round_.standards.filter(flow_code=flow_code).first()
        if standard is None:
            standard = standard_ensure_default(flow_code=flow_code)
            round_.standards.add(standard)
        cache[flow_code] = (
            standard,
            {s.code: s for s in standard.steps.all()},
            {r.kind: r for r in standard.rules.all()},
            list(standard.indicators.all()),
            {r: getattr(standard, f) for r, f in RATING_SHARE_FIELDS.items()},
        )
    return cache[flow_code]


def _local_date(value) -> datetime.date:
    return timezone.localtime(value).date()


def _record(project, steps, as_of):
    """Everything the rules read for one project, as it stood on `as_of`
    (a fixed number of queries)."""
    step_ids = [s.pk for s in steps]
    warnings = defaultdict(list)  # step id -> notices
    project_warnings = defaultdict(list)  # department id -> notices
    receipt_warnings = {}  # department id -> the first 警示单 on its receipt
    for notice in Notice.objects.filter(
        kind=Notice.Kind.WARNING, project=project, issued_on__lte=as_of
    ).order_by("created_at", "id"):
        if notice.step_id:
            warnings[notice.step_id].append(notice)
        elif notice.receipt_id:
            receipt_warnings.setdefault(notice.department_id, notice.pk)
        else:
            project_warnings[notice.department_id].append(notice)
    returns = defaultdict(list)
    approvals = {}
    receipt_events = {}
    for event in Event.objects.filter(project=project).order_by("created_at", "id"):
        if _local_date(event.created_at) > as_of:
            continue
        if event.step_id in step_ids and event.to_status == "returned":
            returns[event.step_id].append(event.pk)
        elif event.step_id in step_ids and event.to_status == "approved":
            approvals[event.step_id] = event.pk
        elif event.action == "receipt":
            receipt_events[event.department_id] = event.pk
    receipts = {r.department_id: r for r in Receipt.objects.filter(project=project)}
    assignments = defaultdict(list)
    for notice in Notice.objects.filter(
        kind=Notice.Kind.ASSIGNMENT, project=project, due_on__lte=as_of
    ).annotate(first_report=Min("reports__submitted_at")):
        assignments[notice.department_id].append(notice)
    returned_reports = defaultdict(list)
    for report in ImplementationReport.objects.filter(
        notice__project=project,
        status=ImplementationReport.Status.RETURNED,
        reviewed_at__isnull=False,
    ).select_related("notice"):
        if _local_date(report.reviewed_at) <= as_of:
            returned_reports[report.notice.department_id].append(report)
    return {
        "warnings": warnings,
        "project_warnings": project_warnings,
        "returns": returns,
        "approvals": approvals,
        "receipts": receipts,
        "receipt_events": receipt_events,
        "receipt_warnings": receipt_warnings,
        "assignments": assignments,
        "returned_reports": returned_reports,
    }


def _receipt_extras(department_id, record, rules, as_of) -> list:
    """The late-receipt line, if the department confirmed its receipt late."""
    rule = rules.get("receipt_day")
    receipt = record["receipts"].get(department_id)
    if rule is None or receipt is None or receipt.due_on >= as_of:
        return []
    confirmed = receipt.confirmed_at and _local_date(receipt.confirmed_at)
    end = confirmed if confirmed and confirmed <= as_of else as_of
    days = working_days_between(receipt.due_on, end)
    if days <= 0:
        return []
    how = "确认" if confirmed and confirmed <= as_of else "至今未确认"
    return [
        (
            "receipt",
            f"回执迟{days}个工作日{how}(每日扣{q(rule.points)}分，上限{q(rule.cap)}分)",
            rule.points * days,
            rule.cap,
            {
                "event_id": record["receipt_events"].get(department_id),
                "notice_id": record["receipt_warnings"].get(department_id),
            },
        )
    ]


def _department_extras(department_id, record, rules, as_of) -> list:
    """Lines the department's first counted step carries (see scoring rule 2)."""
    extras = _receipt_extras(department_id, record, rules, as_of)
    rule = rules.get("warning")
    for notice in record["project_warnings"].get(department_id, []):
        if rule is not None:
            extras.append(
                (
                    "warning",
                    f"警示单 {notice.number or notice.title}(每张扣{q(rule.points)}分，"
                    f"上限{q(rule.cap)}分)",
                    rule.points,
                    rule.cap,
                    {"notice_id": notice.pk},
                )
            )
    rule = rules.get("assignment")
    for notice in record["assignments"].get(department_id, []):
        answered = notice.first_report and _local_date(notice.first_report)
        if answered and answered <= notice.due_on:
            continue
        if rule is None:
            continue
        how = "逾期反馈" if answered and answered <= as_of else "未反馈"
        extras.append(
            (
                "assignment",
                f"交办单 {notice.number or notice.title} {how}"
                f"(每张扣{q(rule.points)}分，上限{q(rule.cap)}分)",
                rule.points,
                rule.cap,
                {"notice_id": notice.pk},
            )
        )
    rule = rules.get("report_return")
    for report in record["returned_reports"].get(department_id, []):
        if rule is None:
            continue
        notice = report.notice
        extras.append(
            (
                "report_return",
                f"{notice.get_kind_display()} {notice.number or notice.title} 的落实表"
                f"被退回(每次扣{q(rule.points)}分，上限{q(rule.cap)}分)",
                rule.points,
                rule.cap,
                {"notice_id": notice.pk},
            )
        )
    return extras


def _carried_adjustments(round_, project) -> dict:
    """A correction round starts from the corrected round's adjustments."""
    carried = {}
    if round_.corrects_id:
        for adj in (
            Adjustment.objects.filter(
                step_score__evaluation__round_id=round_.corrects_id,
                step_score__evaluation__project=project,
            )
            .select_related("step_score__evaluation")
            .order_by("created_at", "id")
        ):
            key = (adj.step_score.evaluation.department_id, adj.step_score.step_id)
            carried[key] = adj  # the last adjustment wins
    return carried


def _counted_steps(project, as_of) -> list:
    return [
        s
        for s in Step.objects.filter(project=project)
        .exclude(actor=Actor.OFFICE)
        .exclude(status=Step.Status.CANCELLED)
        .order_by("department_id", "order")
        if step_counts(s, as_of=as_of)
    ]


def _old_lines(existing: dict) -> tuple[dict, set]:
    """The sheets' current lines and the keys of those the office adjusted
    (whose final mark is kept)."""
    old_lines = {
        (line.evaluation_id, line.step_id): line
        for line in StepScore.objects.filter(evaluation__in=existing.values())
        .prefetch_related("adjustments")
        .only("id", "evaluation_id", "step_id", "final")
    }
    adjusted = {key for key, line in old_lines.items() if line.adjustments.all()}
    return old_lines, adjusted


def _misses(existing: dict) -> dict:
    misses = defaultdict(set)
    for miss in KeyIndicatorMiss.objects.filter(evaluation__in=existing.values()):
        misses[miss.evaluation_id].add(miss.indicator_id)
    return misses


def _sheets_for(round_, project, standard, existing: dict, by_department) -> list:
    """One sheet per department with counted steps, creating the missing ones."""
    new_sheets = [
        Evaluation(round=round_, project=project, department_id=d, standard=standard)
        for d in by_department
        if d not in existing
    ]
    for sheet in Evaluation.objects.bulk_create(new_sheets):
        existing[sheet.department_id] = sheet
    if any(s.pk is None for s in new_sheets):  # backends without RETURNING
        existing = {
            e.department_id: e
            for e in Evaluation.objects.filter(round=round_, project=project)
        }
    return [existing[d] for d in by_department]


def _score_sheet(sheet, steps, *, ctx, out) -> None:
    """Score one sheet's lines in memory: new lines go to out["create"], kept
    ones to out["update"], and every line (with what it needs for its
    deductions and carried adjustment) to out["pending"]; sets the totals."""
    department_id = sheet.department_id
    totals = {"proposed": Decimal(0), "final": Decimal(0), "max": Decimal(0)}
    warning_count = overdue_days = 0
    record, rules, as_of = ctx["record"], ctx["rules"], ctx["as_of"]
    extras = _department_extras(department_id, record, rules, as_of)
    for index, step in enumerate(steps):
        std = ctx["std_steps"].get(step.code)
        result = score_step(
            step,
            base=std.base_points if std else step.base_points,
            high=std.high_points if std else step.high_points,
            rules=rules,
            indicators=ctx["indicators_by_code"].get(step.code, []),
            missed_indicator_ids=ctx["misses"].get(sheet.pk, set()),
            warnings=record["warnings"].get(step.pk, []),
            return_event_ids=record["returns"].get(step.pk, []),
            approve_event_id=record["approvals"].get(step.pk),
            today=as_of,
            shares=ctx["shares"],
            extras=extras if index == 0 else None,
        )
        key = (sheet.pk, step.pk)
        line = ctx["old_lines"].get(key)
        final = line.final if key in ctx["adjusted"] else result.proposed
        carry = None
        if line is None:
            line = StepScore(evaluation=sheet, step=step)
            carry = ctx["carried"].get((department_id, step.pk))
            if carry is not None:
                final = min(carry.new_points, result.high)
            out["create"].append(line)
        else:
            out["kept"].add(line.pk)
            out["update"].append(line)
        line.code, line.name, line.order = step.code, step.name, step.order
        line.base_points, line.high_points = result.base, result.high
        line.proposed, line.final = result.proposed, final
        line.explanation = result.explanation
        out["pending"].append((line, step, result, carry))
        totals["proposed"] += result.proposed
        totals["final"] += final
        totals["max"] += result.high
        warning_count += result.warnings
        overdue_days += result.overdue_days
    sheet.standard = ctx["standard"]
    sheet.is_lead = department_id == ctx["project"].lead_department_id
    sheet.proposed_total = q(totals["proposed"])
    sheet.total = q(totals["final"])
    sheet.max_total = q(totals["max"])
    sheet.warnings = warning_count
    sheet.overdue_days = overdue_days
    sheet.updated_at = timezone.now()


def _save_lines(sheets, out) -> None:
    # Lines of steps this round no longer counts (the as-of date moved) go.
    StepScore.objects.filter(evaluation__in=sheets).exclude(pk__in=out["kept"]).delete()
    to_create = out["create"]
    StepScore.objects.bulk_create(to_create)
    if any(line.pk is None for line in to_create):
        ids = {
            (ln.evaluation_id, ln.step_id): ln.pk
            for ln in StepScore.objects.filter(evaluation__in=sheets)
        }
        for line in to_create:
            line.pk = line.id = ids[(line.evaluation_id, line.step_id)]
    StepScore.objects.bulk_update(
        out["update"],
        ["code", "name", "order", "base_points", "high_points", "proposed", "final"]
        + ["explanation"],
    )


def _save_deductions(pending, actor) -> None:
    """Deductions, and the adjustments a correction round carries over; after
    the lines are saved, since both point at them."""
    deductions, adjustments = [], []
    for line, step, result, carry in pending:
        deductions.extend(
            Deduction(
                evaluation_id=line.evaluation_id,
                step_score=line,
                kind=ln.kind,
                reason=f"{step.name}：{ln.reason}"[:300],
                points=ln.points,
                source_event_id=ln.event_id,
                source_notice_id=ln.notice_id,
            )
            for ln in result.lines
        )
        if carry is not None:
            adjustments.append(
                Adjustment(
                    step_score=line,
                    actor=actor,
                    old_points=result.proposed,
                    new_points=line.final,
                    reason=f"沿用被更正轮次的调整：{carry.reason}",
                )
            )
    Deduction.objects.bulk_create(deductions)
    Adjustment.objects.bulk_create(adjustments)


def _by_step_code(indicators) -> dict:
    indicators_by_code = defaultdict(list)
    for indicator in indicators:
        indicators_by_code[indicator.step_code].append(indicator)
    return indicators_by_code


def _write_sheets(sheets, by_department, *, ctx, actor) -> None:
    """Recompute the sheets' lines, deductions and totals and save them in bulk
    (a fixed number of queries, however many sheets and lines)."""
    Deduction.objects.filter(evaluation__in=sheets).delete()
    out = {"kept": set(), "create": [], "update": [], "pending": []}
    for sheet in sheets:
        _score_sheet(sheet, by_department[sheet.department_id], ctx=ctx, out=out)
    _save_lines(sheets, out)
    _save_deductions(out["pending"], actor)
    Evaluation.objects.bulk_update(
        sheets,
        ["standard", "is_lead", "proposed_total", "total", "max_total"]
        + ["warnings", "overdue_days", "updated_at"],
    )


@transaction.atomic
def evaluation_propose(
    *,
    round: EvaluationRound,  # noqa: A002 - the users' word
    project,
    actor=None,
    today: datetime.date | None = None,
    _standards: dict | None = None,
) -> list[Evaluation]:
    """Propose every department's score sheet for `project` from its record, as
    of the round's as-of date. A department with nothing counted has no sheet.

    Lines adjusted by the office keep their final mark; everything else (proposed
    marks, deductions, totals) is recomputed. Office steps are never scored.
    Side effects: creates/updates/deletes Evaluation, StepScore, Deduction rows
    (in bulk, a fixed number of queries per project).
    """
    round_ = lock_editable(round.pk)
    if project.year != round_.year:
        raise DomainError("项目年度与评价轮次年度不一致。")
    as_of = round_as_of(round_, today=today)
    standard, std_steps, rules, indicators, shares = _standard_for(
        round_, project.flow, _standards if _standards is not None else {}
    )
    existing = {
        e.department_id: e
        for e in Evaluation.objects.filter(round=round_, project=project)
    }
    steps = _counted_steps(project, as_of)
    by_department = defaultdict(list)
    for step in steps:
        by_department[step.department_id].append(step)
    # Nothing counted, no sheet: such a department is not ranked on this project.
    gone = [e.pk for d, e in existing.items() if d not in by_department]
    if gone:
        Evaluation.objects.filter(pk__in=gone).delete()
        # A deleted sheet leaves no updated_at behind: the round's tells the ETag.
        EvaluationRound.objects.filter(pk=round_.pk).update(updated_at=timezone.now())
    record = _record(project, steps, as_of)
    old_lines, adjusted = _old_lines(existing)
    ctx = {
        "project": project,
        "standard": standard,
        "as_of": as_of,
        "record": record,
        "rules": rules,
        "std_steps": std_steps,
        "indicators_by_code": _by_step_code(indicators),
        "shares": shares,
        "old_lines": old_lines,
        "adjusted": adjusted,
        "carried": _carried_adjustments(round_, project),
        "misses": _misses(existing),
    }
    sheets = _sheets_for(round_, project, standard, existing, by_department)
    _write_sheets(sheets, by_department, ctx=ctx, actor=actor)
    return sheets
