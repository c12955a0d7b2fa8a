"""Browser pages of the evaluation app: thin (check role, validate, one service)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.errors import DomainError
from config.filters import MAX_ID, query_int
from config.permissions import office_required, role_required
from config.tabular import xlsx_response
from evaluation import charts, selectors, services
from evaluation.forms import (
    AccountabilityForm,
    AdjustForm,
    InspectionForm,
    ProblemForm,
    ProblemStatusForm,
    ReasonForm,
    RoundCreateForm,
)
from evaluation.models import (
    CreditRecord,
    EvaluationRound,
    KeyIndicator,
    RoundEvent,
    ScoringStandard,
    StepScore,
)
from responsibilities.models import Department, Role
from responsibilities.selectors import is_office, visible_departments

READERS = {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON}
OFFICE_LEADER = {Role.OFFICE, Role.LEADER}
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


# --- dashboard and rankings ----------------------------------------------------


@role_required(OFFICE_LEADER)
def dashboard(request):
    year = _int(request.GET.get("year"), timezone.localdate().year)
    years = selectors.published_years()
    ranking_year = year if year in years else (years[0] if years else None)
    quarter = _int(request.GET.get("quarter"), 0)
    quarter = quarter if quarter in (1, 2, 3, 4) else 0
    ranking = (
        selectors.rankings(year=ranking_year, quarter=quarter) if ranking_year else []
    )
    by_kind = {}
    for row in ranking:
        by_kind.setdefault(row["kind_label"], []).append(row)
    trend_district = selectors.score_trend(kind=Department.Kind.DISTRICT)
    trend_town = selectors.score_trend(kind=Department.Kind.TOWN)
    progress = selectors.year_progress(year=year)
    return render(
        request,
        "evaluation/dashboard.html",
        {
            "year": year,
            "ranking_year": ranking_year,
            "quarter": quarter,
            "quarter_label": EvaluationRound.Quarter(quarter).label,
            "ranking_top": {k: rows[:5] for k, rows in by_kind.items()},
            "lights": selectors.year_lights(year=year),
            "progress_svg": charts.bar_chart(
                [(p["label"], p["done"], p["total"]) for p in progress],
                title=f"{year}年各流程、各类单位步骤完成情况",
            ),
            "trend_district_svg": charts.line_chart(
                [(str(t["year"]), t["value"]) for t in trend_district],
                title="区级部门平均得分趋势",
            ),
            "trend_town_svg": charts.line_chart(
                [(str(t["year"]), t["value"]) for t in trend_town],
                title="镇街平均得分趋势",
                color="#0d6efd",
            ),
            "overdue": selectors.top_overdue(year=year),
        },
    )


@role_required(READERS)
def rankings(request):
    years = selectors.published_years()
    year = _int(request.GET.get("year"), years[0] if years else None)
    quarter = _int(request.GET.get("quarter"), 0)
    quarter = quarter if quarter in (0, 1, 2, 3, 4) else 0
    rows = selectors.rankings(year=year, quarter=quarter) if year else []
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row["kind_label"], []).append(row)
    return render(
        request,
        "evaluation/rankings.html",
        {
            "years": years,
            "year": year,
            "quarter": quarter,
            "quarters": EvaluationRound.Quarter.choices,
            "by_kind": by_kind,
        },
    )


# --- rounds and score sheets --------------------------------------------------


@role_required(OFFICE_LEADER)
def round_list(request):
    form = RoundCreateForm(initial={"year": timezone.localdate().year})
    return render(
        request,
        "evaluation/round_list.html",
        {"rounds": selectors.round_list(user=request.user), "form": form},
    )


@office_required
@require_POST
def round_create(request):
    form = RoundCreateForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "输入有误："
            + "；".join(
                f"{form.fields[f].label}{' '.join(e)}" for f, e in form.errors.items()
            ),
        )
        return redirect("evaluation:rounds")
    data = form.cleaned_data
    try:
        round_ = services.round_create(
            year=data["year"],
            quarter=data["quarter"],
            name=data["name"],
            corrects=data["corrects"],
            reason=data["reason"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:rounds")
    messages.success(request, f"已新建评价轮次“{round_.name}”。")
    return redirect("evaluation:round_detail", pk=round_.pk)


@role_required(OFFICE_LEADER)
def round_detail(request, pk):
    round_ = selectors.round_get(user=request.user, pk=pk)
    sheets = selectors.evaluation_list(user=request.user, round_id=round_.pk)
    page = Paginator(sheets, 100).get_page(request.GET.get("page"))
    peer_rows = []
    if round_.peer_weight:
        averages = services.peer_averages(round_)
        names = dict(
            Department.objects.filter(pk__in=averages).values_list("pk", "name")
        )
        peer_rows = sorted(
            ((names.get(k, k), v) for k, v in averages.items()), key=lambda r: -r[1]
        )
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "round": round_,
            "page": page,
            "events": RoundEvent.objects.filter(round=round_).select_related("actor"),
            "standards": round_.standards.all(),
            "reason_form": ReasonForm(),
            "peer_rows": peer_rows,
        },
    )


@office_required
@require_POST
def round_action(request, pk, action):
    round_ = get_object_or_404(EvaluationRound, pk=pk)
    actor = request.user
    actions = {
        "propose": (
            lambda: services.round_propose_all(round=round_, actor=actor),
            "已按执行记录生成(更新)评分表。",
        ),
        "review": (
            lambda: services.round_review(round=round_, actor=actor),
            "已复核。",
        ),
        "reopen": (
            lambda: services.round_reopen(
                round=round_, actor=actor, reason=request.POST.get("reason", "")
            ),
            "已退回草稿。",
        ),
        "publish": (
            lambda: services.round_publish(round=round_, actor=actor),
            "已发布，本轮评价已冻结并写入历史信用评价。",
        ),
    }
    if action not in actions:
        raise Http404
    call, success = actions[action]
    _run(request, call, success)
    return redirect("evaluation:round_detail", pk=round_.pk)


@role_required(READERS)
def sheet_detail(request, pk):
    sheet = selectors.evaluation_get(user=request.user, pk=pk)
    indicators = KeyIndicator.objects.filter(standard_id=sheet.standard_id)
    editable = is_office(request.user) and sheet.round.status == "draft"
    return render(
        request,
        "evaluation/sheet_detail.html",
        {
            "sheet": sheet,
            "lines": sheet.steps.all(),
            "indicators": indicators,
            "misses": sheet.indicator_misses.select_related("indicator"),
            "editable": editable,
            "adjust_form": AdjustForm(),
        },
    )


@office_required
@require_POST
def sheet_adjust(request, pk, line_pk):
    line = get_object_or_404(StepScore, pk=line_pk, evaluation_id=pk)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("evaluation:sheet", pk=pk)
    _run(
        request,
        lambda: services.mark_adjust(
            step_score=line,
            new_points=form.cleaned_data["new_points"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        ),
        f"已调整“{line.name}”的得分。",
    )
    return redirect("evaluation:sheet", pk=pk)


@office_required
@require_POST
def sheet_indicator_miss(request, pk):
    sheet = selectors.evaluation_get(user=request.user, pk=pk)
    indicator = get_object_or_404(
        KeyIndicator, pk=_int(request.POST.get("indicator"), 0)
    )
    _run(
        request,
        lambda: services.indicator_miss_record(
            evaluation=sheet,
            indicator=indicator,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        ),
        "已登记关键指标未达成并重新计分。",
    )
    return redirect("evaluation:sheet", pk=pk)


@role_required(READERS)
def my_scores(request):
    """Published sheets of the user's departments (all, for office/leader)."""
    sheets = selectors.evaluation_list(
        user=request.user, year=_int(request.GET.get("year"))
    )
    page = Paginator(sheets, 50).get_page(request.GET.get("page"))
    return render(request, "evaluation/score_list.html", {"page": page})


