"""Browser pages of the supervision app: thin (check role, validate, one
service)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.errors import DomainError
from config.filters import MAX_ID, query_int
from config.tabular import xlsx_response
from org.models import Role
from org.permissions import role_required
from org.selectors import can_act_for, is_office, role_of, visible_departments
from supervision import rates, selectors, services
from supervision.forms import (
    AccountabilityForm,
    CircularDraftForm,
    CircularEditForm,
    InspectionForm,
    ProblemForm,
    ProblemStatusForm,
)
from supervision.models import Duty, Inspection, InspectionPlan, Problem

SUPERVISORS = {Role.OFFICE, Role.LEADER, Role.INSPECTOR}


def _int(value, default=None):
    """A whole number from the request, `default` for anything else."""
    return query_int(value, low=-MAX_ID, default=default)


def _run(request, action, success: str) -> bool:
    """Call a service; a refused rule becomes a Chinese error message."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _may_record(user) -> bool:
    return role_of(user) in {Role.OFFICE, Role.INSPECTOR}


@role_required(SUPERVISORS)
def inspection_list(request):
    inspections = selectors.inspection_list(
        user=request.user, filters=request.GET, strict=False
    )
    page = Paginator(inspections, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/inspection_list.html",
        {
            "page": page,
            "may_record": _may_record(request.user),
            "accountabilities": selectors.accountability_list(user=request.user)[:20],
            **_filter_context(request),
            "kinds": Inspection.Kind.choices,
        },
    )


