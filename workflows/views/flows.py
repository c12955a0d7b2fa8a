"""Flow templates and their step templates."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.pages import page_errors
from org.permissions import office_required
from workflows import services
from workflows.forms import StepTemplateForm
from workflows.models import EVIDENCE_KINDS, FlowTemplate, StepTemplate


@office_required
def flow_list_page(request):
    flows = FlowTemplate.objects.prefetch_related("steps").order_by("code")
    return render(
        request,
        "workflows/flows.html",
        {"flows": flows, "evidence_kinds": EVIDENCE_KINDS},
    )


@office_required
def step_template_form_page(request, flow_pk, pk=None):
    flow = get_object_or_404(FlowTemplate, pk=flow_pk)
    instance = get_object_or_404(StepTemplate, pk=pk, flow=flow) if pk else None
    initial = {}
    if instance:
        initial = {f: getattr(instance, f) for f in services.templates.EDITABLE_FIELDS}
        initial["step_actor"] = instance.actor
    form = StepTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with page_errors(request, form=form):
            if instance:
                services.step_template_update(
                    step_template=instance, actor=request.user, **form.cleaned_data
                )
            else:
                services.step_template_add(
                    flow=flow, actor=request.user, **form.cleaned_data
                )
            messages.success(request, "流程模板已保存，只影响今后发起的项目。")
            return redirect("workflows:flows")
    return render(
        request,
        "workflows/step_template_form.html",
        {"form": form, "flow": flow, "instance": instance},
    )


@require_POST
@office_required
def step_template_move_view(request, pk):
    step_template = get_object_or_404(StepTemplate, pk=pk)
    services.step_template_move(
        step_template=step_template,
        actor=request.user,
        up=request.POST.get("direction") == "up",
    )
    return redirect("workflows:flows")


@require_POST
@office_required
def step_template_delete_view(request, pk):
    step_template = get_object_or_404(StepTemplate, pk=pk)
    with page_errors(request):
        services.step_template_delete(step_template=step_template, actor=request.user)
        messages.success(request, "已删除该步骤，已发起的项目不受影响。")
    return redirect("workflows:flows")
