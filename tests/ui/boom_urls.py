"""The real URLs plus one view that fails, to see the 500 page."""

from django.urls import path

from config.urls import handler404  # noqa: F401
from config.urls import urlpatterns as real_urlpatterns


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *real_urlpatterns]
