from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import health

admin.site.site_header = "执规通 管理后台"
admin.site.site_title = "执规通"

api_v1 = [
    path("", include("responsibilities.api_urls")),
    path("", include("regulations.api_urls")),
    path("", include("workflows.api_urls")),
    path("", include("notices.api_urls")),
    path("", include("evaluation.api_urls")),
    path("", include("supervision.api_urls")),
]

urlpatterns = [
    path("", include("portal.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("regulations/", include("regulations.urls")),
    path("responsibilities/", include("responsibilities.urls")),
    path("workflows/", include("workflows.urls")),
    path("notices/", include("notices.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("supervision/", include("supervision.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema"),
        name="api-docs",
    ),
]

handler404 = "config.views.not_found"
