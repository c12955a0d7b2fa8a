"""Proposing score sheets from the record, as of a round's as-of date."""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Exists, Min, OuterRef
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
from workflows.calendar import is_working_day
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
    """The round's standard of a flow with its lines, once per round and flow
    (`cache` lives across the batches of a round): the version the round uses,
    else the one in force for the round's office (its 本区调整 or 全市默认)."""
    if flow_code not in cache:
        standard = round_.standards.filter(flow_code=flow_code).first()
        if standard is None:
            standard = standard_ensure_default(
                flow_code=flow_code, office=round_.office_id
            )
            round_.standards.add(standard)
        cache[flow_code] = (
            standard,
            {s.code: s for s in standard.steps.all()},
            {r.kind: r for r in standard.rules.all()},
            list(standard.indicators.all()),
            {r: getattr(standard, f) for r, f in RATING_SHARE_FIELDS.items()},
        )
    return cache[flow_code]


class WorkingDays:
    """working_days_between for one proposal (all its batches): the calendar is
    asked once per date and a count is a difference of running totals, however
    many steps ask. Days are counted on the office's own calendar (its own
    holidays over the default ones)."""

    def __init__(self, office_id: int | None = None):
        self.office_id = office_id
        self.origin = None
        self.totals = [0]  # working days d with origin < d <= origin + i

    def _total(self, day: datetime.date) -> int:
        if self.origin is None or day < self.origin:
            self.origin = day - datetime.timedelta(days=366)
            self.totals = [0]
        index = (day - self.origin).days
        one = datetime.timedelta(days=1)
        while len(self.totals) <= index:
            next_day = self.origin + one * len(self.totals)
            self.totals.append(
                self.totals[-1]
                + int(is_working_day(next_day, office_id=self.office_id))
            )
        return self.totals[index]

    def __call__(self, start: datetime.date, end: datetime.date) -> int:
        if end <= start:
            return 0
        return self._total(end) - self._total(start)


def _local_date(value, tz=None) -> datetime.date:
    """The local date of an aware datetime; `tz` is the current time zone,
    looked up once by a caller converting many."""
    return value.astimezone(tz or timezone.get_current_timezone()).date()


