"""Browser pages of the workflows app.

Thin: check role, validate a form, call one service or selector, render.
Objects outside the user's scope are 404s.
"""

import calendar as std_calendar
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config.errors import DomainError
from config.permissions import office_required, reader_required, role_required
from responsibilities.models import Department, Role
from responsibilities.selectors import can_act_for, is_office, sees_everything
from workflows import calendar, selectors, services
from workflows.filters import LIGHT_CHOICES
from workflows.forms import (
    BulkLaunchForm,
    CalendarDayForm,
    EvidenceForm,
    LaunchForm,
    ReturnForm,
    StepTemplateForm,
)
from workflows.models import (
    EVIDENCE_KINDS,
    CalendarDay,
    ExecutionProject,
    FlowTemplate,
    Receipt,
    Step,
    StepTemplate,
)
from workflows.services.transitions import ACTION_LABELS

liaison_required = role_required({Role.LIAISON})


# --- overview -----------------------------------------------------------------------


@reader_required
def overview_page(request):
    today = timezone.localdate()
    filters = {
        key: request.GET.get(key, "")
        for key in ["year", "flow", "status", "light", "department"]
    }
    if not filters["year"]:
        filters["year"] = str(today.year)
    applied = {k: v for k, v in filters.items() if v}
    try:
        projects = selectors.project_list(user=request.user, filters=applied)
        error = ""
    except ValidationError:  # invalid filter values: say so, show nothing
        projects = ExecutionProject.objects.none()
        error = "筛选条件无效，请重新选择。"
    page = Paginator(projects, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "error": error,
        "flows": FlowTemplate.Code.choices,
        "statuses": ExecutionProject.Status.choices,
        "lights": LIGHT_CHOICES,
        "departments": (
            Department.objects.filter(is_active=True).order_by("sort_order", "code")
            if sees_everything(request.user)
            else None
        ),
        "review_count": (
            selectors.review_queue(user=request.user).count()
            if is_office(request.user)
            else None
        ),
        "query": request.GET.copy(),
        "light_counts": (
            selectors.step_light_counts(user=request.user, year=int(filters["year"]))
            if filters["year"].isdigit()
            else None
        ),
    }
    context["query"].pop("page", None)
    return render(request, "workflows/overview.html", context)


@office_required
def review_page(request):
    steps = selectors.review_queue(user=request.user)
    page = Paginator(steps, 50).get_page(request.GET.get("page"))
    return render(request, "workflows/review.html", {"page": page})


# --- launch -------------------------------------------------------------------------


