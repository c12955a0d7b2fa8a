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
]
