"""Launching projects, one or in bulk."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from config.pages import page_errors
from org.permissions import office_required
from org.selectors import office_of
from workflows import selectors, services
from workflows.forms import BulkLaunchForm, BulkLaunchStartForm, LaunchForm
from workflows.models import BulkLaunchJob


@office_required
def launch_page(request):
    # Opened from a lead-list row (?responsibility=) or a regulation
    # (?regulation=): the list's lead, partners and flow are filled in.
    initial = selectors.launch_initial(
        responsibility_id=request.GET.get("responsibility"),
        regulation_id=request.GET.get("regulation"),
    )
    form = LaunchForm(request.POST or None, initial=initial, user=request.user)
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
    initial = {"year": today.year, "starts_on": today}
    chosen = None
    if request.method == "POST":
        form = BulkLaunchStartForm(request.POST, initial=initial)
        chosen = {
            int(v) for v in request.POST.getlist("responsibilities") if v.isdigit()
        }
        if form.is_valid():
            data = form.cleaned_data
            with page_errors(request, form=form):
                job = services.bulk_launch_start(
                    year=data["year"],
                    starts_on=data["starts_on"],
                    responsibility_ids=[r.pk for r in data["responsibilities"]],
                    actor=request.user,
                )
                return redirect("workflows:bulk_launch_job", pk=job.pk)
        preview = BulkLaunchForm(request.POST)
    else:
        data = request.GET if "year" in request.GET else None
        form = preview = BulkLaunchForm(data, initial=initial)
    rows, missing_years = None, []
    if preview.is_bound and preview.is_valid():
        year, starts_on = (
            preview.cleaned_data["year"],
            preview.cleaned_data["starts_on"],
        )
        rows = services.project_bulk_launch_preview(
            year=year, starts_on=starts_on, office=office_of(request.user)
        )
        if chosen is None:
            # As the page first renders, every launchable row is chosen.
            chosen = {r.responsibility.pk for r in rows if r.will_launch}
        missing_years = services.bulk_launch_years_without_holidays(
            year=year,
            starts_on=starts_on,
            flow_codes={r.flow_code for r in rows if r.will_launch},
        )
    return render(
        request,
        "workflows/bulk_launch.html",
        {
            "form": form,
            "preview": preview,
            "rows": rows,
            "chosen": chosen or set(),
            "missing_years": missing_years,
            "launch_count": sum(1 for r in rows if r.will_launch) if rows else 0,
        },
    )


@office_required
def bulk_launch_job_page(request, pk):
    job = get_object_or_404(BulkLaunchJob, pk=pk)
    template = (
        "workflows/_bulk_launch_progress.html"
        if request.htmx
        else "workflows/bulk_launch_job.html"
    )
    return render(request, template, {"job": job})
