"""Launching projects, one or in bulk."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from config.pages import page_errors
from org.permissions import office_required
from org.selectors import office_of
from workflows import services
from workflows.forms import BulkLaunchForm, LaunchForm


@office_required
def launch_page(request):
    form = LaunchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with page_errors(request, form=form):
            project = services.project_launch(
                regulation=data["regulation"],
                year=data["year"],
                lead_department=data["lead_department"],
                partner_departments=list(data["partner_departments"]),
                flow_code=data["flow"],
                starts_on=data["starts_on"],
                actor=request.user,
            )
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
            with page_errors(request):
                projects = services.project_bulk_launch(
                    year=year, starts_on=starts_on, actor=request.user
                )
                messages.success(request, f"已批量发起{len(projects)}个执行项目。")
                return redirect(reverse("workflows:overview") + f"?year={year}")
        rows = services.project_bulk_launch_preview(
            year=year, starts_on=starts_on, office=office_of(request.user)
        )
    return render(
        request,
        "workflows/bulk_launch.html",
        {
            "form": form,
            "rows": rows,
            "launch_count": sum(1 for r in rows if r.will_launch) if rows else 0,
        },
    )
