"""A department's receipt and evidence, and the office's review of it."""

from __future__ import annotations

import os

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from config.uploads import ALLOWED_EXTENSIONS, check_uploads
from org.selectors import can_act_for, is_office
from workflows import hooks
from workflows.models import (
    Event,
    Evidence,
    EvidenceFile,
    ExecutionProject,
    Receipt,
    Step,
)
from workflows.services.closing import project_settle
from workflows.services.launch import stages_of
from workflows.services.transitions import _transition

# The upload policy is shared with 落实表 files (config/uploads.py).
ALLOWED_EVIDENCE_EXTENSIONS = ALLOWED_EXTENSIONS


def _confirm(receipt: Receipt, actor) -> bool:
    changed = Receipt.objects.filter(pk=receipt.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmed_by=actor
    )
    receipt.refresh_from_db(fields=["confirmed_at", "confirmed_by"])
    if changed != 1:
        return False
    Event.objects.create(
        project_id=receipt.project_id,
        department_id=receipt.department_id,
        actor=actor,
        action="receipt",
        to_status="confirmed",
    )
    receipt_id, actor_id = receipt.pk, getattr(actor, "pk", None)
    hooks.receipt_confirmed.call_on_commit(receipt_id=receipt_id, actor_id=actor_id)
    return True


def receipt_confirm(*, receipt: Receipt, actor) -> Receipt:
    """The department confirms receipt of its part of a project (回执). Idempotent:
    a second confirmation changes nothing.

    Side effects: confirmed_at/by set once; an Event row; after commit,
    `workflows.hooks.receipt_confirmed` (notices confirms the 告知单).
    """
    if not can_act_for(actor, receipt.department_id):
        raise NotAllowed("只有本单位联络员可以确认回执。")
    with transaction.atomic():
        _confirm(receipt, actor)
    return receipt


def receipt_for_step(step: Step) -> Receipt | None:
    return Receipt.objects.filter(
        project_id=step.project_id, department_id=step.department_id
    ).first()


def _validate_files(files) -> None:
    check_uploads(files)


def step_submit(*, step: Step, actor, text: str = "", files=()) -> Evidence:
    """The department submits evidence for an open or returned step.

    Side effects: the receipt is confirmed if it was not yet (submitting shows
    the task arrived); the step moves to `submitted`; an Evidence row with its
    files, which are written under MEDIA_ROOT (never into the database); an
    Event row. Bad files change nothing.
    """
    if not can_act_for(actor, step.department_id):
        raise NotAllowed("只有本单位联络员可以提交佐证材料。")
    files = list(files)
    text = (text or "").strip()
    _validate_files(files)
    if not text and not files:
        raise DomainError("请填写工作说明或上传佐证文件。", code="empty_evidence")
    saved: list[EvidenceFile] = []
    try:
        with transaction.atomic():
            receipt = receipt_for_step(step)
            if receipt is not None and receipt.confirmed_at is None:
                _confirm(receipt, actor)
            _transition(
                step,
                action="submit",
                actor=actor,
                fields={"submitted_at": timezone.now()},
            )
            evidence = Evidence.objects.create(step=step, text=text, submitted_by=actor)
            for upload in files:
                record = EvidenceFile(
                    evidence=evidence,
                    original_name=os.path.basename(upload.name)[:255],
                    size=upload.size,
                    content_type=(getattr(upload, "content_type", "") or "")[:100],
                )
                record.file.save(upload.name, upload, save=False)
                saved.append(record)
                record.save()
    except Exception:
        # The rows are rolled back; the files already written must go too.
        for record in saved:
            record.file.delete(save=False)
        raise
    return evidence


RATING_REASON_REQUIRED = "评定为“优秀”时必须填写理由。"


