from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/problems/", views.problem_create, name="problem_create"),
    path(
        "problems/<int:pk>/<str:action>/", views.problem_action, name="problem_action"
    ),
    path("plans/", views.plan_list, name="plans"),
    path("rates/", views.rate_list, name="rates"),
    path(
        "accountability/new/",
        views.accountability_create,
        name="accountability_create",
    ),
]
