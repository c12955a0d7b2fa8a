"""Scoring standards pages: the standard in force for an office (its 本区调整
or the 全市默认), the versions, and the office's override actions."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.pages import page_errors
from evaluation import selectors, services
from evaluation.models import ScoringStandard
from evaluation.services.standards import FLOW_NAMES
from evaluation.views.common import OFFICE_LEADER, office_for
from org.models import Office
from org.permissions import office_required, role_required
from org.selectors import office_choice, office_of


@role_required(OFFICE_LEADER)
def standards(request):
    office = office_for(request)
    items = selectors.standard_list(office=office)
    may_edit = {
        key: services.standards_may_edit(request.user, office_id=key)
        for key in (None, office.pk)
    }
    for item in items:
        item.editable = item.is_current and may_edit[item.office_id]
    current = {s.flow_code: s for s in items if s.applies}
    default_office = Office.default()
    is_default_office = office.pk == default_office.pk
    flows = [
        {
            "code": code,
            "name": name,
            "standard": current.get(code),
            # The default office's standard is the default: no override.
            "may_override": may_edit[office.pk] and not is_default_office,
        }
        for code, name in FLOW_NAMES.items()
    ]
    return render(
        request,
        "evaluation/standards.html",
        {
            "standards": items,
            "flows": flows,
            "office": office,
            "is_default_office": is_default_office,
            "default_office": default_office,
        },
    )


def _acting_office(request) -> Office:
    """The office an override action is for: the user's own; a superuser
    without membership names one (`office`: its code)."""
    office = office_of(request.user)
    if office is None:
        office = office_choice(request.user, request.POST.get("office") or None)
    if office is None:
        raise Http404("办公室不存在")
    return office


@office_required
@require_POST
def standard_override(request):
    """按本区调整 (`action=create`) or 恢复全市默认 (`action=drop`) for a flow."""
    office = _acting_office(request)
    flow_code = request.POST.get("flow", "")
    action = request.POST.get("action", "")
    if action not in ("create", "drop"):
        raise Http404("操作不存在")
    name = FLOW_NAMES.get(flow_code, "评分标准")
    with page_errors(request):
        if action == "create":
            services.standard_override_create(
                office=office, flow_code=flow_code, actor=request.user
            )
            messages.success(
                request, f"已按本区调整{name}：复制了全市默认标准，可在下方修改。"
            )
        else:
            services.standard_override_drop(
                office=office, flow_code=flow_code, actor=request.user
            )
            messages.success(
                request, f"{name}已恢复使用全市默认标准；已使用的版本保留。"
            )
    return redirect("evaluation:standards")


@office_required
@require_POST
def standard_edit(request, pk):
    standard = get_object_or_404(ScoringStandard, pk=pk)
    if not services.standards_may_edit(request.user, office_id=standard.office_id):
        raise PermissionDenied("您不能修改该评分标准。")
    steps, rules = {}, {}
    try:
        for line in standard.steps.all():
            base = request.POST.get(f"base_{line.code}")
            high = request.POST.get(f"high_{line.code}")
            if base is not None and high is not None:
                steps[line.code] = (Decimal(base), Decimal(high))
        for rule in standard.rules.all():
            points = request.POST.get(f"points_{rule.kind}")
            cap = request.POST.get(f"cap_{rule.kind}")
            if points is not None and cap is not None:
                rules[rule.kind] = (Decimal(points), Decimal(cap))
        weights = {}
        for body in standard.bodies.all():
            weight = request.POST.get(f"weight_{body.pk}")
            if weight is not None:
                weights[body.name] = Decimal(weight) / 100
    except InvalidOperation:
        messages.error(request, "分值必须是数字。")
        return redirect("evaluation:standards")
    with page_errors(request):
        services.standard_update(
            standard=standard,
            actor=request.user,
            steps=steps,
            rules=rules,
            weights=weights,
            note=request.POST.get("note", ""),
        )
        messages.success(request, "评分标准已保存(已被使用的版本会另存为新版本)。")
    return redirect("evaluation:standards")