def step_approve(
    *,
    step: Step,
    actor,
    rating: str = Step.Rating.PASS,
    reason: str = "",
    comment: str = "",
) -> Step:
    """The office approves submitted evidence and rates it 优秀 / 良好 / 合格
    (a reason is required for 优秀).

    Side effects: the step moves to `approved` with its rating; when every step
    of its stage is approved, the department's next stage opens; when every
    department step is approved the project completes, and closes when its 通报
    is done too (project_settle); Event rows.
    """
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以审核。")
    rating = rating or Step.Rating.PASS
    if rating not in Step.Rating.values:
        raise DomainError("评定等次只能是优秀、良好或合格。", code="invalid_rating")
    reason = (reason or comment or "").strip()
    if rating == Step.Rating.EXCELLENT and not reason:
        raise DomainError(RATING_REASON_REQUIRED, code="reason_required")
    with transaction.atomic():
        # Approvals in one project are serialised so the "all approved" checks
        # below see each other's work (two last steps approved at once). NO KEY:
        # a plain FOR UPDATE also blocks the key-share lock that inserting an
        # Event (FK to the project) takes, so an approve and a return racing on
        # one step deadlocked on PostgreSQL instead of one being refused.
        project = ExecutionProject.objects.select_for_update(no_key=True).get(
            pk=step.project_id
        )
        _transition(
            step,
            action="approve",
            actor=actor,
            reason=reason,
            fields={"approved_at": timezone.now(), "rating": rating},
        )
        _open_next_stage(step, actor)
        project_settle(project=project, actor=actor)
    return step


def _open_next_stage(step: Step, actor) -> None:
    steps = list(
        Step.objects.filter(
            project_id=step.project_id, department_id=step.department_id
        ).order_by("order")
    )
    stages = stages_of(steps)
    for index, stage in enumerate(stages):
        if not any(s.pk == step.pk for s in stage):
            continue
        if any(s.status != Step.Status.APPROVED for s in stage):
            return
        if index + 1 < len(stages):
            now = timezone.now()
            for waiting in stages[index + 1]:
                if waiting.status == Step.Status.WAITING:
                    _transition(
                        waiting, action="open", actor=actor, fields={"opened_at": now}
                    )
        return


def step_return(*, step: Step, actor, reason: str) -> Step:
    """The office returns submitted evidence with a reason; the department
    resubmits.

    Side effects: the step moves to `returned`, return_count + 1; an Event row
    with the reason.
    """
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以审核。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("退回时必须填写退回原因。", code="reason_required")
    with transaction.atomic():
        _transition(
            step,
            action="return",
            actor=actor,
            reason=reason,
            fields={"return_count": F("return_count") + 1},
        )
    return step


def step_flag_for_bulletin(*, step: Step, actor=None, reason: str = "") -> bool:
    """Name an overdue step in the bulletin (the notices ladder's third warning).

    Idempotent: returns False if it was flagged already. Side effects: the
    flag, one Event row (not a status change: the step keeps its status).
    """
    changed = Step.objects.filter(pk=step.pk, flagged_for_bulletin=False).update(
        flagged_for_bulletin=True
    )
    step.flagged_for_bulletin = True
    if changed != 1:
        return False
    Event.objects.create(
        project_id=step.project_id,
        step_id=step.pk,
        department_id=step.department_id,
        actor=actor,
        action="flag",
        reason=reason or "多次警示仍未完成，列入通报。",
    )
    return True


def step_approve_batch(*, steps, actor, rating: str = Step.Rating.PASS) -> dict:
    """The office approves several submitted steps at once from the 待审核 list.

    Each step goes through `step_approve` on its own (its own transaction, its
    own Event row, the same stage/project side effects), so one refusal does
    not undo the others. A step no longer waiting for review is skipped.
    Returns {"approved": [steps], "skipped": ["Chinese reason", ...]}.
    """
    if not is_office(actor):
        raise NotAllowed("只有区委办工作人员可以审核。")
    approved, skipped = [], []
    for step in steps:
        label = f"{step.department.name} · {step.name}"
        if step.status != Step.Status.SUBMITTED:
            skipped.append(
                f"{label}：当前为“{step.get_status_display()}”，"
                "已不在待审核中，未处理。"
            )
            continue
        try:
            step_approve(step=step, actor=actor, rating=rating)
        except DomainError as exc:
            skipped.append(f"{label}：{exc.message}")
        else:
            approved.append(step)
    return {"approved": approved, "skipped": skipped}
