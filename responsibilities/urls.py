from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from responsibilities import views

app_name = "responsibilities"

urlpatterns = [
    path("", views.responsibility_list_page, name="list"),
    path("new/<str:kind>/", views.responsibility_create_page, name="create"),
    path("<int:pk>/", views.responsibility_detail_page, name="detail"),
    path("<int:pk>/edit/", views.responsibility_edit_page, name="edit"),
    path(
        "<int:pk>/deactivate/",
        views.responsibility_deactivate_page,
        name="deactivate",
    ),
    path("import/<str:kind>/", views.responsibility_import_page, name="import"),
    path("export/<str:kind>/", views.responsibility_export_page, name="export"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("departments/", views.department_tree_page, name="departments"),
    path("departments/new/", views.department_create_page, name="department_create"),
    path("departments/search/", views.department_search, name="department_search"),
    path(
        "departments/<int:pk>/edit/",
        views.department_edit_page,
        name="department_edit",
    ),
    path("users/", views.user_list_page, name="users"),
    path("users/new/", views.user_create_page, name="user_create"),
    path("users/<int:pk>/", views.user_edit_page, name="user_edit"),
    path(
        "users/<int:pk>/deactivate/",
        views.user_deactivate_page,
        name="user_deactivate",
    ),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/password_change_form.html",
            success_url=reverse_lazy("home"),
        ),
        name="password_change",
    ),
    path("tokens/issue/", views.token_issue_page, name="token_issue"),
    path("security/", views.security_page, name="security"),
    path(
        "security/lockouts/<int:pk>/clear/",
        views.lockout_clear_page,
        name="lockout_clear",
    ),
    path(
        "security/tokens/revoke/",
        views.user_token_revoke_page,
        name="user_token_revoke",
    ),
    path("tokens/<int:pk>/revoke/", views.token_revoke_page, name="token_revoke"),
]
