"""Writes of departments, users and API tokens.

Every function takes keyword-only arguments; its docstring lists side effects.
Bad input raises django's ValidationError (field -> Chinese messages) or a
DomainError; nothing is written in that case. Import from here:
`from org import services; services.user_create(...)`.
"""

from org.services.departments import (
    department_create,
    department_move,
    department_update,
    office_create,
    office_set_parent,
)
from org.services.users import (
    API_CLIENT_PREFIX,
    OFFICE_ADMIN_APPS,
    OFFICE_GROUP_NAME,
    api_client_username,
    api_token_issue,
    api_token_revoke,
    office_group,
    user_create,
    user_deactivate,
    user_set_password,
    user_update,
)

__all__ = [
    "API_CLIENT_PREFIX",
    "OFFICE_ADMIN_APPS",
    "OFFICE_GROUP_NAME",
    "api_client_username",
    "api_token_issue",
    "api_token_revoke",
    "department_create",
    "department_move",
    "department_update",
    "office_create",
    "office_group",
    "office_set_parent",
    "user_create",
    "user_deactivate",
    "user_set_password",
    "user_update",
]
