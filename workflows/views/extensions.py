"""延期申请 in the browser: the liaison asks on the step page, the office
answers there or from its queue."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.pages import page_errors
from org.permissions import office_required, reader_required
from workflows import selectors, services
from workflows.forms import ExtensionForm
from workflows.views.common import _step_or_404


@require_POST
@reader_required
def extension_ask_view(request, pk):
    step = _step_or_404(request, pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写延期理由和有效的延期日期。")
        return redirect("workflows:step", pk=pk)
    with page_errors(request):
        services.extension_ask(
            step=step,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            until=form.cleaned_data["until"],
        )
        messages.success(request, "延期申请已提交，等待区委办审批。")
    return redirect("workflows:step", pk=pk)


@require_POST
@office_required
def extension_answer_view(request, pk):
    step = _step_or_404(request, pk)
    extension = services.extension_latest(step=step)
    if extension is None:
        messages.error(request, "该步骤没有延期申请。")
        return redirect("workflows:step", pk=pk)
    grant = request.POST.get("action") == "grant"
    answer = services.extension_grant if grant else services.extension_refuse
    with page_errors(request):
        answer(
            request=extension,
            actor=request.user,
            reason=request.POST.get("reason", "")[:2000],
        )
        messages.success(
            request, "已同意延期，后续步骤日期已顺延。" if grant else "已不同意延期。"
        )
    if request.POST.get("next") == "queue":
        return redirect("workflows:extensions")
    return redirect("workflows:step", pk=pk)


@office_required
def extension_queue_page(request):
    requests = selectors.extension_queue(user=request.user)
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(request, "workflows/extensions.html", {"page": page})