def _filter_context(request) -> dict:
    """What a filtered list shows above it: the chosen values, the departments
    the user may choose from, the query for the pager and the download."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filters": request.GET,
        "querystring": query.urlencode(),
        "departments": visible_departments(request.user)
        .filter(is_active=True)
        .order_by("sort_order", "code"),
    }


@role_required({Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON})
def problem_list(request):
    """发现问题 and their 整改 state, across inspections (a liaison: their own)."""
    problems = selectors.problem_list(
        user=request.user, filters=request.GET, strict=False
    )
    page = Paginator(problems, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/problem_list.html",
        {
            "page": page,
            "statuses": Problem.Status.choices,
            **_filter_context(request),
        },
    )


@role_required({Role.OFFICE, Role.INSPECTOR})
def inspection_create(request):
    form = InspectionForm(
        request.POST or None,
        user=request.user,
        initial={"inspected_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_record(actor=request.user, **data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记检查记录。")
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    return render(
        request, "supervision/form.html", {"form": form, "title": "登记明察暗访"}
    )


@role_required(SUPERVISORS)
def inspection_detail(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    problems = inspection.problems.select_related("assignment").order_by("id")
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "problems": problems,
            "may_record": _may_record(request.user),
            "may_hand_notice": is_office(request.user),
            "problem_form": ProblemForm(),
            "status_form": ProblemStatusForm(),
            "accountabilities": inspection.department.accountabilities.filter(
                problem__inspection=inspection
            ).select_related("problem"),
        },
    )


@role_required({Role.OFFICE, Role.INSPECTOR})
@require_POST
def problem_create(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    form = ProblemForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.problem_record(
                actor=request.user, inspection=inspection, **form.cleaned_data
            ),
            "已登记问题。",
        )
    else:
        messages.error(request, "请填写问题描述，整改时限须为有效日期。")
    return redirect("supervision:inspection_detail", pk=pk)


@role_required({Role.OFFICE, Role.INSPECTOR})
@require_POST
def problem_action(request, pk, action):
    problem = selectors.problem_get(user=request.user, pk=pk)
    if action == "assign":
        _run(
            request,
            lambda: services.problem_raise_assignment(
                actor=request.user, problem=problem
            ),
            "已下发交办单。",
        )
    elif action == "status":
        form = ProblemStatusForm(request.POST)
        if form.is_valid():
            _run(
                request,
                lambda: services.problem_set_status(
                    actor=request.user,
                    problem=problem,
                    to=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                ),
                "整改状态已更新。",
            )
        else:
            messages.error(request, "整改状态不正确。")
    else:
        raise Http404
    return redirect("supervision:inspection_detail", pk=problem.inspection_id)


@role_required({Role.OFFICE, Role.INSPECTOR})
def accountability_create(request):
    initial = {"decided_on": timezone.localdate()}
    problem_id = _int(request.GET.get("problem"))
    if problem_id:
        problem = selectors.problem_get(user=request.user, pk=problem_id)
        initial.update(
            problem=problem,
            department=problem.inspection.department,
            project=problem.inspection.project,
        )
    form = AccountabilityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.accountability_record(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记追责问责。")
            return redirect("supervision:inspections")
    return render(
        request, "supervision/form.html", {"form": form, "title": "登记追责问责"}
    )


# --- plans ---------------------------------------------------------------------


@role_required({Role.OFFICE, Role.LEADER, Role.INSPECTOR})
def plan_list(request):
    status = request.GET.get("status", "")
    if status not in InspectionPlan.Status.values:
        status = ""
    plans = selectors.plan_list(
        user=request.user, status=status or None, filters=request.GET
    )
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/plans.html",
        {
            "page": page,
            "status": status,
            "statuses": InspectionPlan.Status.choices,
            "due_soon": request.GET.get("due_soon") == "1",
            "querystring": _querystring(request),
        },
    )


def _querystring(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- rates ---------------------------------------------------------------------


@role_required({Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON})
def rate_list(request):
    today = timezone.localdate()
    year = query_int(request.GET.get("year"), low=2000, default=today.year)
    if year > 2100:
        year = today.year
    quarter = query_int(request.GET.get("quarter"), low=0, default=0)
    if quarter > 4:
        quarter = 0
    rows = rates.supervision_rates(
        user=request.user, year=year, quarter=quarter or None
    )
    return render(
        request,
        "supervision/rates.html",
        {
            "rows": rows,
            "year": year,
            "quarter": quarter,
            "years": range(today.year - 4, today.year + 1),
            "definitions": [rates.DEFINITIONS[name] for name in rates.RATES],
        },
    )


# --- circulars (通报) ------------------------------------------------------------


@role_required({Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON})
def circular_list(request):
    circulars = selectors.circular_list(user=request.user)
    page = Paginator(circulars, 50).get_page(request.GET.get("page"))
    office = role_of(request.user) == Role.OFFICE
    return render(
        request,
        "supervision/circulars.html",
        {"page": page, "draft_form": CircularDraftForm() if office else None},
    )


@role_required({Role.OFFICE})
@require_POST
def circular_create(request):
    form = CircularDraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择通报类别和来源。")
        return redirect("supervision:circulars")
    try:
        circular = services.circular_draft(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("supervision:circulars")
    messages.success(request, "已生成通报草稿，请修改后印发。")
    return redirect("supervision:circular_detail", pk=circular.pk)


@role_required({Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON})
def circular_detail(request, pk):
    circular = selectors.circular_get(user=request.user, pk=pk)
    office = role_of(request.user) == Role.OFFICE
    editable = office and circular.status == circular.Status.DRAFT
    form = None
    if editable:
        form = CircularEditForm(
            request.POST or None,
            user=request.user,
            initial={
                "title": circular.title,
                "body": circular.body,
                "to_all": circular.to_all,
                "departments": list(circular.departments.all()),
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            saved = _run(
                request,
                lambda: services.circular_update(
                    actor=request.user, circular=circular, **data
                ),
                "通报已保存。",
            )
            if saved and "issue" in request.POST:
                circular.refresh_from_db()
                _run(
                    request,
                    lambda: services.circular_issue(
                        actor=request.user, circular=circular
                    ),
                    "通报已印发，已向发送单位发出告知单。",
                )
            return redirect("supervision:circular_detail", pk=pk)
    receipts = (
        selectors.circular_receipts(circular=circular)
        if office and circular.status == circular.Status.ISSUED
        else []
    )
    return render(
        request,
        "supervision/circular_detail.html",
        {"circular": circular, "form": form, "receipts": receipts},
    )


@role_required({Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON})
def circular_print(request, pk):
    circular = selectors.circular_get(user=request.user, pk=pk)
    quarter = circular.round.quarter if circular.round_id else None
    rows = rates.supervision_rates(
        user=request.user, year=circular.year, quarter=quarter or None
    )
    return render(
        request,
        "supervision/circular_print.html",
        {
            "circular": circular,
            "recipients": services.circular_recipients(circular),
            "rates": [r for r in rows if r["kind"] == "town"],
        },
    )


@role_required({Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON})
def circular_xlsx(request, pk):
    circular = selectors.circular_get(user=request.user, pk=pk)
    rows = [
        ("期号", circular.number or "草稿"),
        ("类别", circular.get_kind_display()),
        ("标题", circular.title),
        ("印发日期", circular.issued_on or ""),
        (),
    ]
    rows += [("正文", line) for line in circular.body.splitlines()]
    return xlsx_response(
        ["项目", "内容"],
        rows,
        filename=f"{circular.number or circular.title}.xlsx",
    )


# --- duties (日常执规) -------------------------------------------------------------


@role_required({Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON})
def duty_list(request):
    status = request.GET.get("status", "")
    if status not in Duty.Status.values:
        status = ""
    duties = selectors.duty_list(
        user=request.user, status=status or None, filters=request.GET
    )
    page = Paginator(duties, 50).get_page(request.GET.get("page"))
    for duty in page:
        duty.may_complete = duty.status != Duty.Status.DONE and can_act_for(
            request.user, duty.department_id
        )
    return render(
        request,
        "supervision/duties.html",
        {
            "page": page,
            "status": status,
            "statuses": Duty.Status.choices,
            "due_soon": request.GET.get("due_soon") == "1",
            "querystring": _querystring(request),
        },
    )


@role_required({Role.LIAISON})
@require_POST
def duty_complete(request, pk):
    duty = selectors.duty_get(user=request.user, pk=pk)
    _run(
        request,
        lambda: services.duty_complete(
            duty=duty,
            actor=request.user,
            text=request.POST.get("text", ""),
            file=request.FILES.get("file"),
        ),
        "已报送完成情况。",
    )
    return redirect("supervision:duties")
