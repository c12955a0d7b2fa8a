"""Overview, review queue and the liaison's inbox."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from config.filters import filter_invalid, query_int
from org.permissions import office_required, reader_required
from org.selectors import is_office, sees_office, visible_departments
from workflows import selectors
from workflows.filters import LIGHT_CHOICES, ProjectFilter
from workflows.models import ExecutionProject, FlowTemplate
from workflows.views.common import liaison_required


@reader_required
def overview_page(request):
    filters = request.GET.copy()
    if not filters.get("year"):
        filters["year"] = str(timezone.localdate().year)
    # A value that does not validate is ignored (and said so), never a 500.
    projects = selectors.project_list(user=request.user, filters=filters, strict=False)
    ignored = filter_invalid(ProjectFilter, filters)
    error = "部分筛选条件无效，已忽略。" if ignored else ""
    year = None if "year" in ignored else query_int(filters["year"], high=9999)
    page = Paginator(projects, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "error": error,
        "flows": FlowTemplate.Code.choices,
        "statuses": ExecutionProject.Status.choices,
        "lights": LIGHT_CHOICES,
        "departments": (
            visible_departments(request.user)
            .filter(is_active=True)
            .order_by("sort_order", "code")
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
