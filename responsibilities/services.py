"""Writes of departments, users, API tokens and the four responsibility lists.

Every function takes keyword-only arguments; its docstring lists side effects.
Bad input raises django's ValidationError (field -> Chinese messages) or a
DomainError; nothing is written in that case.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from rest_framework.authtoken.models import Token

from config.errors import NotAllowed
from responsibilities.models import Department, Membership, ResponsibilityList, Role
from responsibilities.selectors import is_office

User = get_user_model()

OFFICE_GROUP_NAME = "区委办"
# The apps whose models office staff may manage in the Django admin.
OFFICE_ADMIN_APPS = [
    "responsibilities",
    "regulations",
    "workflows",
    "notices",
    "evaluation",
]
API_CLIENT_PREFIX = "api-"
ROLES_NEEDING_DEPARTMENT = {Role.OFFICE, Role.LIAISON, Role.INSPECTOR}

# --- departments ----------------------------------------------------------------


def _check_inspection_group(inspection_group: Department | None) -> None:
    if (
        inspection_group is not None
        and inspection_group.kind != Department.Kind.INSPECTION_GROUP
    ):
        raise ValidationError(
            {"inspection_group": [f"“{inspection_group.name}”不是派驻纪检组。"]}
        )


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
) -> Department:
    """Create a department. Side effects: one Department row (+ its history row)."""
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


@transaction.atomic
def department_update(*, department: Department, **fields) -> Department:
    """Change a department's plain fields (not its place in the tree: see move).

    Side effects: updates the row and writes a history row.
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
    return department


@transaction.atomic
def department_move(*, department: Department, parent: Department | None) -> Department:
    """Put a department under a new parent.

    Side effects: updates the department and re-paths its whole subtree with one
    UPDATE (the materialized path is what scope queries use).
    """
    department.refresh_from_db()
    if parent is not None:
        parent.refresh_from_db()
        if parent.path.startswith(department.path):
            raise ValidationError({"parent": ["不能把单位移到它自己或下级单位之下。"]})
    old_path = department.path
    new_path = f"{parent.path if parent else '/'}{department.pk}/"
    department.parent = parent
    department.save()
    if old_path != new_path:
        Department.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
        )
    department.refresh_from_db()
    return department


# --- users and roles --------------------------------------------------------------


def office_group() -> Group:
    """The "区委办" group: every model permission of our apps, for the admin."""
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP_NAME)
    permissions = Permission.objects.filter(
        content_type__app_label__in=OFFICE_ADMIN_APPS
    )
    group.permissions.set(permissions)
    return group


def _apply_role(user, role: str) -> None:
    """Staff flag and admin group follow the role: only office staff get the admin."""
    if role == Role.OFFICE:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(office_group())
    else:
        if user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
        user.groups.remove(*Group.objects.filter(name=OFFICE_GROUP_NAME))


def _validate_membership(role: str, department: Department | None) -> None:
    if role not in Role.values:
        choices = "、".join(f"{value}({label})" for value, label in Role.choices)
        raise ValidationError({"role": [f"未知的角色“{role}”，可选：{choices}。"]})
    if role in ROLES_NEEDING_DEPARTMENT and department is None:
        raise ValidationError(
            {"department": [f"角色“{Role(role).label}”必须属于一个单位。"]}
        )
    if department is not None and not department.is_active:
        raise ValidationError({"department": [f"单位“{department.name}”已停用。"]})


def _forget_cached_membership(user) -> None:
    if hasattr(user, "_zhigui_membership"):
        del user._zhigui_membership


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    department: Department | None,
    full_name: str = "",
    email: str = "",
    phone: str = "",
):
    """Create a user with a membership.

    Side effects: a User row, a Membership row; office staff also get is_staff and
    the "区委办" group. `password=None` leaves the password unusable.
    """
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": ["用户名不能为空。"]})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": [f"用户名“{username}”已存在。"]})
    _validate_membership(role, department)
    user = User(username=username, email=email, first_name=full_name)
    if password is None:
        user.set_unusable_password()
    else:
        _validate_password(password, user)
        user.set_password(password)
    user.save()
    Membership.objects.create(user=user, role=role, department=department, phone=phone)
    _apply_role(user, role)
    return user


def _validate_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


_UNSET = object()


