from django.urls import path

from workflows import api

urlpatterns = [
    path("projects/", api.ProjectListApi.as_view(), name="api-projects"),
    path(
        "projects/<int:pk>/", api.ProjectDetailApi.as_view(), name="api-project-detail"
    ),
    path(
        "projects/<int:pk>/withdraw/",
        api.ProjectWithdrawApi.as_view(),
        name="api-project-withdraw",
    ),
    path("steps/", api.StepListApi.as_view(), name="api-steps"),
    path("steps/<int:pk>/", api.StepDetailApi.as_view(), name="api-step-detail"),
    path(
        "steps/<int:pk>/receipt/", api.StepReceiptApi.as_view(), name="api-step-receipt"
    ),
    path("steps/<int:pk>/submit/", api.StepSubmitApi.as_view(), name="api-step-submit"),
    path(
        "steps/<int:pk>/approve/", api.StepApproveApi.as_view(), name="api-step-approve"
    ),
    path(
        "steps/<int:pk>/extension/",
        api.StepExtensionApi.as_view(),
        name="api-step-extension",
    ),
    path("steps/<int:pk>/return/", api.StepReturnApi.as_view(), name="api-step-return"),
]
