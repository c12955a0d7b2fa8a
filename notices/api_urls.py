from django.urls import path

from notices import api

urlpatterns = [
    path("notices/", api.NoticeListCreate.as_view(), name="api-notice-list"),
    path("notices/<int:pk>/", api.NoticeDetail.as_view(), name="api-notice-detail"),
    path(
        "notices/<int:pk>/confirm/",
        api.NoticeConfirm.as_view(),
        name="api-notice-confirm",
    ),
    path(
        "notices/<int:pk>/report/", api.NoticeReport.as_view(), name="api-notice-report"
    ),
]
