from django.http import JsonResponse
from django.views import defaults


def not_found(request, exception=None):
    """404 for a URL no route matches (e.g. /api/v1/steps/-5/): the API keeps
    its JSON error shape (shared/API.md); pages get Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到。", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)
