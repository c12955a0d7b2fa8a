"""Scoring standards pages."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.pages import page_errors
from evaluation import services
from evaluation.models import ScoringStandard
from evaluation.views.common import OFFICE_LEADER
from org.permissions import office_required, role_required


@role_required(OFFICE_LEADER)
def standards(request):
    items = ScoringStandard.objects.prefetch_related(
        "steps", "rules", "indicators", "rounds", "bodies__department"
    ).order_by("flow_code", "-version")
    return render(request, "evaluation/standards.html", {"standards": items})


@office_required
@require_POST
def standard_edit(request, pk):
    standard = get_object_or_404(ScoringStandard, pk=pk)
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
