"""Overview, review queue and the step lists."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.filters import filter_invalid, query_int
from config.pages import page_errors
from config.paging import page_of
from config.widgets import department_filter
from org.permissions import office_required, reader_required
from org.selectors import is_office, sees_office, visible_departments
from workflows import selectors, services
from workflows.filters import LIGHT_CHOICES, ProjectFilter
from workflows.models import ExecutionProject, FlowTemplate


@reader_required
def overview_page(request):
    filters = request.GET.copy()
    # This year unless a year was asked for; an emptied year field is no filter.
    if "year" not in filters:
        filters["year"] = str(timezone.localdate().year)
    # A value that does not validate is ignored (and said so), never a 500.
    projects = selectors.project_list(user=request.user, filters=filters, strict=False)
    ignored = filter_invalid(ProjectFilter, filters)
    error = "部分筛选条件无效，已忽略。" if ignored else ""
    year = None if "year" in ignored else query_int(filters["year"], high=9999)
    page = page_of(projects, 50, request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "error": error,
        "flows": FlowTemplate.Code.choices,
        "statuses": ExecutionProject.Status.choices,
        "lights": LIGHT_CHOICES,
        "department_select": (
            department_filter(
                queryset=visible_departments(request.user)
                .filter(is_active=True)
                .order_by("sort_order", "code"),
                value=filters.get("department"),
                id="f-dept",
                **{"class": "form-select form-select-sm"},
            )
            if sees_office(request.user)
            else None
        ),
        "review_count": (
            selectors.review_queue(user=request.user).count()
            if is_office(request.user)
            else None
        ),
        "extension_count": (
            selectors.extension_queue(user=request.user).count()
            if is_office(request.user)
            else None
        ),
        "query": request.GET.copy(),
        # The rows link to prefix + pk + "/": one reverse() for the page.
        "project_path": reverse("workflows:project", kwargs={"pk": 0}).removesuffix(
            "0/"
        ),
        "light_counts": (
            selectors.step_light_counts(user=request.user, year=year) if year else None
        ),
    }
    context["query"].pop("page", None)
    return render(request, "workflows/overview.html", context)


@office_required
def review_page(request):
    steps = selectors.review_queue(user=request.user)
    page = Paginator(steps, 50).get_page(request.GET.get("page"))
    return render(request, "workflows/review.html", {"page": page})


@require_POST
@office_required
def review_batch_approve_view(request):
    """批量通过 from the 待审核 list: each chosen step approved on its own."""
    # a page of the list at most; ids the database can hold ("²" is a digit)
    ids = [query_int(v) for v in request.POST.getlist("steps")[:100]]
    ids = [i for i in ids if i is not None]
    if not ids:
        messages.error(request, "请先勾选要通过的步骤。")
        return redirect("workflows:review")
    steps = selectors.review_steps_get(user=request.user, ids=ids)
    with page_errors(request):
        result = services.step_approve_batch(
            steps=steps,
            actor=request.user,
            rating=request.POST.get("rating") or "pass",
        )
        if result["approved"]:
            messages.success(request, f"已审核通过{len(result['approved'])}条。")
        for reason in result["skipped"]:
            messages.warning(request, reason)
    return redirect("workflows:review")


@office_required
def review_next_view(request, pk):
    """下一条: the next step waiting for review after step `pk`, in the 待审核
    list's order; the list itself when none is left."""
    after = selectors.review_steps_get(user=request.user, ids=[pk])
    step = selectors.review_next(user=request.user, after=after[0] if after else None)
    if step is None:
        messages.info(request, "待审核的材料已全部处理。")
        return redirect("workflows:review")
    return redirect("workflows:step", pk=step.pk)


@reader_required
def step_list_page(request):
    """Steps the user may see, filtered by the query (e.g. ?light=red): the list
    the home page's 逾期 count links to."""
    steps = selectors.step_list(
        user=request.user, filters=request.GET, strict=False
    ).exclude(project__status=ExecutionProject.Status.WITHDRAWN)
    page = Paginator(steps, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/steps.html",
        {"page": page, "query": query.urlencode(), "total": page.paginator.count},
    )
