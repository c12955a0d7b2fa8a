from django.urls import path

from regulations import api

urlpatterns = [
    path(
        "regulations/",
        api.RegulationListCreateApi.as_view(),
        name="api-regulation-list",
    ),
    path(
        "regulations/<int:pk>/",
        api.RegulationDetailApi.as_view(),
        name="api-regulation-detail",
    ),
]
