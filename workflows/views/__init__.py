"""Browser pages of the workflows app.

Thin: check role, validate a form, call one service or selector, render.
Objects outside the user's scope are 404s.
"""

from workflows.views.extensions import (
    extension_answer_view,
    extension_ask_view,
    extension_queue_page,
)
from workflows.views.flows import (
    flow_list_page,
    step_template_delete_view,
    step_template_form_page,
    step_template_move_view,
)
from workflows.views.launch import (
    bulk_launch_job_page,
    bulk_launch_page,
    launch_page,
)
from workflows.views.overview import (
    overview_page,
    review_batch_approve_view,
    review_next_view,
    review_page,
    step_list_page,
)
from workflows.views.projects import (
    evidence_file_download,
    project_page,
    project_withdraw_view,
    receipt_confirm_view,
    step_approve_view,
    step_office_done_view,
    step_page,
    step_return_view,
    step_submit_view,
)
from workflows.views.workdays import (
    calendar_day_delete_view,
    calendar_page,
)

__all__ = [
    "step_list_page",
    "extension_answer_view",
    "extension_ask_view",
    "extension_queue_page",
    "bulk_launch_job_page",
    "bulk_launch_page",
    "calendar_day_delete_view",
    "calendar_page",
    "evidence_file_download",
    "flow_list_page",
    "launch_page",
    "overview_page",
    "project_page",
    "project_withdraw_view",
    "step_office_done_view",
    "receipt_confirm_view",
    "review_batch_approve_view",
    "review_next_view",
    "review_page",
    "step_approve_view",
    "step_page",
    "step_return_view",
    "step_submit_view",
    "step_template_delete_view",
    "step_template_form_page",
    "step_template_move_view",
]