def _day_after(day: datetime.date) -> datetime.datetime:
    """The first instant (local time) after `day`: `at < _day_after(day)`
    exactly when _local_date(at) <= day."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


def _by_project(rows) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.project_id].append(row)
    return grouped


def _empty_record() -> dict:
    return {
        "warnings": defaultdict(list),  # step id -> notices
        "project_warnings": defaultdict(list),  # department id -> notices
        "returns": defaultdict(list),
        "approvals": {},
        "receipts": {},
        "receipt_events": {},
        "receipt_warnings": {},  # department id -> the first 警示单 on its receipt
        "assignments": defaultdict(list),
        "returned_reports": defaultdict(list),
    }


class NoticeRow:
    """The values of a Notice that scoring reads (pk, number, title; more as
    set), loaded without a model instance."""

    def __init__(self, pk, number, title):
        self.pk = pk
        self.number = number
        self.title = title


def _records(project_ids, steps_by_project, as_of) -> dict:
    """Everything the rules read for each project, as it stood on `as_of`
    (a fixed number of queries for the whole batch of projects)."""
    records = {pk: _empty_record() for pk in project_ids}
    tz = timezone.get_current_timezone()
    # Notices and reports are read as the few values the rules use (a Notice
    # instance parses a score of columns, its body and timestamps among them).
    for pk, project_id, step_id, receipt_id, department_id, number, title in (
        Notice.objects.filter(
            kind=Notice.Kind.WARNING, project_id__in=project_ids, issued_on__lte=as_of
        )
        .order_by("created_at", "id")
        .values_list(
            "pk",
            "project_id",
            "step_id",
            "receipt_id",
            "department_id",
            "number",
            "title",
        )
    ):
        record = records[project_id]
        if step_id:
            record["warnings"][step_id].append(NoticeRow(pk, number, title))
        elif receipt_id:
            record["receipt_warnings"].setdefault(department_id, pk)
        else:
            record["project_warnings"][department_id].append(
                NoticeRow(pk, number, title)
            )
    step_ids = {pk: {s.pk for s in steps_by_project.get(pk, [])} for pk in project_ids}
    events = (
        Event.objects.filter(
            project_id__in=project_ids, created_at__lt=_day_after(as_of)
        )
        .order_by("created_at", "id")
        .values_list(
            "pk", "project_id", "step_id", "department_id", "action", "to_status"
        )
    )
    for pk, project_id, step_id, department_id, action, to_status in events:
        record = records[project_id]
        counted = step_id in step_ids[project_id]
        if counted and to_status == "returned":
            record["returns"][step_id].append(pk)
        elif counted and to_status == "approved":
            record["approvals"][step_id] = pk
        elif action == "receipt":
            record["receipt_events"][department_id] = pk
    for project_id, department_id, due_on, confirmed_at in Receipt.objects.filter(
        project_id__in=project_ids
    ).values_list("project_id", "department_id", "due_on", "confirmed_at"):
        records[project_id]["receipts"][department_id] = SimpleNamespace(
            due_on=due_on,
            confirmed_on=confirmed_at and _local_date(confirmed_at, tz),
        )
    for pk, project_id, department_id, number, title, due_on, first_report in (
        Notice.objects.filter(
            kind=Notice.Kind.ASSIGNMENT, project_id__in=project_ids, due_on__lte=as_of
        )
        .annotate(first_report=Min("reports__submitted_at"))
        .order_by("id")
        .values_list(
            "pk",
            "project_id",
            "department_id",
            "number",
            "title",
            "due_on",
            "first_report",
        )
    ):
        notice = NoticeRow(pk, number, title)
        notice.due_on = due_on
        notice.answered_on = first_report and _local_date(first_report, tz)
        records[project_id]["assignments"][department_id].append(notice)
    kinds = dict(Notice.Kind.choices)
    # in the reports' own ordering (by notice, then the latest first)
    for (
        reviewed_at,
        pk,
        project_id,
        department_id,
        kind,
        number,
        title,
    ) in ImplementationReport.objects.filter(
        notice__project_id__in=project_ids,
        status=ImplementationReport.Status.RETURNED,
        reviewed_at__isnull=False,
    ).values_list(
        "reviewed_at",
        "notice_id",
        "notice__project_id",
        "notice__department_id",
        "notice__kind",
        "notice__number",
        "notice__title",
    ):
        if _local_date(reviewed_at, tz) <= as_of:
            notice = NoticeRow(pk, number, title)
            notice.kind_display = str(kinds.get(kind, kind))
            record = records[project_id]
            record["returned_reports"][department_id].append(
                SimpleNamespace(notice=notice)
            )
    return records


def _receipt_extras(department_id, record, rules, as_of, days_between) -> list:
    """The late-receipt line, if the department confirmed its receipt late."""
    rule = rules.get("receipt_day")
    receipt = record["receipts"].get(department_id)
    if rule is None or receipt is None or receipt.due_on >= as_of:
        return []
    confirmed = receipt.confirmed_on
    end = confirmed if confirmed and confirmed <= as_of else as_of
    days = days_between(receipt.due_on, end)
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


def _department_extras(department_id, record, rules, as_of, days_between) -> list:
    """Lines the department's first counted step carries (see scoring rule 2)."""
    extras = _receipt_extras(department_id, record, rules, as_of, days_between)
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
        answered = notice.answered_on
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
                f"{notice.kind_display} {notice.number or notice.title} 的落实表"
                f"被退回(每次扣{q(rule.points)}分，上限{q(rule.cap)}分)",
                rule.points,
                rule.cap,
                {"notice_id": notice.pk},
            )
        )
    return extras


def _carried_adjustments(round_, project_ids) -> dict:
    """A correction round starts from the corrected round's adjustments:
    (project id, department id, step id) -> the last one."""
    carried = {}
    if round_.corrects_id:
        for adj in (
            Adjustment.objects.filter(
                step_score__evaluation__round_id=round_.corrects_id,
                step_score__evaluation__project_id__in=project_ids,
            )
            .select_related("step_score__evaluation")
            .order_by("created_at", "id")
        ):
            sheet = adj.step_score.evaluation
            key = (sheet.project_id, sheet.department_id, adj.step_score.step_id)
            carried[key] = adj  # the last adjustment wins
    return carried


