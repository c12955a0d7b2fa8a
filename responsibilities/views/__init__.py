"""Browser pages; thin: check role, validate a form, call one service, render."""

from responsibilities.views.departments import (
    department_create_page,
    department_edit_page,
    department_search,
    department_tree_page,
)
from responsibilities.views.import_export import (
    responsibility_export_page,
    responsibility_import_page,
)
from responsibilities.views.lists import (
    coverage_page,
    responsibility_create_page,
    responsibility_deactivate_page,
    responsibility_detail_page,
    responsibility_edit_page,
    responsibility_list_page,
)
from responsibilities.views.security import (
    lockout_clear_page,
    security_page,
    user_token_revoke_page,
)
from responsibilities.views.users import (
    token_issue_page,
    token_revoke_page,
    user_create_page,
    user_deactivate_page,
    user_edit_page,
    user_list_page,
)

__all__ = [
    "lockout_clear_page",
    "security_page",
    "user_token_revoke_page",
    "coverage_page",
    "department_create_page",
    "department_edit_page",
    "department_search",
    "department_tree_page",
    "responsibility_create_page",
    "responsibility_deactivate_page",
    "responsibility_detail_page",
    "responsibility_edit_page",
    "responsibility_export_page",
    "responsibility_import_page",
    "responsibility_list_page",
    "token_issue_page",
    "token_revoke_page",
    "user_create_page",
    "user_deactivate_page",
    "user_edit_page",
    "user_list_page",
]
