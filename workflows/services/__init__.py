"""Writes of the workflows app (see each module for its side effects)."""

from workflows.services.bulk_launch import (
    bulk_launch_run,
    bulk_launch_start,
    bulk_launch_years_without_holidays,
)
from workflows.services.calendar_days import calendar_day_delete, calendar_day_set
from workflows.services.closing import (
    bulletin_done_for_projects,
    project_settle,
    project_withdraw,
    step_office_done,
)
from workflows.services.extensions import (
    EXTENDABLE,
    EXTENSION_MACHINE,
    extension_ask,
    extension_grant,
    extension_latest,
    extension_refuse,
)
from workflows.services.launch import (
    office_department_for,
    plan_steps,
    project_bulk_launch_preview,
    project_launch,
    stages_of,
)
from workflows.services.review import (
    ALLOWED_EVIDENCE_EXTENSIONS,
    receipt_confirm,
    receipt_for_step,
    step_approve,
    step_approve_batch,
    step_flag_for_bulletin,
    step_return,
    step_submit,
)
from workflows.services.templates import (
    step_template_add,
    step_template_delete,
    step_template_move,
    step_template_update,
)
from workflows.services.transitions import (
    ACTION_LABELS,
    PROJECT_MACHINE,
    STEP_MACHINE,
    receipts_follow_projects,
)

__all__ = [
    "bulk_launch_run",
    "bulk_launch_start",
    "bulk_launch_years_without_holidays",
    "EXTENSION_MACHINE",
    "EXTENDABLE",
    "extension_ask",
    "extension_grant",
    "extension_latest",
    "extension_refuse",
    "calendar_day_delete",
    "calendar_day_set",
    "ACTION_LABELS",
    "ALLOWED_EVIDENCE_EXTENSIONS",
    "PROJECT_MACHINE",
    "STEP_MACHINE",
    "bulletin_done_for_projects",
    "project_settle",
    "project_withdraw",
    "receipts_follow_projects",
    "step_office_done",
    "office_department_for",
    "plan_steps",
    "project_bulk_launch_preview",
    "project_launch",
    "receipt_confirm",
    "receipt_for_step",
    "stages_of",
    "step_approve",
    "step_approve_batch",
    "step_flag_for_bulletin",
    "step_return",
    "step_submit",
    "step_template_add",
    "step_template_delete",
    "step_template_move",
    "step_template_update",
]
