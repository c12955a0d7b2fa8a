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
    path("problems/", views.problem_list, name="problems"),
    path("plans/", views.plan_list, name="plans"),
    path("rates/", views.rate_list, name="rates"),
    path("duties/", views.duty_list, name="duties"),
    path("duties/<int:pk>/complete/", views.duty_complete, name="duty_complete"),
    path("circulars/", views.circular_list, name="circulars"),
    path("circulars/new/", views.circular_create, name="circular_create"),
    path("circulars/<int:pk>/", views.circular_detail, name="circular_detail"),
    path("circulars/<int:pk>/print/", views.circular_print, name="circular_print"),
    path("circulars/<int:pk>/xlsx/", views.circular_xlsx, name="circular_xlsx"),
    path(
        "accountability/new/",
        views.accountability_create,
        name="accountability_create",
    ),
]
