from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rankings/", views.rankings, name="rankings"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/bulletin/", views.bulletin, name="bulletin"),
    path("rounds/<int:pk>/bulletin.xlsx", views.bulletin_xlsx, name="bulletin_xlsx"),
    path(
        "rounds/<int:pk>/peer-weight/",
        views.round_peer_weight,
        name="round_peer_weight",
    ),
    path("rounds/<int:pk>/<str:action>/", views.round_action, name="round_action"),
    path("scores/", views.my_scores, name="scores"),
    path("peer/", views.peer, name="peer"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path(
        "sheets/<int:pk>/lines/<int:line_pk>/adjust/",
        views.sheet_adjust,
        name="sheet_adjust",
    ),
    path(
        "sheets/<int:pk>/indicator-miss/",
        views.sheet_indicator_miss,
        name="sheet_indicator_miss",
    ),
    path("credit/", views.credit_list, name="credit"),
    path("credit/<int:department_pk>/", views.credit_history, name="credit_history"),
    path("standards/", views.standards, name="standards"),
    path("standards/<int:pk>/edit/", views.standard_edit, name="standard_edit"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/problems/", views.problem_create, name="problem_create"),
    path(
        "problems/<int:pk>/<str:action>/", views.problem_action, name="problem_action"
    ),
    path(
        "accountability/new/",
        views.accountability_create,
        name="accountability_create",
    ),
]