# --- bulletin -----------------------------------------------------------------


def _published_round(request, pk) -> EvaluationRound:
    round_ = selectors.round_get(user=request.user, pk=pk)
    if round_.status not in ("published", "superseded"):
        raise Http404("通报只能由已发布的评价轮次生成")
    return round_


@role_required(READERS)
def bulletin(request, pk):
    round_ = _published_round(request, pk)
    return render(
        request,
        "evaluation/bulletin.html",
        {"round": round_, **selectors.bulletin(round_=round_)},
    )


@role_required(READERS)
def bulletin_xlsx(request, pk):
    round_ = _published_round(request, pk)
    data = selectors.bulletin(round_=round_)
    rows = [
        (
            r["kind_label"],
            r["rank"],
            r["department"],
            r["total"],
            r["projects"],
            r["warnings"],
        )
        for r in data["rankings"]
    ]
    rows.append(())
    rows.append(("逾期事项", "单位", "项目", "扣分", "说明"))
    for d in data["overdue"]:
        rows.append(
            (
                "",
                d.evaluation.department.name,
                str(d.evaluation.project.regulation),
                d.points,
                d.reason,
            )
        )
    rows.append(())
    rows.append(("列入通报的步骤", "单位", "项目", "步骤", "截止日期"))
    for s in data["escalated"]:
        rows.append(
            ("", s.department.name, str(s.project.regulation), s.name, s.due_on)
        )
    return xlsx_response(
        ["类别", "名次", "单位", "得分(百分制)", "项目数", "警示单"],
        rows,
        filename=f"{round_.name}通报.xlsx",
    )


# --- credit records -----------------------------------------------------------


@role_required(READERS)
def credit_list(request):
    year = _int(request.GET.get("year"))
    records = selectors.credit_record_list(user=request.user, year=year)
    page = Paginator(records, 100).get_page(request.GET.get("page"))
    years = (
        CreditRecord.objects.values_list("year", flat=True).distinct().order_by("-year")
    )
    return render(
        request,
        "evaluation/credit_list.html",
        {"page": page, "year": year, "years": years},
    )


