"""Writes of the department tree."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from org import hooks
from org.models import Department, Office


def _check_inspection_group(inspection_group: Department | None) -> None:
    if (
        inspection_group is not None
        and inspection_group.kind != Department.Kind.INSPECTION_GROUP
    ):
        raise ValidationError(
            {"inspection_group": [f"“{inspection_group.name}”不是派驻纪检组。"]}
        )


def office_create(
    *,
    code: str,
    name: str,
    number_prefix: str,
    kind: str = Office.Kind.DISTRICT,
    parent: Office | None = None,
    sort_order: int = 0,
) -> Office:
    """Add an office: a district office (under a city office, or none) or a city
    office (no parent).

    Side effects: one Office row; its stored counts (zero) through
    org.hooks.office_departments_changed.
    """
    errors = {}
    if not (code or "").strip() or Office.objects.filter(code=code).exists():
        errors["code"] = [f"编码“{code}”为空或已被使用。"]
    if kind not in Office.Kind.values:
        errors["kind"] = [f"未知的办公室类别“{kind}”。"]
    if errors:
        raise ValidationError(errors)
    office = Office(
        code=code.strip(),
        name=name,
        kind=kind,
        number_prefix=number_prefix,
        sort_order=sort_order,
    )
    office_set_parent(office=office, parent=parent, save=False)
    office.save()
    hooks.office_departments_changed(office_ids=[office.pk])
    return office


def office_set_parent(*, office: Office, parent: Office | None, save=True) -> Office:
    """Put a district office under a city office (None: under none).

    Side effects: the office's `parent` saved (unless `save` is False).
    """
    if parent is not None and (
        parent.kind != Office.Kind.CITY or office.kind != Office.Kind.DISTRICT
    ):
        raise ValidationError({"parent": ["只有区委办可以归属市委办。"]})
    office.parent = parent
    if save:
        office.save(update_fields=["parent"])
    return office


@transaction.atomic
def department_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Department | None = None,
    inspection_group: Department | None = None,
    leader_name: str = "",
    email: str = "",
    sort_order: int = 0,
    is_active: bool = True,
    office: Office | None = None,
) -> Department:
    """Create a department (switched off at once when `is_active` is False) in
    `office` (default: its parent's office, else the default office).

    Side effects: one Department row (+ its history row).
    """
    code = (code or "").strip()
    name = (name or "").strip()
    errors = {}
    if not code:
        errors["code"] = ["编码不能为空。"]
    elif Department.objects.filter(code=code).exists():
        errors["code"] = [f"编码“{code}”已被使用。"]
    if not name:
        errors["name"] = ["名称不能为空。"]
    if kind not in Department.Kind.values:
        errors["kind"] = [f"未知的单位类别“{kind}”。"]
    if errors:
        raise ValidationError(errors)
    _check_inspection_group(inspection_group)
    return Department.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        inspection_group=inspection_group,
        leader_name=leader_name,
        email=email,
        sort_order=sort_order,
        is_active=is_active,
        office=office,
    )


UPDATABLE_DEPARTMENT_FIELDS = {
    "name",
    "kind",
    "inspection_group",
    "leader_name",
    "email",
    "webhook_url",
    "is_active",
    "sort_order",
}


_UNSET = object()


@transaction.atomic
def department_update(*, department: Department, parent=_UNSET, **fields) -> Department:
    """Change a department's plain fields and, when `parent` is given and new,
    its place in the tree (all or nothing).

    Side effects: updates the row and writes a history row; a new parent
    re-paths the subtree (see department_move).
    """
    unknown = set(fields) - UPDATABLE_DEPARTMENT_FIELDS
    if unknown:
        raise ValidationError(f"不能修改的字段：{', '.join(sorted(unknown))}")
    if "inspection_group" in fields:
        _check_inspection_group(fields["inspection_group"])
    for key, value in fields.items():
        setattr(department, key, value)
    department.full_clean(exclude=["parent", "inspection_group"])
    department.save()
    if parent is not _UNSET and parent != department.parent:
        department_move(department=department, parent=parent)
    return department


@transaction.atomic
def department_move(*, department: Department, parent: Department | None) -> Department:
    """Put a department under a new parent.

    Side effects: updates the department and re-paths its whole subtree with one
    UPDATE (the materialized path is what scope queries use). Moved to
    another office: the hooks count what is counted per office again.
    """
    department.refresh_from_db()
    if parent is not None:
        parent.refresh_from_db()
        if parent.path.startswith(department.path):
            raise ValidationError({"parent": ["不能把单位移到它自己或下级单位之下。"]})
    old_path, old_office = department.path, department.office_id
    offices = set(
        Department.objects.filter(path__startswith=old_path).values_list(
            "office_id", flat=True
        )
    )
    new_path = f"{parent.path if parent else '/'}{department.pk}/"
    department.parent = parent
    # Under a parent of another office, the subtree moves to that office.
    office_id = parent.office_id if parent is not None else department.office_id
    department.office_id = office_id
    department.save()
    if old_path != new_path:
        Department.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            office_id=office_id,
        )
    department.refresh_from_db()
    if department.office_id != old_office:
        hooks.departments_moved(path=department.path)
        hooks.office_departments_changed(
            office_ids=sorted(offices | {department.office_id})
        )
    return department
