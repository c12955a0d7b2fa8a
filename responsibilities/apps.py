from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _refresh_office_group(sender, **kwargs):
    """Keep the "区委办" admin group in step with new models after each migrate."""
    from django.contrib.auth.models import Group

    from responsibilities.services import OFFICE_ADMIN_APPS, office_group

    if sender.label not in OFFICE_ADMIN_APPS:
        return
    if Group.objects.filter(name="区委办").exists():
        office_group()


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = "单位与责任清单"

    def ready(self):
        # Runs after every app's post_migrate has created its permissions.
        post_migrate.connect(_refresh_office_group, dispatch_uid="zhigui_office_group")
