"""The app's URLs plus one API view that fails, to see the production 500."""

from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from config.urls import urlpatterns as app_urlpatterns


@api_view(["GET"])
@permission_classes([AllowAny])
def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("api/v1/boom/", boom), *app_urlpatterns]