class StepRow:
    """The fields of a Step that scoring reads, loaded as plain values: a
    proposal reads some ten thousand steps and needs no model instance (nor
    their JSON columns) for any of them."""

    FIELDS = (
        "id",
        "project_id",
        "department_id",
        "code",
        "name",
        "order",
        "base_points",
        "high_points",
        "due_on",
        "status",
        "rating",
        "approved_at",
    )

    def __init__(self, values):
        self.__dict__.update(zip(self.FIELDS, values, strict=True))
        self.pk = self.id


def _counted_steps(project_ids, as_of) -> dict:
    """Project id -> its counted steps (StepRow), by department and order. Each
    step carries its approval date (`approved_date`, local), worked out once."""
    tz = timezone.get_current_timezone()
    steps = [
        StepRow(values)
        for values in Step.objects.filter(project_id__in=project_ids)
        .exclude(actor=Actor.OFFICE)
        .exclude(status=Step.Status.CANCELLED)
        .order_by("project_id", "department_id", "order")
        .values_list(*StepRow.FIELDS)
    ]
    for step in steps:
        step.approved_date = (
            step.approved_at.astimezone(tz).date()
            if step.approved_at is not None and step.status == Step.Status.APPROVED
            else None
        )
    return _by_project(s for s in steps if step_counts(s, as_of=as_of))


def _old_lines(sheets: list) -> tuple[dict, set]:
    """The sheets' current lines, (sheet id, step id) -> (line id, final mark,
    the stored values of LINE_FIELDS[2:] as a tuple), and the keys of those
    the office adjusted (whose final mark is kept)."""
    if not sheets:
        return {}, set()
    old_lines, adjusted = {}, set()
    for pk, sheet_id, step_id, was_adjusted, *values in (
        StepScore.objects.filter(evaluation_id__in=[s.pk for s in sheets])
        .order_by()  # the default ordering joins the sheet, round, project, ...
        .annotate(adjusted=Exists(Adjustment.objects.filter(step_score=OuterRef("pk"))))
        .values_list("id", "evaluation_id", "step_id", "adjusted", *LINE_FIELDS[2:])
    ):
        old_lines[(sheet_id, step_id)] = (pk, values[FINAL - 3], tuple(values))
        if was_adjusted:
            adjusted.add((sheet_id, step_id))
    return old_lines, adjusted


def _misses(sheets: list) -> dict:
    misses = defaultdict(set)
    if sheets:
        for miss in KeyIndicatorMiss.objects.filter(
            evaluation_id__in=[s.pk for s in sheets]
        ).order_by():
            misses[miss.evaluation_id].add(miss.indicator_id)
    return misses


def _sheets_for(round_, projects, existing: dict, departments: dict) -> dict:
    """Project id -> one sheet per department with counted steps: the existing
    ones, and new unsaved ones for the rest (_write_sheets inserts those with
    their totals). `existing` maps (project id, department id) to a sheet;
    `departments` maps a project id to (its standard, its departments with
    counted steps). New sheets get ids, not related instances: setting a
    relation through its descriptor costs more than the rest of the sheet."""
    return {
        p.pk: [
            existing.get((p.pk, d))
            or Evaluation(
                round_id=round_.pk,
                project_id=p.pk,
                department_id=d,
                standard_id=standard.pk,
            )
            for d in ds
        ]
        for p in projects
        for standard, ds in [departments[p.pk]]
    }


def _insert_sheets(round_, sheets: list) -> None:
    """INSERT the new sheets (one query for the batch); set their pks."""
    _bulk_insert(Evaluation, sheets)
    if any(s.pk is None for s in sheets):  # backends without RETURNING
        ids = {
            (e.project_id, e.department_id): e.pk
            for e in Evaluation.objects.filter(
                round=round_, project_id__in={s.project_id for s in sheets}
            )
        }
        for sheet in sheets:
            sheet.pk = ids[(sheet.project_id, sheet.department_id)]


