from django.urls import path

from responsibilities import api

urlpatterns = [
    path("auth/token/", api.TokenLoginApi.as_view(), name="api-token"),
    path("departments/", api.DepartmentListApi.as_view(), name="api-departments"),
    path(
        "responsibilities/",
        api.ResponsibilityListApi.as_view(),
        name="api-responsibilities",
    ),
    path(
        "responsibilities/<int:pk>/",
        api.ResponsibilityDetailApi.as_view(),
        name="api-responsibility-detail",
    ),
]
