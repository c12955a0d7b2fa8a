"""The department tree and its forms."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from config.pages import page_errors
from org import selectors, services
from org.models import Department
from org.permissions import office_required, reader_required
from responsibilities.forms import DepartmentForm


@reader_required
def department_tree_page(request):
    departments = selectors.department_list(
        user=request.user, filters=request.GET, strict=False
    ).order_by("path")
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


SEARCH_LIMIT = 20


@reader_required
def department_search(request):
    """JSON for the department pickers (static/js/zhigui-typeahead.js): active
    departments the user may see whose name or code contains ?q=, at most
    SEARCH_LIMIT, in the tree's order."""
    departments = (
        selectors.department_list(
            user=request.user, filters={"q": request.GET.get("q", "")}, strict=False
        )
        .filter(is_active=True)
        .select_related(None)
        .order_by("sort_order", "code")
        .values_list("pk", "name", "code")[:SEARCH_LIMIT]
    )
    return JsonResponse(
        {
            "results": [
                {"id": pk, "name": name, "code": code} for pk, name, code in departments
            ]
        }
    )


@office_required
def department_create_page(request):
    form = DepartmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with page_errors(request, form=form):
            department = services.department_create(
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                inspection_group=data["inspection_group"],
                leader_name=data["leader_name"],
                email=data["email"],
                sort_order=data["sort_order"],
                is_active=data["is_active"],
                office=selectors.office_of(request.user),
            )
            messages.success(request, f"已新增单位“{department.name}”。")
            return redirect("responsibilities:departments")
    return render(
        request, "responsibilities/department_form.html", {"form": form, "target": None}
    )


@office_required
def department_edit_page(request, pk):
    # Another office's unit is not found (404), as if it did not exist.
    department = get_object_or_404(selectors.visible_departments(request.user), pk=pk)
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
    form = DepartmentForm(
        request.POST or None, initial=initial, editing=True, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with page_errors(request, form=form):
            services.department_update(
                department=department,
                parent=data["parent"],
                name=data["name"],
                kind=data["kind"],
                inspection_group=data["inspection_group"],
                leader_name=data["leader_name"],
                email=data["email"],
                sort_order=data["sort_order"],
                is_active=data["is_active"],
            )
            messages.success(request, f"已保存单位“{department.name}”。")
            return redirect("responsibilities:departments")
        department.refresh_from_db()  # refused: show the saved row, not the edit
    return render(
        request,
        "responsibilities/department_form.html",
        {"form": form, "target": department},
    )