@role_required(READERS)
def credit_history(request, department_pk):
    department = visible_departments(request.user).filter(pk=department_pk).first()
    if department is None:
        raise Http404("单位不存在")
    records = list(
        selectors.credit_record_list(user=request.user, department=department.pk)
    )
    chronological = sorted(records, key=lambda r: r.year)
    return render(
        request,
        "evaluation/credit_history.html",
        {
            "department": department,
            "records": records,
            "chart": charts.line_chart(
                [(str(r.year), r.score) for r in chronological],
                title=f"{department.name}历年执规得分",
            ),
        },
    )


# --- scoring standards --------------------------------------------------------


@role_required(OFFICE_LEADER)
def standards(request):
    items = ScoringStandard.objects.prefetch_related(
        "steps", "rules", "indicators", "rounds"
    ).order_by("flow_code", "-version")
    return render(request, "evaluation/standards.html", {"standards": items})


@office_required
@require_POST
def standard_edit(request, pk):
    from decimal import Decimal, InvalidOperation

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
    except InvalidOperation:
        messages.error(request, "分值必须是数字。")
        return redirect("evaluation:standards")
    _run(
        request,
        lambda: services.standard_update(
            standard=standard,
            actor=request.user,
            steps=steps,
            rules=rules,
            note=request.POST.get("note", ""),
        ),
        "评分标准已保存(已被使用的版本会另存为新版本)。",
    )
    return redirect("evaluation:standards")


# --- supervision records ------------------------------------------------------


def _may_record(user) -> bool:
    from responsibilities.selectors import role_of

    return role_of(user) in {Role.OFFICE, Role.INSPECTOR}


@role_required(SUPERVISORS)
def inspection_list(request):
    inspections = selectors.inspection_list(
        user=request.user, department=_int(request.GET.get("department"))
    )
    page = Paginator(inspections, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/inspection_list.html",
        {
            "page": page,
            "may_record": _may_record(request.user),
            "accountabilities": selectors.accountability_list(user=request.user)[:20],
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
            return redirect("evaluation:inspection_detail", pk=inspection.pk)
    return render(
        request, "evaluation/form.html", {"form": form, "title": "登记明察暗访"}
    )


@role_required(SUPERVISORS)
def inspection_detail(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    problems = inspection.problems.select_related("assignment").order_by("id")
    return render(
        request,
        "evaluation/inspection_detail.html",
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
    return redirect("evaluation:inspection_detail", pk=pk)


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
    return redirect("evaluation:inspection_detail", pk=problem.inspection_id)


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
            return redirect("evaluation:inspections")
    return render(
        request, "evaluation/form.html", {"form": form, "title": "登记追责问责"}
    )


# --- 多元互评 -----------------------------------------------------------------


@role_required({Role.OFFICE, Role.LIAISON})
def peer(request):
    """A liaison rates the departments of the other kind in open rounds."""
    from evaluation.models import PeerRating
    from responsibilities.selectors import department_of

    department = department_of(request.user)
    rated_kind = services.RATES.get(department.kind) if department else None
    rounds = list(
        EvaluationRound.objects.filter(status="draft", peer_weight__gt=0).order_by(
            "-year", "-quarter"
        )
    )
    if request.method == "POST":
        round_ = get_object_or_404(
            EvaluationRound, pk=_int(request.POST.get("round"), 0)
        )
        rated = get_object_or_404(Department, pk=_int(request.POST.get("rated"), 0))
        _run(
            request,
            lambda: services.peer_rate(
                round=round_,
                rater=department,
                rated=rated,
                score=request.POST.get("score", ""),
                comment=request.POST.get("comment", ""),
                actor=request.user,
            ),
            f"已保存对“{rated.name}”的评分。",
        )
        return redirect("evaluation:peer")
    targets = (
        list(
            Department.objects.filter(kind=rated_kind, is_active=True).order_by(
                "sort_order", "code"
            )
        )
        if rated_kind and department and not is_office(request.user)
        else []
    )
    given = {
        (r.round_id, r.rated_id): r
        for r in PeerRating.objects.filter(rater=department, round__in=rounds)
    }
    sections = [
        {
            "round": r,
            "rows": [
                {"department": t, "rating": given.get((r.pk, t.pk))} for t in targets
            ],
        }
        for r in rounds
    ]
    return render(
        request,
        "evaluation/peer.html",
        {"department": department, "sections": sections, "rated_kind": rated_kind},
    )


@office_required
@require_POST
def round_peer_weight(request, pk):
    round_ = get_object_or_404(EvaluationRound, pk=pk)
    _run(
        request,
        lambda: services.round_set_peer_weight(
            round=round_, weight=request.POST.get("peer_weight", ""), actor=request.user
        ),
        "互评权重已保存。",
    )
    return redirect("evaluation:round_detail", pk=pk)
