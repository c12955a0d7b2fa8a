"""Who may read and who may write, for the API and the browser pages.

Roles come from `org.selectors.role_of`; scope (which departments) is
decided by the selectors, not here. These checks answer only "may this role use this
kind of page/endpoint at all".

API (DRF):
    permission_classes = [OfficeWritesRoleHoldersRead]
    authentication_classes = API_AUTHENTICATION   # 401 (not 403) without credentials

Browser views:
    @role_required(READER_ROLES)      # 403 for a user without one of the roles
    @office_required                  # 403 for everyone but office staff

A city office (市委办) user reads its districts only: every unsafe method
(POST/PATCH/PUT/DELETE) through these checks answers 403 (CITY_READ_ONLY), and
`org.selectors.is_office` is False for them, so the services refuse as well.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission

from org.auth import MembershipTokenAuthentication
from org.models import Role
from org.selectors import CITY_READ_ONLY, is_city, office_choice, role_of

# People who read the shared records (catalogue, lists). Machine API clients are
# not among them: their tokens read scores/rankings/credit only.
READER_ROLES = frozenset({Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.LIAISON})

# Token first: DRF answers 401 with `WWW-Authenticate: Token` only when the first
# authenticator names a scheme; with the session first it would answer 403.
API_AUTHENTICATION = [MembershipTokenAuthentication, SessionAuthentication]


class OfficeWritesRoleHoldersRead(BasePermission):
    """Safe methods for READER_ROLES; POST/PATCH/PUT/DELETE for office staff only."""

    message = "您没有执行该操作的权限。"
    read_roles = READER_ROLES

    def has_permission(self, request, view):
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        role = role_of(user)
        if request.method in SAFE_METHODS:
            return role in self.read_roles
        if is_city(user):
            self.message = CITY_READ_ONLY
            return False
        return role == Role.OFFICE


def city_write(request) -> bool:
    """Is this an unsafe request by a city office user (refused with 403)?"""
    return request.method not in SAFE_METHODS and is_city(request.user)


class RoleHoldersAct(BasePermission):
    """Any role holder may call it (the service decides who acts for whom);
    machine API clients may not; a city office user may not write."""

    message = "您没有执行该操作的权限。"

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and role_of(user) in READER_ROLES):
            return False
        if city_write(request):
            self.message = CITY_READ_ONLY
            return False
        return True


def request_office(request, code: str | None):
    """The office an API call reads (`office`: an Office.code): 404 when the
    caller may not read it (indistinguishable from a missing office); 400 when a
    city office caller names none (it reads one district at a time)."""
    office = office_choice(request.user, code or None)
    if office is None:
        if code:
            raise NotFound("办公室不存在。")
        raise ValidationError({"office": ["市委办用户须指定办公室编码 office。"]})
    return office


def role_required(roles):
    """Browser view decorator: login, then 403 unless the user has one of `roles`."""
    roles = frozenset(roles)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if role_of(request.user) not in roles:
                raise PermissionDenied("您没有访问该页面的权限。")
            # A city office reads its districts; every write is the district's.
            if city_write(request):
                raise PermissionDenied(CITY_READ_ONLY)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


office_required = role_required({Role.OFFICE})
reader_required = role_required(READER_ROLES)
