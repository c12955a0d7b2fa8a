"""Writes of the four responsibility lists (departments and users: `org.services`).

The all-or-nothing spreadsheet import is `responsibilities.spreadsheets`.
Every function takes keyword-only arguments; its docstring lists side effects.
Bad input raises django's ValidationError (field -> Chinese messages) or a
DomainError; nothing is written in that case. Import from here:
`from responsibilities import services; services.responsibility_create(...)`.
"""

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

__all__ = [
    "ALL_KIND_FIELDS",
    "EDITABLE_FIELDS",
    "KIND_FIELDS",
    "REQUIRED_FIELDS",
    "duplicate_filter",
    "flow_by_rule",
    "office_group",
    "responsibility_create",
    "responsibility_deactivate",
    "responsibility_update",
    "responsibility_validate",
]