@office_required
def launch_page(request):
    form = LaunchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_launch(
                regulation=data["regulation"],
                year=data["year"],
                lead_department=data["lead_department"],
                partner_departments=list(data["partner_departments"]),
                flow_code=data["flow"],
                starts_on=data["starts_on"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "执行项目已发起，告知单已生成。")
            return redirect("workflows:project", pk=project.pk)
    return render(request, "workflows/launch.html", {"form": form})


@office_required
def bulk_launch_page(request):
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else request.GET
    form = BulkLaunchForm(
        data if "year" in data else None,
        initial={"year": today.year, "starts_on": today},
    )
    rows = None
    if form.is_bound and form.is_valid():
        year, starts_on = form.cleaned_data["year"], form.cleaned_data["starts_on"]
        if request.method == "POST":
            try:
                projects = services.project_bulk_launch(
                    year=year, starts_on=starts_on, actor=request.user
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已批量发起{len(projects)}个执行项目。")
                return redirect(reverse("workflows:overview") + f"?year={year}")
        rows = services.project_bulk_launch_preview(year=year, starts_on=starts_on)
    return render(
        request,
        "workflows/bulk_launch.html",
        {
            "form": form,
            "rows": rows,
            "launch_count": sum(1 for r in rows if r.will_launch) if rows else 0,
        },
    )


# --- project and step ---------------------------------------------------------------


def _project_or_404(request, pk):
    try:
        return selectors.project_get(user=request.user, pk=pk)
    except ExecutionProject.DoesNotExist as exc:
        raise Http404 from exc


def _step_or_404(request, pk):
    try:
        return selectors.step_get(user=request.user, pk=pk)
    except Step.DoesNotExist as exc:
        raise Http404 from exc


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
    return render(
        request,
        "workflows/step.html",
        {
            "step": step,
            "evidence": evidence,
            "events": events,
            "evidence_kinds": [EVIDENCE_KINDS.get(k, k) for k in step.evidence_kinds],
            "may_submit": may_submit,
            "may_review": may_review,
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
    from django.conf import settings

    return f"{settings.EVIDENCE_MAX_FILE_SIZE / (1024 * 1024):g}"


@require_POST
@reader_required
def step_submit_view(request, pk):
    step = _step_or_404(request, pk)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "说明过长或格式不正确。")
        return redirect("workflows:step", pk=pk)
    try:
        services.step_submit(
            step=step,
            actor=request.user,
            text=form.cleaned_data["text"],
            files=request.FILES.getlist("files"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "佐证材料已提交，等待区委办审核。")
    return redirect("workflows:step", pk=pk)


@require_POST
@reader_required
def step_approve_view(request, pk):
    step = _step_or_404(request, pk)
    try:
        services.step_approve(
            step=step,
            actor=request.user,
            rating=request.POST.get("rating") or Step.Rating.PASS,
            reason=request.POST.get("reason", "")[:2000],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已审核通过。")
    return redirect("workflows:step", pk=pk)


@require_POST
@office_required
def step_office_done_view(request, pk):
    step = _step_or_404(request, pk)
    try:
        services.step_office_done(
            step=step, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已办结。")
    return redirect("workflows:step", pk=pk)


@require_POST
@office_required
def project_withdraw_view(request, pk):
    project = _project_or_404(request, pk)
    try:
        services.project_withdraw(
            project=project,
            actor=request.user,
            reason=request.POST.get("reason", "")[:2000],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
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
    try:
        services.step_return(
            step=step, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已退回，部门将收到退回原因。")
    return redirect("workflows:step", pk=pk)


@require_POST
@reader_required
def receipt_confirm_view(request, pk):
    from responsibilities.selectors import scope_to_user

    receipt = get_object_or_404(
        scope_to_user(Receipt.objects.all(), user=request.user), pk=pk
    )
    try:
        services.receipt_confirm(receipt=receipt, actor=request.user)
    except DomainError as exc:
        if request.htmx:
            return render(
                request,
                "workflows/_receipt_done.html",
                {"receipt": receipt, "error": exc.message},
            )
        messages.error(request, exc.message)
    else:
        if request.htmx:  # the inbox swaps the row in place: one tap, no reload
            # ... and the heading's count, out of band (it was left stale)
            remaining = selectors.inbox_for(user=request.user)["receipts"].count()
            return render(
                request,
                "workflows/_receipt_done.html",
                {"receipt": receipt, "remaining": remaining},
            )
        messages.success(request, "已确认回执。")
    target = request.POST.get("next", "")
    # Only a path on this site: "//evil" or a backslash after the slash leads
    # browsers to another host.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("workflows:inbox")


@reader_required
def evidence_file_download(request, pk):
    """Evidence is never public media: each download checks the user's scope."""
    from workflows.models import EvidenceFile

    try:
        record = selectors.evidence_file_get(user=request.user, pk=pk)
    except EvidenceFile.DoesNotExist as exc:
        raise Http404 from exc
    try:
        handle = record.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    return FileResponse(handle, as_attachment=True, filename=record.original_name)


# --- liaison inbox ------------------------------------------------------------------


@liaison_required
def inbox_page(request):
    inbox = selectors.inbox_for(user=request.user)
    return render(
        request,
        "workflows/inbox.html",
        {
            "receipts": list(inbox["receipts"][:100]),
            "steps": list(inbox["steps"][:200]),
            "today": timezone.localdate(),
        },
    )


# --- flow templates -----------------------------------------------------------------


@office_required
def flow_list_page(request):
    flows = FlowTemplate.objects.prefetch_related("steps").order_by("code")
    return render(
        request,
        "workflows/flows.html",
        {"flows": flows, "evidence_kinds": EVIDENCE_KINDS},
    )


@office_required
def step_template_form_page(request, flow_pk, pk=None):
    flow = get_object_or_404(FlowTemplate, pk=flow_pk)
    instance = get_object_or_404(StepTemplate, pk=pk, flow=flow) if pk else None
    initial = {}
    if instance:
        initial = {f: getattr(instance, f) for f in services.templates.EDITABLE_FIELDS}
        initial["step_actor"] = instance.actor
    form = StepTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if instance:
                services.step_template_update(
                    step_template=instance, actor=request.user, **form.cleaned_data
                )
            else:
                services.step_template_add(
                    flow=flow, actor=request.user, **form.cleaned_data
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "流程模板已保存，只影响今后发起的项目。")
            return redirect("workflows:flows")
    return render(
        request,
        "workflows/step_template_form.html",
        {"form": form, "flow": flow, "instance": instance},
    )


@require_POST
@office_required
def step_template_move_view(request, pk):
    step_template = get_object_or_404(StepTemplate, pk=pk)
    services.step_template_move(
        step_template=step_template,
        actor=request.user,
        up=request.POST.get("direction") == "up",
    )
    return redirect("workflows:flows")


@require_POST
@office_required
def step_template_delete_view(request, pk):
    step_template = get_object_or_404(StepTemplate, pk=pk)
    try:
        services.step_template_delete(step_template=step_template, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除该步骤，已发起的项目不受影响。")
    return redirect("workflows:flows")


# --- working-day calendar -----------------------------------------------------------


@office_required
def calendar_page(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        if not 1900 <= year <= 2100:  # date() and the month links need room
            raise ValueError(year)
        first = datetime.date(year, month, 1)
    except (TypeError, ValueError):
        year, month, first = today.year, today.month, today.replace(day=1)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.calendar_day_set(
            date=form.cleaned_data["date"],
            is_workday=form.cleaned_data["is_workday"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
        messages.success(request, "工作日历已调整。已发起项目的截止日期不会自动改变。")
        day = form.cleaned_data["date"]
        return redirect(
            reverse("workflows:calendar") + f"?year={day.year}&month={day.month}"
        )
    days = calendar.days_of_month(first.year, first.month)
    weeks = []
    week = [None] * first.weekday()
    for day in days:
        week.append(day)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    prev_month = (first - datetime.timedelta(days=1)).replace(day=1)
    last_day = std_calendar.monthrange(first.year, first.month)[1]
    next_month = first.replace(day=last_day) + datetime.timedelta(days=1)
    return render(
        request,
        "workflows/calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "known": calendar.year_is_known(first.year),
            "form": form,
            "overrides": CalendarDay.objects.filter(
                date__year__gte=first.year - 1
            ).order_by("date")[:200],
            "prev_month": prev_month,
            "next_month": next_month,
        },
    )


@require_POST
@office_required
def calendar_day_delete_view(request, pk):
    day = get_object_or_404(CalendarDay, pk=pk)
    services.calendar_day_delete(day=day, actor=request.user)
    messages.success(request, "已撤销该日的调整。")
    return redirect(
        reverse("workflows:calendar") + f"?year={day.date.year}&month={day.date.month}"
    )
