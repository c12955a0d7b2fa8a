from django.urls import path

from supervision import api

urlpatterns = [
    path(
        "supervising-units/",
        api.SupervisingUnitListApi.as_view(),
        name="api-supervising-units",
    ),
    path(
        "inspection-plans/",
        api.InspectionPlanListApi.as_view(),
        name="api-inspection-plans",
    ),
    path(
        "supervision-rates/",
        api.SupervisionRateListApi.as_view(),
        name="api-supervision-rates",
    ),
    path("problems/", api.ProblemListApi.as_view(), name="api-problems"),
    path(
        "problems/<int:pk>/", api.ProblemDetailApi.as_view(), name="api-problem-detail"
    ),
    path("circulars/", api.CircularListApi.as_view(), name="api-circulars"),
    path(
        "circulars/<int:pk>/",
        api.CircularDetailApi.as_view(),
        name="api-circular-detail",
    ),
]
