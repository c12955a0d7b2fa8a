from django.urls import path

from supervision import api

urlpatterns = [
    path(
        "supervising-units/",
        api.SupervisingUnitListApi.as_view(),
        name="api-supervising-units",
    ),
]
