"""Writes of the four responsibility lists (office only)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from config.errors import NotAllowed
from org.models import Department
from org.selectors import CITY_READ_ONLY, is_city, is_office, manages, reads_as_office
from responsibilities.models import ResponsibilityList

Kind = ResponsibilityList.Kind

# Fields each kind uses beyond the common ones (regulation, department, partners,
# duty); the API and the forms show exactly these.
KIND_FIELDS = {
    Kind.LEAD: ["leader_in_charge", "scope", "default_flow"],
    Kind.DRIVER: ["mechanism", "driver_type", "frequency"],
    Kind.SAFEGUARD: ["element_type", "requirement"],
    Kind.SUPERVISION: ["inspection_group", "focus", "method", "period"],
}
ALL_KIND_FIELDS = {field for fields in KIND_FIELDS.values() for field in fields}
# Which kind-specific fields must be filled.
REQUIRED_FIELDS = {
    Kind.LEAD: ["regulation"],
    Kind.DRIVER: ["mechanism", "driver_type"],
    Kind.SAFEGUARD: ["element_type", "requirement"],
    Kind.SUPERVISION: ["regulation", "inspection_group"],
}
EDITABLE_FIELDS = {"regulation", "department", "duty"} | ALL_KIND_FIELDS


def _check_fields_of_kind(kind: str, fields) -> None:
    """Refuse a field of another list (e.g. `focus` on a lead row)."""
    foreign = (set(fields) & ALL_KIND_FIELDS) - set(KIND_FIELDS.get(kind, []))
    if foreign:
        raise ValidationError(
            {name: ["该清单没有这一项。"] for name in sorted(foreign)}
        )


def _require_office(user) -> None:
    if is_city(user):
        raise NotAllowed(CITY_READ_ONLY)
    if not is_office(user):
        raise NotAllowed("只有区委办工作人员可以维护责任清单。")


def duplicate_filter(row: ResponsibilityList) -> dict | None:
    """What makes two active rows of a kind the same entry (None: no rule)."""
    if row.kind == Kind.LEAD:
        # one lead department per regulation in each office
        return {
            "regulation_id": row.regulation_id,
            "department__office_id": row.department.office_id
            if row.department_id
            else None,
        }
    if row.kind == Kind.DRIVER:
        return {"department_id": row.department_id, "mechanism": row.mechanism}
    if row.kind == Kind.SAFEGUARD:
        return {
            "department_id": row.department_id,
            "element_type": row.element_type,
            "requirement": row.requirement,
        }
    if row.kind == Kind.SUPERVISION:
        return {
            "inspection_group_id": row.inspection_group_id,
            "department_id": row.department_id,
            "regulation_id": row.regulation_id,
        }
    return None


def _check_values(row: ResponsibilityList, add, *, require_in_force) -> None:
    """Report each field of the row that is missing or holds an unknown value."""
    if row.department_id is None:
        add("department", "请选择责任单位。")
    elif not row.department.is_active:
        add("department", f"单位“{row.department.name}”已停用。")
    for field in REQUIRED_FIELDS[row.kind]:
        is_relation = field in {"regulation", "inspection_group"}
        value = getattr(row, f"{field}_id" if is_relation else field)
        if not value:
            label = ResponsibilityList._meta.get_field(field).verbose_name
            add(field, f"{label}不能为空。")
    if (
        require_in_force
        and row.regulation_id
        and (row.regulation.status != "in_force" or row.regulation.is_deleted)
    ):
        add(
            "regulation",
            f"《{row.regulation.title}》{row.regulation.get_status_display()}，"
            "不能新增责任。",
        )
    if row.driver_type and row.driver_type not in ResponsibilityList.DriverType.values:
        add("driver_type", f"未知的机制类型“{row.driver_type}”。")
    if (
        row.element_type
        and row.element_type not in ResponsibilityList.SafeguardType.values
    ):
        add("element_type", f"未知的要素类型“{row.element_type}”。")
    if row.default_flow not in ResponsibilityList.Flow.values:
        add("default_flow", f"未知的流程“{row.default_flow}”。")
    if (
        row.inspection_group_id
        and row.inspection_group.kind != Department.Kind.INSPECTION_GROUP
    ):
        add("inspection_group", f"“{row.inspection_group.name}”不是派驻纪检组。")


def _check_duplicate(row: ResponsibilityList, add) -> None:
    """Report an active row of the same list with the same keys."""
    keys = duplicate_filter(row)
    same = ResponsibilityList.objects.filter(kind=row.kind, is_active=True, **keys)
    if row.pk:
        same = same.exclude(pk=row.pk)
    if same.exists():
        if row.kind == Kind.LEAD:
            add("regulation", "该法规已有牵头执行部门，请修改原条目。")
        else:
            add("__all__", "清单中已有相同的条目。")


def responsibility_validate(
    row: ResponsibilityList,
    *,
    partner_departments=(),
    check_duplicates=True,
    require_in_force=False,
) -> None:
    """Raise ValidationError (field -> messages) if the row breaks a list's rules.

    `require_in_force`: the row is being pointed at its regulation now, so that
    regulation must be in force (an amended or repealed one gets no new duties).
    """
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if row.kind not in Kind.values:
        add("kind", f"未知的清单类别“{row.kind}”。")
        raise ValidationError(errors)
    _check_values(row, add, require_in_force=require_in_force)
    if row.department_id and any(
        p.pk == row.department_id for p in partner_departments
    ):
        add("partner_departments", "责任单位不能同时是配合部门。")
    if check_duplicates and not errors and row.is_active:
        _check_duplicate(row, add)
    if errors:
        raise ValidationError(errors)


def _save_row(row, *, partner_departments, user) -> ResponsibilityList:
    foreign = [
        d.name
        for d in [row.department, *(partner_departments or [])]
        if d is not None and reads_as_office(user) and not manages(user, d)
    ]
    if foreign:
        raise NotAllowed(f"以下单位不属于本办公室：{'、'.join(foreign)}。")
    row._history_user = user
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        # Two office users saved the same lead regulation at once.
        raise ValidationError(
            {"regulation": ["该法规已有牵头执行部门，请修改原条目。"]}
        ) from exc
    if partner_departments is not None:
        row.partner_departments.set(partner_departments)
    return row


@transaction.atomic
def responsibility_create(
    *,
    kind: str,
    user,
    department: Department | None,
    partner_departments=(),
    **fields,
) -> ResponsibilityList:
    """Add a row to one of the four lists (office only).

    Side effects: a ResponsibilityList row, its partner links and history rows.
    """
    _require_office(user)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"未知字段：{', '.join(sorted(unknown))}")
    _check_fields_of_kind(kind, fields)
    partner_departments = list(partner_departments or [])
    row = ResponsibilityList(kind=kind, department=department, **fields)
    responsibility_validate(
        row, partner_departments=partner_departments, require_in_force=True
    )
    return _save_row(row, partner_departments=partner_departments, user=user)


@transaction.atomic
def responsibility_update(
    *,
    responsibility: ResponsibilityList,
    user,
    partner_departments=None,
    **fields,
) -> ResponsibilityList:
    """Change a row (office only); the kind never changes.

    Side effects: updates the row (and partners if given); history keeps the old one.
    """
    _require_office(user)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"不能修改的字段：{', '.join(sorted(unknown))}")
    _check_fields_of_kind(responsibility.kind, fields)
    regulation_changed = (
        "regulation" in fields
        and getattr(fields["regulation"], "pk", None) != responsibility.regulation_id
    )
    for key, value in fields.items():
        setattr(responsibility, key, value)
    partners = (
        list(partner_departments)
        if partner_departments is not None
        else list(responsibility.partner_departments.all())
    )
    responsibility_validate(
        responsibility,
        partner_departments=partners,
        require_in_force=regulation_changed,
    )
    return _save_row(
        responsibility,
        partner_departments=partners if partner_departments is not None else None,
        user=user,
    )


@transaction.atomic
def responsibility_deactivate(
    *, responsibility: ResponsibilityList, user
) -> ResponsibilityList:
    """Soft-delete a row (office only): it stays for history and past projects.

    Side effects: is_active False and a history row.
    """
    _require_office(user)
    responsibility.is_active = False
    responsibility._history_user = user
    responsibility.save(update_fields=["is_active", "updated_at"])
    return responsibility


def responsibility_carry_to_revision(*, old, new, user) -> int:
    """Move a revised regulation's active rows to its new version (called by
    regulations.services.regulation_revise inside its transaction).

    Side effects: each row's regulation changes, with a history row.
    """
    rows = list(ResponsibilityList.objects.filter(regulation=old, is_active=True))
    for row in rows:
        row.regulation = new
        row._history_user = user
        row._change_reason = "法规修订，转至新版本"
        row.save(update_fields=["regulation", "updated_at"])
    return len(rows)


def flow_by_rule(*, partner_count: int, is_key: bool) -> str:
    """繁简分流's default: 七步法 where several departments share a regulation (the
    lead and at least two partners) or it is a key regulation; 三步法 otherwise.
    The lead list keeps the result as data (`default_flow`), editable per row."""
    if is_key or partner_count >= 2:
        return ResponsibilityList.Flow.GENERAL
    return ResponsibilityList.Flow.SIMPLE
