"""Browser pages: the four lists, import/export, coverage, the department tree.

Thin: check role, validate a form, call one service or selector, render.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.errors import DomainError
from config.filters import query_int
from config.tabular import read_rows, stash_upload, unstash_upload, xlsx_response
from org import selectors as org_selectors
from org import services as org_services
from org.models import Department
from org.permissions import office_required, reader_required
from regulations.models import Regulation
from responsibilities import selectors, services, spreadsheets
from responsibilities.forms import DepartmentForm, ImportForm, ResponsibilityForm
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


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, messages_ in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in messages_:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _id_param(value) -> int | None:
    """An id from the query string, or None for anything that is not one."""
    return query_int(value)


def _filtered_rows(request, kind: str):
    """The list rows the user may see, with the page's filters applied."""
    department_id = _id_param(request.GET.get("department"))
    rows = selectors.responsibility_list(
        user=request.user,
        kind=kind,
        department=department_id,
        include_inactive=request.GET.get("inactive") == "1",
    )
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(
            Q(regulation__title__icontains=q)
            | Q(mechanism__icontains=q)
            | Q(duty__icontains=q)
            | Q(requirement__icontains=q)
            | Q(focus__icontains=q)
            | Q(department__name__icontains=q)
        )
    flow = request.GET.get("flow", "")
    if kind == Kind.LEAD and flow in ResponsibilityList.Flow.values:
        rows = rows.filter(default_flow=flow)
    type_ = request.GET.get("type", "")
    if kind == Kind.DRIVER and type_ in ResponsibilityList.DriverType.values:
        rows = rows.filter(driver_type=type_)
    if kind == Kind.SAFEGUARD and type_ in ResponsibilityList.SafeguardType.values:
        rows = rows.filter(element_type=type_)
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
        try:
            services.responsibility_create(
                kind=kind,
                user=request.user,
                department=fields.pop("department"),
                partner_departments=fields.pop("partner_departments"),
                **fields,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
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
        try:
            services.responsibility_update(
                responsibility=row,
                user=request.user,
                partner_departments=fields.pop("partner_departments"),
                **fields,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
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


@office_required
def responsibility_import_page(request, kind):
    _kind_or_404(kind)
    namespace = f"responsibilities-{kind}"
    context = {
        "kind": kind,
        "kind_label": Kind(kind).label,
        "columns": spreadsheets.COLUMNS[kind],
        "required": {
            dict((k, h) for h, k in spreadsheets.COLUMNS[kind])[key]
            for key in spreadsheets.REQUIRED_COLUMNS[kind]
        },
        "form": ImportForm(),
    }
    if request.method == "POST":
        confirm = request.POST.get("confirm") == "1"
        try:
            if confirm:
                upload = unstash_upload(request, namespace=namespace, pop=True)
                if upload is None:
                    raise DomainError("上传的文件已过期，请重新上传。")
            else:
                form = ImportForm(request.POST, request.FILES)
                context["form"] = form
                if not form.is_valid():
                    return render(request, "responsibilities/import.html", context)
                upload = form.cleaned_data["file"]
            rows = read_rows(upload)
            report = spreadsheets.responsibility_import(
                kind=kind, rows=rows, user=request.user, commit=confirm
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return render(request, "responsibilities/import.html", context)
        if confirm and report.committed:
            messages.success(request, report.summary())
            return redirect(f"{_list_url()}?kind={kind}")
        if report.ok:
            stash_upload(request, upload, namespace=namespace)
        errors_by_row = {}
        for error in report.errors:
            errors_by_row.setdefault(error.row, []).append(str(error))
        context.update(
            {
                "report": report,
                "headers": [h for h, _ in spreadsheets.COLUMNS[kind]],
                "preview": [
                    {
                        "number": row["_row"],
                        "values": [row[h] for h, _ in spreadsheets.COLUMNS[kind]],
                        "errors": errors_by_row.get(row["_row"], []),
                    }
                    for row in report.rows
                ],
                "file_errors": [e for e in report.errors if e.row == 1],
            }
        )
    return render(request, "responsibilities/import.html", context)


@reader_required
def responsibility_export_page(request, kind):
    _kind_or_404(kind)
    rows = _filtered_rows(request, kind)
    headers, values = spreadsheets.responsibility_export_table(kind=kind, rows=rows)
    stamp = timezone.localdate().isoformat()
    return xlsx_response(headers, values, filename=f"{Kind(kind).label}-{stamp}.xlsx")


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


@reader_required
def department_tree_page(request):
    departments = (
        org_selectors.visible_departments(request.user)
        .select_related("inspection_group")
        .order_by("path")
    )
    q = request.GET.get("q", "").strip()
    if q:
        departments = departments.filter(Q(name__icontains=q) | Q(code__icontains=q))
    kind = request.GET.get("kind", "")
    if kind in Department.Kind.values:
        departments = departments.filter(kind=kind)
    nodes = []
    by_id = {}
    for department in departments:
        by_id[department.pk] = department
        nodes.append(department)
    # Sort siblings by sort_order: walk the tree from the roots.
    children: dict[int | None, list[Department]] = {}
    for department in nodes:
        parent = department.parent_id if department.parent_id in by_id else None
        children.setdefault(parent, []).append(department)
    ordered = []

    def walk(parent_id, depth):
        for child in sorted(
            children.get(parent_id, []), key=lambda d: (d.sort_order, d.code)
        ):
            child.depth = depth
            child.indent = depth * 1.5
            ordered.append(child)
            walk(child.pk, depth + 1)

    walk(None, 0)
    return render(
        request,
        "responsibilities/departments.html",
        {
            "departments": ordered,
            "filters": request.GET,
            "kinds": Department.Kind.choices,
        },
    )


@office_required
def department_create_page(request):
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            department = org_services.department_create(
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                inspection_group=data["inspection_group"],
                leader_name=data["leader_name"],
                email=data["email"],
                sort_order=data["sort_order"],
            )
            if not data["is_active"]:
                org_services.department_update(department=department, is_active=False)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"已新增单位“{department.name}”。")
            return redirect("responsibilities:departments")
    return render(
        request, "responsibilities/department_form.html", {"form": form, "target": None}
    )


@office_required
def department_edit_page(request, pk):
    department = get_object_or_404(Department, pk=pk)
    initial = {
        name: getattr(department, name)
        for name in [
            "code",
            "name",
            "kind",
            "leader_name",
            "email",
            "sort_order",
            "is_active",
        ]
    }
    initial["parent"] = department.parent_id
    initial["inspection_group"] = department.inspection_group_id
    form = DepartmentForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                org_services.department_update(
                    department=department,
                    name=data["name"],
                    kind=data["kind"],
                    inspection_group=data["inspection_group"],
                    leader_name=data["leader_name"],
                    email=data["email"],
                    sort_order=data["sort_order"],
                    is_active=data["is_active"],
                )
                if data["parent"] != department.parent:
                    org_services.department_move(
                        department=department, parent=data["parent"]
                    )
        except ValidationError as exc:
            department.refresh_from_db()
            _add_errors(form, exc)
        else:
            messages.success(request, f"已保存单位“{department.name}”。")
            return redirect("responsibilities:departments")
    return render(
        request,
        "responsibilities/department_form.html",
        {"form": form, "target": department},
    )
