"""Browser pages: the four lists and coverage.

Thin: check role, validate a form, call one service or selector, render.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.filters import query_int
from config.pages import page_errors
from org import selectors as org_selectors
from org.permissions import office_required, reader_required
from regulations.models import Regulation
from responsibilities import selectors, services
from responsibilities.forms import ResponsibilityForm
from responsibilities.models import ResponsibilityList

Kind = ResponsibilityList.Kind
PAGE_SIZE = 50
# Tab labels that fit on a phone; the full names are the tabs' titles.
SHORT_LABELS = {
    Kind.LEAD: "牵头部门",
    Kind.DRIVER: "动力机制",
    Kind.SAFEGUARD: "保障要素",
    Kind.SUPERVISION: "专项监督",
}


def _kind_or_404(kind: str) -> str:
    if kind not in Kind.values:
        raise Http404("没有这种清单")
    return kind


def _id_param(value) -> int | None:
    """An id from the query string, or None for anything that is not one."""
    return query_int(value)


def _filtered_rows(request, kind: str):
    """The list rows the user may see, with the page's filters applied (a value
    that does not validate is ignored)."""
    rows = selectors.responsibility_list(
        user=request.user,
        kind=kind,
        include_inactive=request.GET.get("inactive") == "1",
        filters=request.GET,
        strict=False,
    )
    return rows.order_by("department__sort_order", "department__code", "id")


@reader_required
def responsibility_list_page(request):
    kind = request.GET.get("kind") or Kind.LEAD
    _kind_or_404(kind)
    rows = _filtered_rows(request, kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    type_choices = {
        Kind.DRIVER: ResponsibilityList.DriverType.choices,
        Kind.SAFEGUARD: ResponsibilityList.SafeguardType.choices,
    }.get(kind, [])
    return render(
        request,
        "responsibilities/list.html",
        {
            "kind": kind,
            "kind_label": Kind(kind).label,
            "kinds": [(v, label, SHORT_LABELS[v]) for v, label in Kind.choices],
            "page": page,
            "departments": org_selectors.visible_departments(request.user)
            .filter(is_active=True)
            .order_by("sort_order", "code"),
            "filters": request.GET,
            "querystring": querystring.urlencode(),
            "type_choices": type_choices,
            "flow_choices": ResponsibilityList.Flow.choices,
            "can_edit": org_selectors.is_office(request.user),
        },
    )


@reader_required
def responsibility_detail_page(request, pk):
    """One row in full; 404 when it lies outside the user's scope."""
    row = get_object_or_404(
        selectors.responsibility_list(user=request.user, include_inactive=True),
        pk=pk,
    )
    fields = [
        (ResponsibilityList._meta.get_field(name).verbose_name, _display(row, name))
        for name in ["duty", *services.KIND_FIELDS[row.kind]]
        if name != "inspection_group"
    ]
    return render(
        request,
        "responsibilities/detail.html",
        {
            "row": row,
            "fields": fields,
            "can_edit": org_selectors.is_office(request.user),
        },
    )


def _display(row, name):
    value = getattr(row, name)
    display = getattr(row, f"get_{name}_display", None)
    return display() if display and value else value


@office_required
def responsibility_create_page(request, kind):
    _kind_or_404(kind)
    # The coverage page links here with ?regulation= to fill a gap in one step.
    regulation = _id_param(request.GET.get("regulation"))
    initial = {"regulation": regulation} if regulation else {}
    form = ResponsibilityForm(request.POST or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        with page_errors(request, form=form):
            services.responsibility_create(
                kind=kind,
                user=request.user,
                department=fields.pop("department"),
                partner_departments=fields.pop("partner_departments"),
                **fields,
            )
            messages.success(request, "已新增清单条目。")
            return redirect(f"{_list_url()}?kind={kind}")
    return render(
        request,
        "responsibilities/form.html",
        {"form": form, "kind": kind, "kind_label": Kind(kind).label, "row": None},
    )


def _list_url():
    return reverse("responsibilities:list")


@office_required
def responsibility_edit_page(request, pk):
    row = get_object_or_404(
        ResponsibilityList.objects.prefetch_related("partner_departments"), pk=pk
    )
    initial = {
        "regulation": row.regulation_id,
        "department": row.department_id,
        "partner_departments": [p.pk for p in row.partner_departments.all()],
        "inspection_group": row.inspection_group_id,
    }
    for name in services.KIND_FIELDS[row.kind] + ["duty"]:
        initial.setdefault(name, getattr(row, name))
    form = ResponsibilityForm(request.POST or None, kind=row.kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        with page_errors(request, form=form):
            services.responsibility_update(
                responsibility=row,
                user=request.user,
                partner_departments=fields.pop("partner_departments"),
                **fields,
            )
            messages.success(request, "已保存修改。")
            return redirect(f"{_list_url()}?kind={row.kind}")
    history = row.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "responsibilities/form.html",
        {
            "form": form,
            "kind": row.kind,
            "kind_label": row.get_kind_display(),
            "row": row,
            "history": history,
        },
    )


@office_required
@require_POST
def responsibility_deactivate_page(request, pk):
    row = get_object_or_404(ResponsibilityList, pk=pk)
    services.responsibility_deactivate(responsibility=row, user=request.user)
    messages.success(request, "已停用该条目(记录保留)。")
    return redirect(f"{_list_url()}?kind={row.kind}")


@reader_required
def coverage_page(request):
    missing = selectors.regulations_without_lead().order_by("title")
    in_force = Regulation.objects.filter(
        status=Regulation.Status.IN_FORCE, is_deleted=False
    ).count()
    missing_list = list(missing)
    return render(
        request,
        "responsibilities/coverage.html",
        {
            "missing": missing_list,
            "in_force": in_force,
            "covered": in_force - len(missing_list),
            "leaders": selectors.departments_leading_most(limit=15),
            "can_edit": org_selectors.is_office(request.user),
        },
    )
