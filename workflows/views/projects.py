"""A project, its steps, receipts and evidence."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config.pages import page_errors
from org.permissions import office_required, reader_required
from org.selectors import can_act_for, is_office, scope_to_user
from workflows import selectors, services
from workflows.forms import EvidenceForm, ExtensionForm, ReturnForm
from workflows.models import (
    EVIDENCE_KINDS,
    EvidenceFile,
    ExecutionProject,
    Receipt,
    Step,
)
from workflows.services.transitions import ACTION_LABELS
from workflows.views.common import _project_or_404, _step_or_404


@reader_required
def project_page(request, pk):
    project = _project_or_404(request, pk)
    steps = list(
        selectors.project_steps(project=project, user=request.user).order_by(
            "order", "id"
        )
    )
    receipts = list(selectors.project_receipts(project=project, user=request.user))
    columns = []
    for step in steps:
        if step.code not in [c["code"] for c in columns]:
            columns.append({"code": step.code, "name": step.name})
    cells = {(s.department_id, s.code): s for s in steps}
    grid = [
        {
            "department": receipt.department,
            "receipt": receipt,
            "cells": [cells.get((receipt.department_id, c["code"])) for c in columns],
        }
        for receipt in receipts
    ]
    # The office's own steps (执行发起, 通报): one row, no receipt.
    office_steps = [s for s in steps if s.actor == "office"]
    if office_steps:
        office = office_steps[0].department
        grid.insert(
            0,
            {
                "department": office,
                "receipt": None,
                "cells": [cells.get((office.pk, c["code"])) for c in columns],
            },
        )
    events = list(selectors.project_events(project=project, user=request.user))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
        event.from_label = _status_label(event.from_status)
        event.to_label = _status_label(event.to_status)
    total = len(steps)
    approved = sum(1 for s in steps if s.status == Step.Status.APPROVED)
    return render(
        request,
        "workflows/project.html",
        {
            "project": project,
            "columns": columns,
            "grid": grid,
            "events": events,
            "progress": round(100 * approved / total) if total else 0,
            "approved": approved,
            "total": total,
            "may_withdraw": is_office(request.user)
            and services.PROJECT_MACHINE.allowed(project, "withdraw"),
        },
    )


def _status_label(value):
    labels = dict(Step.Status.choices) | dict(ExecutionProject.Status.choices)
    labels |= {"confirmed": "已确认"}
    return labels.get(value, value)


@reader_required
def step_page(request, pk):
    step = _step_or_404(request, pk)
    evidence = list(selectors.step_evidence(step=step))
    events = list(step.events.select_related("actor").order_by("created_at", "id"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
    machine = services.STEP_MACHINE
    department_step = step.actor != "office"
    may_submit = (
        department_step
        and can_act_for(request.user, step.department_id)
        and machine.allowed(step, "submit")
    )
    may_review = is_office(request.user) and machine.allowed(step, "approve")
    may_office_done = (
        not department_step
        and is_office(request.user)
        and machine.allowed(step, "office_done")
    )
    extension = services.extension_latest(step=step)
    pending = extension is not None and services.EXTENSION_MACHINE.allowed(
        extension, "extension_grant"
    )
    return render(
        request,
        "workflows/step.html",
        {
            "step": step,
            "extension": extension,
            "may_ask_extension": department_step
            and not pending
            and can_act_for(request.user, step.department_id)
            and step.status in services.EXTENDABLE,
            "may_answer_extension": pending and is_office(request.user),
            # 催办 (notices): a late step the department still has to act on
            "may_urge": department_step
            and is_office(request.user)
            and step.status in services.EXTENDABLE
            and step.due_on < timezone.localdate(),
            "extension_form": ExtensionForm(),
            "evidence": evidence,
            "events": events,
            "evidence_kinds": [EVIDENCE_KINDS.get(k, k) for k in step.evidence_kinds],
            "may_submit": may_submit,
            "may_review": may_review,
            # after a decision the reviewer moves on through the 待审核 list
            "decided": is_office(request.user) and request.GET.get("decided") == "1",
            "may_office_done": may_office_done,
            "may_hand_notice": department_step
            and is_office(request.user)
            and step.project.status == ExecutionProject.Status.ACTIVE,
            "ratings": Step.Rating.choices,
            "may_confirm": can_act_for(request.user, step.department_id)
            and step.receipt_confirmed_at is None,
            "evidence_form": EvidenceForm(),
            "return_form": ReturnForm(),
            "allowed_types": "、".join(sorted(services.ALLOWED_EVIDENCE_EXTENSIONS)),
            "max_size_mb": _max_size_mb(),
            "last_return": next(
                (e for e in reversed(events) if e.action == "return"), None
            ),
        },
    )


def _max_size_mb():
    return f"{settings.EVIDENCE_MAX_FILE_SIZE / (1024 * 1024):g}"


@require_POST
@reader_required
def step_submit_view(request, pk):
    step = _step_or_404(request, pk)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "说明过长或格式不正确。")
        return redirect("workflows:step", pk=pk)
    with page_errors(request):
        services.step_submit(
            step=step,
            actor=request.user,
            text=form.cleaned_data["text"],
            files=request.FILES.getlist("files"),
        )
        messages.success(request, "佐证材料已提交，等待区委办审核。")
    return redirect("workflows:step", pk=pk)


@require_POST
@reader_required
def step_approve_view(request, pk):
    step = _step_or_404(request, pk)
    with page_errors(request):
        services.step_approve(
            step=step,
            actor=request.user,
            rating=request.POST.get("rating") or Step.Rating.PASS,
            reason=request.POST.get("reason", "")[:2000],
        )
        messages.success(request, "已审核通过。")
    return _after_decision(pk)


@require_POST
@office_required
def step_office_done_view(request, pk):
    step = _step_or_404(request, pk)
    with page_errors(request):
        services.step_office_done(
            step=step, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, "已办结。")
    return redirect("workflows:step", pk=pk)


@require_POST
@office_required
def project_withdraw_view(request, pk):
    project = _project_or_404(request, pk)
    with page_errors(request):
        services.project_withdraw(
            project=project,
            actor=request.user,
            reason=request.POST.get("reason", "")[:2000],
        )
        messages.success(request, "项目已撤销，未完成的步骤已取消。")
    return redirect("workflows:project", pk=pk)


@require_POST
@reader_required
def step_return_view(request, pk):
    step = _step_or_404(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "退回时必须填写退回原因。")
        return redirect("workflows:step", pk=pk)
    with page_errors(request):
        services.step_return(
            step=step, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "已退回，部门将收到退回原因。")
    return _after_decision(pk)


def _after_decision(pk):
    """Back to the step, which then offers 下一条 (the next one to review)."""
    response = redirect("workflows:step", pk=pk)
    response["Location"] += "?decided=1"
    return response


@require_POST
@reader_required
def receipt_confirm_view(request, pk):
    receipt = get_object_or_404(
        scope_to_user(Receipt.objects.all(), user=request.user), pk=pk
    )
    with page_errors(request, flash=not request.htmx) as outcome:
        services.receipt_confirm(receipt=receipt, actor=request.user)
        if not request.htmx:
            messages.success(request, "已确认回执。")
    if request.htmx:  # the inbox swaps the row in place: one tap, no reload
        context = {"receipt": receipt, "error": outcome.message}
        if not outcome.failed:
            # ... and the heading's count, out of band (it was left stale)
            inbox = selectors.inbox_for(user=request.user)
            context["remaining"] = inbox["receipts"].count()
        return render(request, "workflows/_receipt_done.html", context)
    target = request.POST.get("next", "")
    # Only a path on this site: "//evil" or a backslash after the slash leads
    # browsers to another host.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("liaison_inbox")


@reader_required
def evidence_file_download(request, pk):
    """Evidence is never public media: each download checks the user's scope."""
    try:
        record = selectors.evidence_file_get(user=request.user, pk=pk)
    except EvidenceFile.DoesNotExist as exc:
        raise Http404 from exc
    try:
        handle = record.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    return FileResponse(handle, as_attachment=True, filename=record.original_name)
