"""Writes of users, their department and role, and machine clients' API tokens."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from org.models import Department, Membership, Role

User = get_user_model()

OFFICE_GROUP_NAME = "区委办"
# The apps whose models office staff may manage in the Django admin.
OFFICE_ADMIN_APPS = [
    "org",
    "responsibilities",
    "regulations",
    "workflows",
    "notices",
    "evaluation",
]
API_CLIENT_PREFIX = "api-"
ROLES_NEEDING_DEPARTMENT = {Role.OFFICE, Role.LIAISON, Role.INSPECTOR}


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
    for cached in (
        "_zhigui_membership",
        "_zhigui_inspector_scope",
        "_zhigui_visible_department_ids",
    ):
        if hasattr(user, cached):
            delattr(user, cached)


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
    actor=None,
):
    """Change a user's role, department, name, contact or active flag.

    `actor`, when given, is who does it: nobody may switch themselves off or
    drop their own office role (the office would lock itself out).
    Side effects: updates User and Membership (creating it if missing); the staff
    flag and admin group follow the role; deactivation deletes the API token.
    """
    if _is_self(actor, user) and (
        is_active is False or (role is not None and role != Role.OFFICE)
    ):
        raise ValidationError("不能停用自己或取消自己的区委办角色。")
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


def user_deactivate(*, user, actor=None):
    """Switch a user off (never deleted: their name stays on records); never
    the `actor` themselves.

    Side effects: is_active False, API token deleted, so sessions and tokens stop.
    """
    if _is_self(actor, user):
        raise ValidationError("不能停用自己的账号。")
    return user_update(user=user, is_active=False)


def _is_self(actor, user) -> bool:
    return actor is not None and actor.pk is not None and actor.pk == user.pk


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
def api_token_issue(*, client_name: str, department=None) -> str:
    """Issue a fresh read-only token for a machine client; returns the key.

    `department`: the issuing office's department, so the client belongs to
    that office (org.selectors.office_of); none: the default office.
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
            username=username,
            password=None,
            role=Role.API_CLIENT,
            department=department,
        )
    else:
        membership = Membership.objects.filter(user=user).first()
        if membership is None or membership.role != Role.API_CLIENT:
            raise ValidationError(
                {"client_name": [f"用户“{username}”已存在且不是接口客户端。"]}
            )
        if (
            department is not None
            and membership.department_id
            and membership.department.office_id != department.office_id
        ):
            raise ValidationError(
                {"client_name": [f"接口客户端“{username}”属于其他办公室。"]}
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
