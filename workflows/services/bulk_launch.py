"""Bulk launch from the lead list: the office chooses rows, a worker launches them
one by one through `project_launch` and records its progress on a BulkLaunchJob."""

from __future__ import annotations

import datetime
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from config.errors import DomainError
from org.selectors import office_of
from responsibilities.models import ResponsibilityList
from workflows import calendar
from workflows.models import BulkLaunchJob
from workflows.services.launch import (
    _check_actor,
    _flow_templates,
    plan_steps,
    project_launch,
)

log = logging.getLogger(__name__)


def bulk_launch_years_without_holidays(
    *, year: int, starts_on: datetime.date, flow_codes
) -> list[int]:
    """Years the launch touches (its year, and every year from `starts_on` to the
    last deadline of the chosen flows) that have no holiday data, so their
    deadlines would be counted Monday-Friday only. Reads only."""
    last = starts_on
    for code in set(flow_codes):
        try:
            _flow, templates = _flow_templates(code)
        except DomainError:
            continue  # the launch itself reports a missing flow per row
        last = max(last, *(plan.due_on for plan in plan_steps(templates, starts_on)))
    first = min(year, starts_on.year)
    return calendar.years_without_holidays(first, max(year, last.year))


def bulk_launch_start(
    *, year: int, starts_on: datetime.date, responsibility_ids, actor
) -> BulkLaunchJob:
    """Queue a bulk launch of the chosen lead-list rows.

    Side effects: a BulkLaunchJob; after commit, the Celery task
    `workflows.tasks.bulk_launch_run` (eager in tests: it runs at commit).
    """
    _check_actor(actor)
    ids = []
    for value in responsibility_ids:
        pk = int(value)
        if pk not in ids:
            ids.append(pk)
    if not ids:
        raise DomainError("请至少选择一条清单条目。")
    rows = ResponsibilityList.objects.filter(
        pk__in=ids, kind=ResponsibilityList.Kind.LEAD
    )
    office = office_of(actor)
    if office is not None:  # an office launches its own list's rows only
        rows = rows.filter(office=office)
    found = set(rows.values_list("pk", flat=True))
    if len(found) != len(ids):
        raise DomainError("选中的条目不在牵头执行部门清单中，请刷新预览后重试。")
    job = BulkLaunchJob.objects.create(
        year=year,
        starts_on=starts_on,
        responsibility_ids=ids,
        total=len(ids),
        created_by=actor,
    )

    def _enqueue():
        from workflows.tasks import bulk_launch_run

        bulk_launch_run.delay(job.pk)

    transaction.on_commit(_enqueue)
    return job


def _skip_reason(entry: ResponsibilityList | None) -> str:
    if entry is None:
        return "清单条目已删除"
    if not entry.is_active:
        return "清单条目已停用"
    if entry.regulation_id is None:
        return "清单条目未关联党内法规"
    return ""


def _launch_one(*, job: BulkLaunchJob, pk: int, entry, actor) -> dict:
    result = {
        "responsibility": pk,
        "regulation": entry.regulation.title if entry and entry.regulation else "",
        "lead": entry.department.name if entry else "",
        "project": None,
        "reason": _skip_reason(entry),
    }
    if result["reason"]:
        return result
    partners = [
        d
        for d in entry.partner_departments.all()
        if d.pk != entry.department_id and d.is_active
    ]
    try:
        project = project_launch(
            regulation=entry.regulation,
            year=job.year,
            lead_department=entry.department,
            partner_departments=partners,
            flow_code=entry.default_flow,
            starts_on=job.starts_on,
            actor=actor,
        )
    except DomainError as exc:
        result["reason"] = exc.message
    except SoftTimeLimitExceeded:
        raise  # the worker's time is up: stop here, a rerun picks up the rest
    except Exception:  # noqa: BLE001 - one bad row must not stop the others
        log.exception("bulk launch %s: row %s failed", job.pk, pk)
        result["reason"] = "发起时出现系统错误，请单独发起该项目。"
    else:
        result["project"] = project.pk
    return result


def bulk_launch_run(*, job_id: int) -> BulkLaunchJob | None:
    """Launch the job's rows one by one, each through `project_launch` (its own
    transaction, events and 告知单s), recording progress after each row.

    A row that cannot be launched is recorded with its reason; the others go
    on. Safe to run twice: rows already recorded are not launched again, and a
    finished job is left alone.

    Side effects: as project_launch per launched row; the job's progress,
    results, started_at and finished_at.
    """
    job = BulkLaunchJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.is_finished:
        return job
    if job.started_at is None:
        job.started_at = timezone.now()
        job.save(update_fields=["started_at"])
    done = {r["responsibility"] for r in job.results}
    pending = [pk for pk in job.responsibility_ids if pk not in done]
    entries = (
        ResponsibilityList.objects.filter(pk__in=pending)
        .select_related("regulation", "department")
        .prefetch_related("partner_departments")
        .in_bulk()
    )
    for pk in pending:
        entry = entries.get(pk)
        result = _launch_one(job=job, pk=pk, entry=entry, actor=job.created_by)
        job.results.append(result)
        job.processed = len(job.results)
        job.save(update_fields=["results", "processed"])
    job.finished_at = timezone.now()
    job.save(update_fields=["finished_at"])
    return job
