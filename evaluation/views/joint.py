"""三家联评: a body's people (or the office) enter marks; the office records a
missing body and imports the satisfaction survey."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from config.pages import page_errors
from config.tabular import read_rows
from evaluation import selectors, services
from evaluation.models import EvaluatingBody, EvaluationRound
from org.models import Department, Role
from org.permissions import role_required

JOINT_ROLES = {Role.OFFICE, Role.LEADER, Role.INSPECTOR}


@role_required(JOINT_ROLES)
def round_joint(request, pk):
    round_ = get_object_or_404(EvaluationRound, pk=pk)
    if request.method != "POST":
        sheet = selectors.joint_sheet(round_=round_, user=request.user)
        return render(request, "evaluation/joint.html", sheet)
    action = request.POST.get("action")
    with page_errors(request):
        if action == "survey":
            upload = request.FILES.get("file")
            if upload is None:
                messages.error(request, "请选择满意度调查表(xlsx)。")
                return redirect("evaluation:round_joint", pk=pk)
            report = services.survey_import(
                round=round_,
                rows=read_rows(upload),
                actor=request.user,
                commit=True,
            )
            if report.ok:
                messages.success(request, report.summary())
            else:
                messages.error(
                    request,
                    report.summary() + "：" + "；".join(str(e) for e in report.errors),
                )
            return redirect("evaluation:round_joint", pk=pk)
        body = get_object_or_404(
            EvaluatingBody, pk=request.POST.get("body"), standard__rounds=round_
        )
        if action == "missing":
            services.body_missing_record(
                round=round_,
                body=body,
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
            messages.success(request, f"已登记“{body.name}”的缺评原因。")
        else:
            department = get_object_or_404(
                Department, pk=request.POST.get("department")
            )
            try:
                mark = Decimal(request.POST.get("mark", ""))
            except InvalidOperation:
                messages.error(request, "评分必须是0到100的数字。")
                return redirect("evaluation:round_joint", pk=pk)
            services.body_mark_enter(
                round=round_,
                body=body,
                department=department,
                mark=mark,
                comment=request.POST.get("comment", ""),
                actor=request.user,
            )
            messages.success(request, f"已保存{body.name}对“{department.name}”的评分。")
    return redirect("evaluation:round_joint", pk=pk)
