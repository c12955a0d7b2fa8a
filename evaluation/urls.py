from django.http import HttpResponsePermanentRedirect
from django.urls import path, reverse

from evaluation import exports, views

app_name = "evaluation"


class _PermanentRedirect308(HttpResponsePermanentRedirect):
    status_code = 308  # unlike 301, a browser repeats a POST as a POST


def _moved(name):
    def view(request, **kwargs):
        target = reverse(f"supervision:{name}", kwargs=kwargs)
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        return _PermanentRedirect308(target)

    return view


def legacy_supervision_urls():
    """The paths and names these pages had under /evaluation/ (bookmarks,
    printed links, {% url 'evaluation:inspections' %}): each redirects to the
    page's new home under /supervision/."""
    return [
        path("inspections/", _moved("inspections"), name="inspections"),
        path("inspections/new/", _moved("inspection_create"), name="inspection_create"),
        path(
            "inspections/<int:pk>/",
            _moved("inspection_detail"),
            name="inspection_detail",
        ),
        path(
            "inspections/<int:pk>/problems/",
            _moved("problem_create"),
            name="problem_create",
        ),
        path(
            "problems/<int:pk>/<str:action>/",
            _moved("problem_action"),
            name="problem_action",
        ),
        path(
            "accountability/new/",
            _moved("accountability_create"),
            name="accountability_create",
        ),
    ]


urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/export/", exports.rankings_xlsx, name="rankings_export"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/bulletin/", views.bulletin, name="bulletin"),
    path("rounds/<int:pk>/bulletin.xlsx", views.bulletin_xlsx, name="bulletin_xlsx"),
    path(
        "rounds/<int:pk>/peer-weight/",
        views.round_peer_weight,
        name="round_peer_weight",
    ),
    path("rounds/<int:pk>/joint/", views.round_joint, name="round_joint"),
    path("rounds/<int:pk>/jobs/<int:job_pk>/", views.round_job, name="round_job"),
    path("rounds/<int:pk>/<str:action>/", views.round_action, name="round_action"),
    path("scores/", views.my_scores, name="scores"),
    path("peer/", views.peer, name="peer"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path(
        "sheets/<int:pk>/lines/<int:line_pk>/adjust/",
        views.sheet_adjust,
        name="sheet_adjust",
    ),
    path(
        "sheets/<int:pk>/indicator-miss/",
        views.sheet_indicator_miss,
        name="sheet_indicator_miss",
    ),
    path("credit/", views.credit_list, name="credit"),
    path("credit/export/", exports.credit_xlsx, name="credit_export"),
    path("credit/<int:department_pk>/", views.credit_history, name="credit_history"),
    path("standards/", views.standards, name="standards"),
    path("standards/<int:pk>/edit/", views.standard_edit, name="standard_edit"),
    path("standards/override/", views.standard_override, name="standard_override"),
    # Supervision moved to its own app (/supervision/); the old paths and URL
    # names redirect there (308 keeps a POST a POST).
    *legacy_supervision_urls(),
]