# A line of a sheet while it is proposed: a plain list (no model instance),
# [line id (None until inserted), sheet, step id] + LINE_FIELDS[2:].
LINE_FIELDS = (
    "evaluation_id",
    "step_id",
    "code",
    "name",
    "order",
    "base_points",
    "high_points",
    "proposed",
    "final",
    "explanation",
)
FINAL = LINE_FIELDS.index("final") + 1  # index of the final mark in a line
DEDUCTION_FIELDS = (
    "evaluation_id",
    "step_score_id",
    "kind",
    "reason",
    "points",
    "source_event_id",
    "source_notice_id",
)


def _score_sheet(sheet, steps, *, ctx, out) -> None:
    """Score one sheet's lines in memory: new lines go to out["create"], kept
    ones to out["update"], and every line (with what it needs for its
    deductions and carried adjustment) to out["pending"]; sets the totals."""
    department_id = sheet.department_id
    totals = {"proposed": Decimal(0), "final": Decimal(0), "max": Decimal(0)}
    warning_count = overdue_days = 0
    record, rules, as_of = ctx["record"], ctx["rules"], ctx["as_of"]
    days_between = ctx["days_between"]
    extras = _department_extras(department_id, record, rules, as_of, days_between)
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
            days_between=days_between,
        )
        key = (sheet.pk, step.pk)
        old = ctx["old_lines"].get(key)  # (line id, final mark, stored values)
        final = old[1] if key in ctx["adjusted"] else result.proposed
        carry = None
        if old is None:
            carry = ctx["carried"].get((department_id, step.pk))
            if carry is not None:
                final = min(carry.new_points, result.high)
        # the sheet may be new: its pk is read once it is saved
        line = [
            None if old is None else old[0],
            sheet,
            step.pk,
            step.code,
            step.name,
            step.order,
            result.base,
            result.high,
            result.proposed,
            final,
            result.explanation,
        ]
        if old is None:
            out["create"].append(line)
        else:
            out["kept"].add(old[0])
            # A line proposed again as it stands is not written again.
            if tuple(line[3:]) != old[2]:
                out["update"].append(line)
        out["pending"].append((line, step, result, carry))
        totals["proposed"] += result.proposed
        totals["final"] += final
        totals["max"] += result.high
        warning_count += result.warnings
        overdue_days += result.overdue_days
    sheet.standard_id = ctx["standard"].pk
    sheet.is_lead = department_id == ctx["project"].lead_department_id
    sheet.proposed_total = q(totals["proposed"])
    sheet.total = q(totals["final"])
    sheet.max_total = q(totals["max"])
    sheet.warnings = warning_count
    sheet.overdue_days = overdue_days
    sheet.updated_at = timezone.now()


# Values PostgreSQL's fields would pass to the driver unchanged (their
# get_db_prep_save is a dozen Python calls per value, to the same value).
_PREPARED_TYPES = frozenset({type(None), bool, int, str, Decimal})


def _update_rows(model, fields, rows, *, rows_per_query=2000) -> None:
    """UPDATE rows given as plain tuples (pk, *values in `fields` order): one
    UPDATE ... FROM (VALUES ...) per `rows_per_query` rows on PostgreSQL
    (Django's bulk_update builds CASE WHEN, seconds of Python per thousand
    rows); bulk_update elsewhere. `fields` are names of concrete fields."""
    if not rows:
        return
    meta = model._meta
    cols = [meta.pk] + [meta.get_field(f) for f in fields]
    if connection.vendor != "postgresql":
        objs = [
            model(**{c.attname: value for c, value in zip(cols, row, strict=True)})
            for row in rows
        ]
        model.objects.bulk_update(objs, fields)
        return
    qn = connection.ops.quote_name
    row = "(" + ", ".join(f"%s::{c.db_type(connection)}" for c in cols) + ")"
    sets = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}" for c in cols[1:])
    names = ", ".join(qn(c.column) for c in cols)
    pk = qn(meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), rows_per_query):
            chunk = rows[start : start + rows_per_query]
            params = [
                value
                if type(value) in _PREPARED_TYPES
                else c.get_db_prep_save(value, connection)
                for values in chunk
                for c, value in zip(cols, values, strict=True)
            ]
            cursor.execute(
                f"UPDATE {qn(meta.db_table)} AS t SET {sets} "
                f"FROM (VALUES {', '.join([row] * len(chunk))}) AS v({names}) "
                f"WHERE t.{pk} = v.{pk}",
                params,
            )


