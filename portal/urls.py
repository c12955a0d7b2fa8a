from django.urls import path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="liaison_inbox"),
    path("inbox/confirm/", views.inbox_confirm, name="liaison_inbox_confirm"),
    path("offices/", views.offices, name="offices"),
]
