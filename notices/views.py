"""Browser pages of the notices: thin, validate -> one service -> render."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.pages import page_errors
from config.paging import page_of
from config.tabular import xlsx_response
from config.widgets import department_filter
from notices import hooks, selectors, services
from notices.forms import (
    AssignmentForm,
    RegisterFilterForm,
    ReportForm,
    ReturnForm,
    RuleForm,
)
from notices.models import Notice
from org.models import Role
from org.permissions import office_required, role_required
from org.selectors import can_act_for, department_of, is_office, office_of, role_of
from workflows.models import ExecutionProject, Step

READERS = {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON}
INBOX_TABS = {
    "todo": ("待签收", {"unconfirmed": True}),
    "answer": ("待答复", {"awaiting": True}),
    "overdue": ("反馈逾期", {"overdue": True}),
    "all": ("全部", {}),
}


def _page(request, qs, size=30):
    return page_of(qs, size, request.GET.get("page"))


@role_required(READERS)
def inbox(request):
    # A liaison signs in one place, 我的待办 (/inbox/): its 待签收 tab is that
    # page, and the list opens on 全部 instead.
    liaison = role_of(request.user) == Role.LIAISON
    default = "all" if liaison else "todo"
    tab = request.GET.get("tab", default)
    if tab not in INBOX_TABS:
        tab = default
    if liaison and tab == "todo":
        return redirect("liaison_inbox")
    own = department_of(request.user)
    qs = selectors.notice_list(user=request.user, filters=INBOX_TABS[tab][1])
    if liaison:
        # One query for this page's count and both navigation badges.
        counts = selectors.sign_inbox_counts(user=request.user)
        unconfirmed = counts["notices"]
        request.nav_badges = {
            "notices:inbox": unconfirmed,
            "liaison_inbox": counts["notices"] + counts["receipts"],
        }
    else:
        unconfirmed = selectors.notice_unconfirmed_count(request.user)
        request.nav_badges = {"notices:inbox": unconfirmed}
    return render(
        request,
        "notices/inbox.html",
        {
            "page": _page(request, qs),
            "tab": tab,
            "tabs": [(key, label) for key, (label, _f) in INBOX_TABS.items()],
            "own": own,
            "unconfirmed": unconfirmed,
            "may_sign": own is not None and liaison,
            "unsigned": [Notice.Status.PENDING, Notice.Status.SENT],
        },
    )


@role_required({Role.OFFICE, Role.LEADER})
def register(request):
    form, qs = _register_list(request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notices/register.html",
        {
            "form": form,
            "department_select": department_filter(
                queryset=form.fields["department"].queryset,
                value=request.GET.get("department"),
                empty="全部单位",
                id="id_department",
                **{"class": "form-select form-select-sm"},
            ),
            "page": _page(request, qs, 50),
            "query": query.urlencode(),
            "not_confirmed": selectors.unconfirmed_by_department(user=request.user),
        },
    )


def _register_list(request):
    """The register's filter form and the notices it selects (page and export)."""
    # The form shows the chosen filters.
    form = RegisterFilterForm(request.GET or None, user=request.user)
    qs = selectors.notice_list(user=request.user, filters=request.GET, strict=False)
    return form, qs


@role_required({Role.OFFICE, Role.LEADER})
def register_export(request):
    """The register as filtered, as an .xlsx download."""
    _form, qs = _register_list(request)
    rows = (
        [
            n.number,
            n.get_kind_display(),
            n.title,
            n.department.name,
            n.project.regulation.title if n.project_id else "",
            n.issued_on,
            n.due_on,
            n.get_status_display(),
            timezone.localtime(n.confirmed_at).strftime("%Y-%m-%d %H:%M")
            if n.confirmed_at
            else "",
        ]
        for n in qs.iterator(chunk_size=500)
    )
    headers = ["文号", "类别", "标题", "接收单位", "执行项目", "签发日期"]
    headers += ["时限", "状态", "签收时间"]
    return xlsx_response(
        headers, rows, filename=f"通知登记-{timezone.localdate():%Y-%m-%d}.xlsx"
    )


def _detail_context(request, notice, **extra):
    user = request.user
    acts = can_act_for(user, notice.department_id)
    machine = services.NOTICE_MACHINE
    reports = list(notice.reports.all())
    context = {
        "notice": notice,
        "reports": reports,
        "pending_report": next(
            (r for r in reports if r.status == r.Status.SUBMITTED), None
        ),
        # who may act is asked here, what may happen next of the state machine
        "can_confirm": acts and machine.allowed(notice, "confirm"),
        "can_report": acts
        and notice.needs_report
        and machine.allowed(notice, "submit"),
        "can_review": is_office(user) and machine.allowed(notice, "accept"),
        "report_form": ReportForm(),
        "return_form": ReturnForm(),
    }
    context.update(extra)
    return context


@role_required(READERS)
def detail(request, pk):
    notice = selectors.notice_get(user=request.user, pk=pk)
    return render(request, "notices/detail.html", _detail_context(request, notice))


@role_required(READERS)
def print_form(request, pk):
    notice = selectors.notice_get(user=request.user, pk=pk)
    issuer = getattr(settings, "NOTICE_ISSUING_OFFICE", "中共南湖区委办公室")
    return render(request, "notices/print.html", {"notice": notice, "issuer": issuer})