def _bulk_update(model, objs, fields, *, rows_per_query=2000) -> None:
    """Model.objects.bulk_update, through _update_rows on PostgreSQL."""
    objs = list(objs)
    if connection.vendor != "postgresql":
        if objs:
            model.objects.bulk_update(objs, fields)
        return
    attnames = [model._meta.get_field(f).attname for f in fields]
    _update_rows(
        model,
        fields,
        [(obj.pk, *[getattr(obj, a) for a in attnames]) for obj in objs],
        rows_per_query=rows_per_query,
    )


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# COPY's text format of each type proposal writes (looked up by exact type:
# one dict lookup per value, where an isinstance chain costs several calls)
_COPY_TEXT = {
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    int: str,
    Decimal: str,
    str: lambda value: value.translate(_COPY_ESCAPES),
    datetime.date: datetime.date.isoformat,
    datetime.datetime: datetime.datetime.isoformat,  # aware: with its offset
}


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    try:
        return _COPY_TEXT[type(value)](value)
    except KeyError:
        raise TypeError(f"no COPY text for {type(value).__name__}") from None


def _insert_rows(model, fields, rows) -> list | None:
    """INSERT rows given as plain tuples (values in `fields` order, attnames)
    without a model instance per row; returns their primary keys in order
    (None where the backend cannot return them). Every other concrete field
    must be given (a field's Python default is not a column default), except
    auto_now(_add) fields, which get one `now`.

    On PostgreSQL the keys are drawn from the table's sequence in one query
    and the rows go in by one COPY: a third of the time of a multi-row
    INSERT ... RETURNING, whose thousands of parameters the server parses.
    The values are already what the columns take (ids, Decimals to the cent,
    text, booleans, aware datetimes), so no field prepares them (Django's
    bulk_create costs seconds of Python per ten thousand rows). Elsewhere
    bulk_create."""
    if not rows:
        return []
    meta = model._meta
    concrete = [f for f in meta.concrete_fields if not f.primary_key]
    auto = [
        f
        for f in concrete
        if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        and f.attname not in fields
    ]
    missing = {f.attname for f in concrete} - set(fields) - {f.attname for f in auto}
    if missing:
        raise ValueError(f"{meta.label}: no values for {sorted(missing)}")
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs)
        pks = [obj.pk for obj in objs]
        return None if None in pks else pks
    qn = connection.ops.quote_name
    names = [meta.pk.column] + [meta.get_field(f).column for f in fields]
    names += [f.column for f in auto]
    now = "\t" + _copy_text(timezone.now())
    now = now * len(auto)
    text = io.StringIO()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))"
            " FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        # ascending in the rows' order, as an INSERT would number them
        pks = sorted(pk for (pk,) in cursor.fetchall())
        for pk, values in zip(pks, rows, strict=True):
            text.write("\t".join([str(pk), *map(_copy_text, values)]) + now + "\n")
        text.seek(0)
        cursor.copy_expert(
            f"COPY {qn(meta.db_table)} ({', '.join(qn(n) for n in names)}) FROM STDIN",
            text,
        )
    return pks


def _bulk_insert(model, objs) -> None:
    """Model.objects.bulk_create (primary keys set), through _insert_rows on
    PostgreSQL; auto_now(_add) fields get one `now` for the batch."""
    objs = list(objs)
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    attnames = [f.attname for f in fields]
    pks = _insert_rows(
        model, attnames, [[getattr(obj, a) for a in attnames] for obj in objs]
    )
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def _save_lines(sheets, old_lines, out) -> None:
    # Lines of steps this round no longer counts (the as-of date moved) go.
    gone = [line[0] for line in old_lines.values() if line[0] not in out["kept"]]
    if gone:
        StepScore.objects.filter(pk__in=gone).delete()
    to_create = out["create"]
    ids = _insert_rows(
        StepScore, LINE_FIELDS, [(line[1].pk, *line[2:]) for line in to_create]
    )
    if ids is None:  # backends without RETURNING
        by_key = {
            (sheet_id, step_id): pk
            for sheet_id, step_id, pk in StepScore.objects.filter(
                evaluation__in=sheets
            ).values_list("evaluation_id", "step_id", "id")
        }
        ids = [by_key[(line[1].pk, line[2])] for line in to_create]
    for line, pk in zip(to_create, ids, strict=True):
        line[0] = pk
    _update_rows(
        StepScore, LINE_FIELDS[2:], [(line[0], *line[3:]) for line in out["update"]]
    )


