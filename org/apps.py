from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = "单位与用户"

    def ready(self):
        # Imported here, not at the top: the receiver reads models, and Django
        # imports every apps.py before any model can be loaded.
        from org.signals import refresh_office_group

        # Runs after every app's post_migrate has created its permissions.
        post_migrate.connect(refresh_office_group, dispatch_uid="zhigui_office_group")