@role_required(READERS)
def report_print(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    return render(
        request,
        "notices/report_print.html",
        {"report": report, "notice": report.notice},
    )


def _act(request, pk, action):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    notice = selectors.notice_get(user=request.user, pk=pk)
    with page_errors(request):
        messages.success(request, action(notice))
    return redirect("notices:detail", pk=notice.pk)


@role_required({Role.LIAISON})
def confirm(request, pk):
    def action(notice):
        services.notice_confirm(notice=notice, actor=request.user)
        return "已签收。"

    return _act(request, pk, action)


@require_POST
@role_required({Role.LIAISON})
def confirm_many(request):
    """签收 the ticked notices (or the one whose row button was tapped) and come
    back to the inbox: one round trip for many items."""
    raw = (
        [request.POST["only"]]
        if "only" in request.POST
        else request.POST.getlist("ids")
    )
    ids = [int(value) for value in raw if value.isdigit()]
    notices = selectors.notice_list(
        user=request.user, filters={"unconfirmed": True}
    ).filter(pk__in=ids)
    if not ids:
        messages.error(request, "请先勾选要签收的通知。")
    else:
        with page_errors(request):
            count = services.notice_confirm_many(notices=notices, actor=request.user)
            messages.success(request, f"已签收{count}份（告知单的回执一并确认）。")
    tab = request.POST.get("tab", "todo")
    return redirect(
        reverse("notices:inbox") + "?tab=" + (tab if tab in INBOX_TABS else "todo")
    )


@role_required({Role.LIAISON})
def report(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    notice = selectors.notice_get(user=request.user, pk=pk)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        with page_errors(request):
            services.report_submit(
                notice=notice, actor=request.user, **form.cleaned_data
            )
            messages.success(request, "落实表已报送，等待区委办审核。")
            return redirect("notices:detail", pk=notice.pk)
    context = _detail_context(request, notice, report_form=form)
    return render(request, "notices/detail.html", context, status=400)


@office_required
def accept(request, pk):
    def action(notice):
        services.report_accept(notice=notice, actor=request.user)
        return "落实表已通过，通知单办结。"

    return _act(request, pk, action)


@office_required
def return_report(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    notice = selectors.notice_get(user=request.user, pk=pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        with page_errors(request):
            services.report_return(
                notice=notice, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "落实表已退回。")
            return redirect("notices:detail", pk=notice.pk)
    else:
        messages.error(request, "退回时请填写原因。")
    return redirect("notices:detail", pk=notice.pk)


@office_required
def assignment_new(request):
    form = AssignmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with page_errors(request, form=form):
            notice = services.assignment_issue(actor=request.user, **form.cleaned_data)
            messages.success(request, f"交办单{notice.number}已签发。")
            return redirect("notices:detail", pk=notice.pk)
    return render(request, "notices/assignment_form.html", {"form": form})


@require_POST
@office_required
def urge(request, pk):
    """催办 a late step (POST from the step, project or dashboard page)."""
    step = Step.objects.select_related("project", "department").filter(pk=pk).first()
    back = request.POST.get("next") or ""
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("workflows:step", args=[pk]) if step else "/"
    if step is None:
        messages.error(request, "该步骤不存在。")
        return redirect(back)
    with page_errors(request) as outcome:
        services.step_urge(step=step, actor=request.user)
    if not outcome.failed:
        messages.success(request, f"已向{step.department.name}发送催办提醒。")
    return redirect(back)


@office_required
def hand_issue(request):
    """A 警示单 / 告知单 / 交办单 by hand from a step or project page (POST)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    step = project = problem = None
    step_id, project_id = request.POST.get("step"), request.POST.get("project")
    problem_id = request.POST.get("problem")
    if problem_id and problem_id.isdigit():
        problem = hooks.problem_get(int(problem_id))
    elif step_id and step_id.isdigit():
        step = (
            Step.objects.select_related("project", "department")
            .filter(pk=int(step_id))
            .first()
        )
    elif project_id and project_id.isdigit():
        project = ExecutionProject.objects.filter(pk=int(project_id)).first()
    back = request.POST.get("next") or "/"
    if step is None and project is None and problem is None:
        messages.error(request, "请指定步骤、项目或发现问题。")
        return redirect(back if back.startswith("/") else "/")
    with page_errors(request) as outcome:
        notice = services.notice_issue_by_hand(
            kind=request.POST.get("kind", ""),
            actor=request.user,
            title=request.POST.get("title", "")[:200],
            body=request.POST.get("body", "")[:5000],
            step=step,
            project=project,
            problem=problem,
        )
    if outcome.failed:
        return redirect(back if back.startswith("/") else "/")
    messages.success(request, f"{notice.get_kind_display()}{notice.number}已签发。")
    return redirect("notices:detail", pk=notice.pk)


@office_required
def rules(request):
    office = office_of(request.user)
    office_id = office.pk if office is not None else None
    rule = services.rule_current(office_id=office_id)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        services.rule_update(
            actor=request.user,
            office_id=office_id,
            **{name: form.cleaned_data[name] for name in RuleForm.Meta.fields},
        )
        messages.success(request, "通知规则已保存，下次扫描起生效。")
        return redirect("notices:rules")
    return render(request, "notices/rules.html", {"form": form, "rule": rule})


@role_required(READERS)
def report_file(request, pk):
    file = selectors.report_file_get(user=request.user, pk=pk)
    return FileResponse(
        file.file.open("rb"), as_attachment=True, filename=file.original_name
    )
