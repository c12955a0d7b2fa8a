from django.urls import path

from evaluation import api

urlpatterns = [
    path("scores/", api.ScoreListApi.as_view(), name="api-scores"),
    path("rankings/", api.RankingListApi.as_view(), name="api-rankings"),
    path(
        "credit-records/",
        api.CreditRecordListApi.as_view(),
        name="api-credit-records",
    ),
]
