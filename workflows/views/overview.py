"""Overview, review queue and the liaison's inbox."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from org.models import Department
from org.permissions import office_required, reader_required
from org.selectors import is_office, sees_everything
from workflows import selectors
from workflows.filters import LIGHT_CHOICES
from workflows.models import ExecutionProject, FlowTemplate
from workflows.views.common import liaison_required


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
