"""Evaluation rounds, score sheets and the round's bulletin."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.pages import page_errors
from config.tabular import xlsx_response
from evaluation import selectors, services
from evaluation.forms import AdjustForm, ReasonForm, RoundCreateForm
from evaluation.models import (
    EvaluationRound,
    KeyIndicator,
    RoundEvent,
    RoundJob,
    StepScore,
)
from evaluation.views.common import OFFICE_LEADER, READERS, _int
from org.models import Department
from org.permissions import office_required, role_required
from org.selectors import is_office, visible_departments


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
    with page_errors(request):
        round_ = services.round_create(
            year=data["year"],
            quarter=data["quarter"],
            name=data["name"],
            corrects=data["corrects"],
            reason=data["reason"],
            actor=request.user,
        )
        messages.success(request, f"已新建评价轮次“{round_.name}”。")
        return redirect("evaluation:round_detail", pk=round_.pk)
    return redirect("evaluation:rounds")


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
            "job": selectors.round_job_shown(
                round_=round_, job_id=_int(request.GET.get("job"))
            )
            if is_office(request.user)
            else None,
        },
    )


@office_required
@require_POST
def round_action(request, pk, action):
    round_ = get_object_or_404(EvaluationRound, pk=pk)
    actor = request.user
    actions = {
        # Proposal and publication run in the background (evaluation.tasks);
        # the round's page follows the job's progress.
        "propose": (
            lambda: services.round_job_start(
                round=round_, action="propose", actor=actor
            ),
            "已开始按执行记录生成评分，请稍候。",
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
            lambda: services.round_job_start(
                round=round_, action="publish", actor=actor
            ),
            "已开始发布，请稍候。",
        ),
    }
    if action not in actions:
        raise Http404
    call, success = actions[action]
    with page_errors(request):
        job = call()
        if isinstance(job, RoundJob):
            # Eager (tests, no worker) the job is already done: say how it went.
            job.refresh_from_db()
            if not job.finished:
                messages.info(request, success)
            return redirect(
                reverse("evaluation:round_detail", args=[round_.pk]) + f"?job={job.pk}"
            )
        messages.success(request, success)
    return redirect("evaluation:round_detail", pk=round_.pk)


@office_required
def round_job(request, pk, job_pk):
    """The progress of a round's background job (polled by htmx)."""
    job = get_object_or_404(RoundJob, pk=job_pk, round_id=pk)
    response = render(request, "evaluation/_round_job.html", {"job": job})
    if job.finished and request.GET.get("poll"):
        # The page under the bar changed (sheets, status): reload it once.
        response["HX-Refresh"] = "true"
    return response


@office_required
@require_POST
def round_peer_weight(request, pk):
    round_ = get_object_or_404(EvaluationRound, pk=pk)
    with page_errors(request):
        services.round_set_peer_weight(
            round=round_, weight=request.POST.get("peer_weight", ""), actor=request.user
        )
        messages.success(request, "互评权重已保存。")
    return redirect("evaluation:round_detail", pk=pk)


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
    with page_errors(request):
        services.mark_adjust(
            step_score=line,
            new_points=form.cleaned_data["new_points"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(request, f"已调整“{line.name}”的得分。")
    return redirect("evaluation:sheet", pk=pk)


@office_required
@require_POST
def sheet_indicator_miss(request, pk):
    sheet = selectors.evaluation_get(user=request.user, pk=pk)
    indicator = get_object_or_404(
        KeyIndicator, pk=_int(request.POST.get("indicator"), 0)
    )
    with page_errors(request):
        services.indicator_miss_record(
            evaluation=sheet,
            indicator=indicator,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
        messages.success(request, "已登记关键指标未达成并重新计分。")
    return redirect("evaluation:sheet", pk=pk)


@role_required(READERS)
def my_scores(request):
    """Published sheets of the user's departments (all, for office/leader)."""
    sheets = selectors.evaluation_list(
        user=request.user, filters=request.GET, strict=False
    )
    page = Paginator(sheets, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evaluation/score_list.html",
        {
            "page": page,
            "querystring": query.urlencode(),
            "filters": request.GET,
            "years": selectors.sheet_years(user=request.user),
            "departments": visible_departments(request.user)
            .filter(is_active=True)
            .order_by("sort_order", "code"),
        },
    )


def _published_round(request, pk) -> EvaluationRound:
    round_ = selectors.round_get(user=request.user, pk=pk)
    if round_.status not in ("published", "superseded"):
        raise Http404("通报只能由已发布的评价轮次生成")
    return round_


RANKING_PAGE = 200
ESCALATED_PAGE = 100


@role_required(READERS)
def bulletin(request, pk):
    """The 通报 a page at a time: the rankings by RANKING_PAGE rows (`rpage`),
    the steps named in it by ESCALATED_PAGE (`page`); the Excel has them all."""
    round_ = _published_round(request, pk)
    data = selectors.bulletin_page(
        round_=round_, number=request.GET.get("rpage"), per_page=RANKING_PAGE
    )
    rankings = data["rankings_page"]
    by_kind = {}
    for row in rankings.object_list:
        by_kind.setdefault(row["kind_label"], []).append(row)
    escalated = Paginator(data["escalated"], ESCALATED_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "evaluation/bulletin.html",
        {
            "round": round_,
            **data,
            "by_kind": by_kind,
            "escalated_page": escalated,
            "escalated": escalated.object_list,
            "rankings_query": _query_without(request, "rpage"),
            "escalated_query": _query_without(request, "page"),
        },
    )


def _query_without(request, key: str) -> str:
    query = request.GET.copy()
    query.pop(key, None)
    return query.urlencode()


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