def _deduction_rows(line, step, result) -> list:
    """The deduction rows (DEDUCTION_FIELDS order) of one scored line."""
    line_id, sheet_id = line[0], line[1].pk
    return [
        (
            sheet_id,
            line_id,
            ln.kind,
            f"{step.name}：{ln.reason}"[:300],
            ln.points,
            ln.event_id,
            ln.notice_id,
        )
        for ln in result.lines
    ]


def _old_deductions(old_sheets) -> dict:
    """The sheets' current deductions: line id -> ([ids], [rows]), in id order
    (the order a line shows them in)."""
    old = defaultdict(lambda: ([], []))
    if old_sheets:
        for pk, *row in (
            Deduction.objects.filter(evaluation_id__in=[s.pk for s in old_sheets])
            .order_by("step_score_id", "id")
            .values_list("id", *DEDUCTION_FIELDS)
        ):
            ids, rows = old[row[1]]
            ids.append(pk)
            rows.append(tuple(row))
    return old


def _stale_deductions(pending, old_deductions) -> tuple[list, set]:
    """Compare each kept line's deductions with its current ones: the ids to
    delete (a changed line's, a line that goes), and the kept lines whose
    deductions stand as they are (not written again)."""
    stale, unchanged = [], set()
    for line, step, result, _carry in pending:
        if line[0] is None:
            continue
        ids, rows = old_deductions.pop(line[0], ((), ()))
        if list(rows) == _deduction_rows(line, step, result):
            unchanged.add(line[0])
        else:
            stale.extend(ids)
    for ids, _rows in old_deductions.values():  # lines no longer counted
        stale.extend(ids)
    return stale, unchanged


def _save_deductions(pending, actor, unchanged=frozenset()) -> None:
    """Deductions (but those of the kept lines in `unchanged`), and the
    adjustments a correction round carries over; after the lines are saved,
    since both point at them."""
    deductions, adjustments = [], []
    for line, step, result, carry in pending:
        line_id = line[0]
        if line_id not in unchanged:
            deductions.extend(_deduction_rows(line, step, result))
        if carry is not None:
            adjustments.append(
                Adjustment(
                    step_score_id=line_id,
                    actor=actor,
                    old_points=result.proposed,
                    new_points=line[FINAL],
                    reason=f"沿用被更正轮次的调整：{carry.reason}",
                )
            )
    _insert_rows(Deduction, DEDUCTION_FIELDS, deductions)
    Adjustment.objects.bulk_create(adjustments)


def _by_step_code(indicators) -> dict:
    indicators_by_code = defaultdict(list)
    for indicator in indicators:
        indicators_by_code[indicator.step_code].append(indicator)
    return indicators_by_code


def _write_sheets(
    round_, sheets, steps_by_sheet, ctx_by_project, old_lines, *, actor
) -> None:
    """Recompute the sheets' lines, deductions and totals and save them in bulk
    (a fixed number of queries, however many projects, sheets and lines)."""
    if not sheets:
        return
    old_sheets = [s for s in sheets if s.pk is not None]
    old_deductions = _old_deductions(old_sheets)
    out = {"kept": set(), "create": [], "update": [], "pending": []}
    for sheet in sheets:
        _score_sheet(
            sheet,
            steps_by_sheet[(sheet.project_id, sheet.department_id)],
            ctx=ctx_by_project[sheet.project_id],
            out=out,
        )
    # A kept line whose deductions come out as they stand keeps them (same
    # rows, same order); the rest are replaced, before their lines may go.
    stale, unchanged = _stale_deductions(out["pending"], old_deductions)
    if stale:
        Deduction.objects.filter(pk__in=stale).delete()
    # New sheets go in with their totals; only the existing ones are updated.
    _insert_sheets(round_, [s for s in sheets if s.pk is None])
    _save_lines(sheets, old_lines, out)
    _save_deductions(out["pending"], actor, unchanged)
    _bulk_update(
        Evaluation,
        old_sheets,
        ["standard", "is_lead", "proposed_total", "total", "max_total"]
        + ["warnings", "overdue_days", "updated_at"],
    )


