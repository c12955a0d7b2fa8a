from django.urls import path
from django.views.generic import RedirectView

from workflows import exports, views

app_name = "workflows"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("export/", exports.projects_xlsx, name="projects_export"),
    path("review/", views.review_page, name="review"),
    path(
        "review/approve/",
        views.review_batch_approve_view,
        name="review_batch_approve",
    ),
    path("review/next/<int:pk>/", views.review_next_view, name="review_next"),
    # The liaison's one inbox is 我的待办 (/inbox/); old links land there.
    path(
        "inbox/",
        RedirectView.as_view(pattern_name="liaison_inbox", query_string=True),
    ),
    path("launch/", views.launch_page, name="launch"),
    path("launch/bulk/", views.bulk_launch_page, name="bulk_launch"),
    path(
        "launch/bulk/<int:pk>/",
        views.bulk_launch_job_page,
        name="bulk_launch_job",
    ),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path(
        "projects/<int:pk>/withdraw/",
        views.project_withdraw_view,
        name="project_withdraw",
    ),
    path("steps/<int:pk>/", views.step_page, name="step"),
    path("steps/<int:pk>/submit/", views.step_submit_view, name="step_submit"),
    path("steps/<int:pk>/approve/", views.step_approve_view, name="step_approve"),
    path(
        "steps/<int:pk>/office-done/",
        views.step_office_done_view,
        name="step_office_done",
    ),
    path("steps/", views.step_list_page, name="steps"),
    path("extensions/", views.extension_queue_page, name="extensions"),
    path(
        "steps/<int:pk>/extension/",
        views.extension_ask_view,
        name="step_extension_ask",
    ),
    path(
        "steps/<int:pk>/extension/answer/",
        views.extension_answer_view,
        name="step_extension_answer",
    ),
    path("steps/<int:pk>/return/", views.step_return_view, name="step_return"),
    path(
        "receipts/<int:pk>/confirm/",
        views.receipt_confirm_view,
        name="receipt_confirm",
    ),
    path(
        "evidence/files/<int:pk>/",
        views.evidence_file_download,
        name="evidence_file",
    ),
    path("flows/", views.flow_list_page, name="flows"),
    path(
        "flows/<int:flow_pk>/steps/new/",
        views.step_template_form_page,
        name="step_template_add",
    ),
    path(
        "flows/<int:flow_pk>/steps/<int:pk>/",
        views.step_template_form_page,
        name="step_template_edit",
    ),
    path(
        "flows/steps/<int:pk>/move/",
        views.step_template_move_view,
        name="step_template_move",
    ),
    path(
        "flows/steps/<int:pk>/delete/",
        views.step_template_delete_view,
        name="step_template_delete",
    ),
    path("calendar/", views.calendar_page, name="calendar"),
    path(
        "calendar/<int:pk>/delete/",
        views.calendar_day_delete_view,
        name="calendar_day_delete",
    ),
]