@transaction.atomic
def user_update(
    *,
    user,
    role: str | None = None,
    department=_UNSET,
    full_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
):
    """Change a user's role, department, name, contact or active flag.

    Side effects: updates User and Membership (creating it if missing); the staff
    flag and admin group follow the role; deactivation deletes the API token.
    """
    membership = Membership.objects.filter(user=user).first()
    new_role = role or (membership.role if membership else None)
    if department is _UNSET:
        new_department = membership.department if membership else None
    else:
        new_department = department
    if new_role is None:
        raise ValidationError({"role": ["请选择角色。"]})
    _validate_membership(new_role, new_department)
    if membership is None:
        membership = Membership(user=user)
    membership.role = new_role
    membership.department = new_department
    if phone is not None:
        membership.phone = phone
    membership.save()
    if full_name is not None:
        user.first_name = full_name
    if email is not None:
        user.email = email
    if is_active is not None:
        user.is_active = is_active
    user.save()
    _apply_role(user, new_role)
    if not user.is_active:
        Token.objects.filter(user=user).delete()
    _forget_cached_membership(user)
    return user


def user_deactivate(*, user):
    """Switch a user off (never deleted: their name stays on records).

    Side effects: is_active False, API token deleted, so sessions and tokens stop.
    """
    return user_update(user=user, is_active=False)


@transaction.atomic
def user_set_password(*, user, password: str):
    """Reset a user's password. Side effects: updates the password hash."""
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


# --- API tokens for machine clients -------------------------------------------------

_CLIENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,60}$")


def api_client_username(client_name: str) -> str:
    return f"{API_CLIENT_PREFIX}{client_name}"


@transaction.atomic
def api_token_issue(*, client_name: str) -> str:
    """Issue a fresh read-only token for a machine client; returns the key.

    Side effects: creates (or re-activates) the user `api-<name>` with role
    api_client and no usable password; replaces any earlier token of that client.
    """
    client_name = (client_name or "").strip()
    if not _CLIENT_NAME.match(client_name):
        raise ValidationError(
            {"client_name": ["客户端名称只能包含字母、数字、点、横线和下划线。"]}
        )
    username = api_client_username(client_name)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username, password=None, role=Role.API_CLIENT, department=None
        )
    else:
        membership = Membership.objects.filter(user=user).first()
        if membership is None or membership.role != Role.API_CLIENT:
            raise ValidationError(
                {"client_name": [f"用户“{username}”已存在且不是接口客户端。"]}
            )
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


@transaction.atomic
def api_token_revoke(*, user) -> bool:
    """Revoke a machine client's token. Side effects: deletes the Token row.

    Returns whether a token existed.
    """
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted > 0


# --- the four responsibility lists ----------------------------------------------------

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
    if not is_office(user):
        raise NotAllowed("只有区委办工作人员可以维护责任清单。")


def duplicate_filter(row: ResponsibilityList) -> dict | None:
    """What makes two active rows of a kind the same entry (None: no rule)."""
    if row.kind == Kind.LEAD:
        return {"regulation_id": row.regulation_id}
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


def responsibility_validate(
    row: ResponsibilityList, *, partner_departments=(), check_duplicates=True
) -> None:
    """Raise ValidationError (field -> messages) if the row breaks a list's rules."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if row.kind not in Kind.values:
        add("kind", f"未知的清单类别“{row.kind}”。")
        raise ValidationError(errors)
    if row.department_id is None:
        add("department", "请选择责任单位。")
    elif not row.department.is_active:
        add("department", f"单位“{row.department.name}”已停用。")
    for field in REQUIRED_FIELDS[row.kind]:
        value = (
            getattr(row, f"{field}_id", None)
            if field
            in {
                "regulation",
                "inspection_group",
            }
            else getattr(row, field)
        )
        if not value:
            label = ResponsibilityList._meta.get_field(field).verbose_name
            add(field, f"{label}不能为空。")
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
    if row.department_id and any(
        p.pk == row.department_id for p in partner_departments
    ):
        add("partner_departments", "责任单位不能同时是配合部门。")
    if check_duplicates and not errors and row.is_active:
        keys = duplicate_filter(row)
        same = ResponsibilityList.objects.filter(kind=row.kind, is_active=True, **keys)
        if row.pk:
            same = same.exclude(pk=row.pk)
        if same.exists():
            if row.kind == Kind.LEAD:
                add("regulation", "该法规已有牵头执行部门，请修改原条目。")
            else:
                add("__all__", "清单中已有相同的条目。")
    if errors:
        raise ValidationError(errors)


def _save_row(row, *, partner_departments, user) -> ResponsibilityList:
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
    responsibility_validate(row, partner_departments=partner_departments)
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
    for key, value in fields.items():
        setattr(responsibility, key, value)
    partners = (
        list(partner_departments)
        if partner_departments is not None
        else list(responsibility.partner_departments.all())
    )
    responsibility_validate(responsibility, partner_departments=partners)
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