@transaction.atomic
def evaluations_propose(
    *,
    round: EvaluationRound,  # noqa: A002 - the users' word
    projects,
    actor=None,
    today: datetime.date | None = None,
    _standards: dict | None = None,
    _days: WorkingDays | None = None,
) -> list[Evaluation]:
    """Propose every department's score sheet for each of `projects` from its
    record, as of the round's as-of date. A department with nothing counted has
    no sheet.

    Lines adjusted by the office keep their final mark; everything else (proposed
    marks, deductions, totals) is recomputed. Office steps are never scored.
    Side effects: creates/updates/deletes Evaluation, StepScore, Deduction rows
    (in bulk: a fixed number of queries for the whole batch of projects, so a
    caller proposes many projects by batches).
    """
    projects = list(projects)
    round_ = lock_editable(round.pk)
    if any(p.year != round_.year for p in projects):
        raise DomainError("项目年度与评价轮次年度不一致。")
    if not projects:
        return []
    as_of = round_as_of(round_, today=today)
    cache = _standards if _standards is not None else {}
    project_ids = [p.pk for p in projects]
    existing = {
        (e.project_id, e.department_id): e
        # unordered: the default ordering joins the round, project, department
        for e in Evaluation.objects.filter(
            round=round_, project_id__in=project_ids
        ).order_by()
    }
    steps_by_project = _counted_steps(project_ids, as_of)
    steps_by_sheet = defaultdict(list)  # (project id, department id) -> steps
    for pk in project_ids:
        for step in steps_by_project.get(pk, []):
            steps_by_sheet[(pk, step.department_id)].append(step)
    # Nothing counted, no sheet: such a department is not ranked on this project.
    gone = [e.pk for key, e in existing.items() if key not in steps_by_sheet]
    if gone:
        Evaluation.objects.filter(pk__in=gone).delete()
        # A deleted sheet leaves no updated_at behind: the round's tells the ETag.
        EvaluationRound.objects.filter(pk=round_.pk).update(updated_at=timezone.now())
    existing = {k: e for k, e in existing.items() if k in steps_by_sheet}
    records = _records(project_ids, steps_by_project, as_of)
    old_lines, adjusted = _old_lines(list(existing.values()))
    carried = _carried_adjustments(round_, project_ids)
    misses = _misses(list(existing.values()))
    # The same (deadline, end) pairs come back for many steps: count each once
    # (a caller proposing by batches passes one counter for all of them).
    days_between = _days if _days is not None else WorkingDays(round_.office_id)
    ctx_by_project, departments = {}, {}
    for project in projects:
        standard, std_steps, rules, indicators, shares = _standard_for(
            round_, project.flow, cache
        )
        ctx_by_project[project.pk] = {
            "project": project,
            "standard": standard,
            "as_of": as_of,
            "record": records[project.pk],
            "rules": rules,
            "std_steps": std_steps,
            "indicators_by_code": _by_step_code(indicators),
            "shares": shares,
            "old_lines": old_lines,
            "adjusted": adjusted,
            "carried": {
                (d, s): adj for (p, d, s), adj in carried.items() if p == project.pk
            },
            "misses": misses,
            "days_between": days_between,
        }
        departments[project.pk] = (
            standard,
            list(
                dict.fromkeys(
                    s.department_id for s in steps_by_project.get(project.pk, [])
                )
            ),
        )
    by_project = _sheets_for(round_, projects, existing, departments)
    sheets = [sheet for p in projects for sheet in by_project[p.pk]]
    _write_sheets(
        round_, sheets, steps_by_sheet, ctx_by_project, old_lines, actor=actor
    )
    return sheets


def evaluation_propose(
    *,
    round: EvaluationRound,  # noqa: A002 - the users' word
    project,
    actor=None,
    today: datetime.date | None = None,
    _standards: dict | None = None,
) -> list[Evaluation]:
    """Propose one project's score sheets (see evaluations_propose)."""
    return evaluations_propose(
        round=round, projects=[project], actor=actor, today=today, _standards=_standards
    )
