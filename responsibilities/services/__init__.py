"""Writes of departments, users, API tokens and the four responsibility lists.

Every function takes keyword-only arguments; its docstring lists side effects.
Bad input raises django's ValidationError (field -> Chinese messages) or a
DomainError; nothing is written in that case. Import from here:
`from responsibilities import services; services.user_create(...)`.
"""

from responsibilities.services.departments import (
    department_create,
    department_move,
    department_update,
)
from responsibilities.services.lists import (
    ALL_KIND_FIELDS,
    EDITABLE_FIELDS,
    KIND_FIELDS,
    REQUIRED_FIELDS,
    duplicate_filter,
    flow_by_rule,
    responsibility_create,
    responsibility_deactivate,
    responsibility_update,
    responsibility_validate,
)
from responsibilities.services.users import (
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


def responsibility_import(*, kind: str, rows, user, commit: bool):
    """All-or-nothing import of one list; see spreadsheets.responsibility_import.

    Side effects (commit and no bad row): the rows, their partners and history.
    """
    from responsibilities.spreadsheets import responsibility_import as run_import

    return run_import(kind=kind, rows=rows, user=user, commit=commit)


__all__ = [
    "ALL_KIND_FIELDS",
    "API_CLIENT_PREFIX",
    "EDITABLE_FIELDS",
    "KIND_FIELDS",
    "OFFICE_ADMIN_APPS",
    "OFFICE_GROUP_NAME",
    "REQUIRED_FIELDS",
    "api_client_username",
    "api_token_issue",
    "api_token_revoke",
    "department_create",
    "department_move",
    "department_update",
    "duplicate_filter",
    "flow_by_rule",
    "office_group",
    "responsibility_create",
    "responsibility_deactivate",
    "responsibility_import",
    "responsibility_update",
    "responsibility_validate",
    "user_create",
    "user_deactivate",
    "user_set_password",
    "user_update",
]
