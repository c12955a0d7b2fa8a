from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top of the site: what spans every app (navigation, the demo)."""

    name = "portal"
    verbose_name = "门户"
