from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("register/", views.register, name="register"),
    path("register/export/", views.register_export, name="register_export"),
    path("new/", views.assignment_new, name="assignment_new"),
    path("hand/", views.hand_issue, name="hand_issue"),
    path("urge/step/<int:pk>/", views.urge, name="urge"),
    path("rules/", views.rules, name="rules"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/print/", views.print_form, name="print"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("confirm/", views.confirm_many, name="confirm_many"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/return/", views.return_report, name="return"),
    path("files/<int:pk>/", views.report_file, name="report_file"),
    path("reports/<int:pk>/print/", views.report_print, name="report_print"),
]
