"""`manage.py add_user USERNAME --role ROLE --department CODE --password P`.

Creates the user, or updates role/department/password when it exists.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from org import services
from org.models import Department, Role


class Command(BaseCommand):
    help = "创建或更新用户及其单位、角色 / create or update a user with a role"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            required=True,
            help="角色 role: " + ", ".join(Role.values),
        )
        parser.add_argument("--department", help="单位编码 department code")
        parser.add_argument("--password", help="密码 password")
        parser.add_argument("--name", default=None, help="姓名 full name")
        parser.add_argument("--email", default=None)

    def handle(self, *args, username, role, department, password, name, email, **kw):
        if role not in Role.values:
            raise CommandError(
                f"未知的角色“{role}” / unknown role {role!r}; "
                f"可选 choose one of: {', '.join(Role.values)}"
            )
        dept = None
        if department:
            dept = Department.objects.filter(code=department).first()
            if dept is None:
                raise CommandError(
                    f"没有编码为“{department}”的单位 / "
                    f"unknown department code {department!r}"
                )
        User = get_user_model()
        try:
            with transaction.atomic():
                user = User.objects.filter(username=username).first()
                if user is None:
                    if not password:
                        raise CommandError(
                            "新用户必须提供 --password / a new user needs --password"
                        )
                    services.user_create(
                        username=username,
                        password=password,
                        role=role,
                        department=dept,
                        full_name=name or "",
                        email=email or "",
                    )
                    action = "已创建 created"
                else:
                    changes = {"department": dept} if department else {}
                    services.user_update(
                        user=user,
                        role=role,
                        **changes,
                        full_name=name,
                        email=email,
                        is_active=True,
                    )
                    if password:
                        services.user_set_password(user=user, password=password)
                    action = "已更新 updated"
        except ValidationError as exc:
            messages = "; ".join(
                f"{field}: {' '.join(msgs)}"
                for field, msgs in getattr(
                    exc, "message_dict", {"": exc.messages}
                ).items()
            )
            raise CommandError(messages) from exc
        where = f" @ {dept.name}({dept.code})" if dept else ""
        self.stdout.write(f"{action}: {username} · {Role(role).label}{where}")
