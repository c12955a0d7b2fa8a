from django.urls import path

from regulations import views

app_name = "regulations"

urlpatterns = [
    path("", views.regulation_list, name="list"),
    path("new/", views.regulation_create, name="create"),
    path("import/", views.regulation_import, name="import"),
    path("export/", views.regulation_export, name="export"),
    path("<int:pk>/", views.regulation_detail, name="detail"),
    path("<int:pk>/edit/", views.regulation_edit, name="edit"),
    path("<int:pk>/revise/", views.regulation_revise, name="revise"),
    path("<int:pk>/repeal/", views.regulation_repeal, name="repeal"),
    path("<int:pk>/delete/", views.regulation_delete, name="delete"),
    path("<int:pk>/history/", views.regulation_history, name="history"),
    path("<int:pk>/attachment/", views.regulation_attachment, name="attachment"),
]
