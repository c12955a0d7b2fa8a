from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "三单一表"

    def ready(self):
        # Imported here, not at the top: services read models, and Django imports
        # every apps.py before any model can be loaded.
        from notices.services import (
            notification_confirm_for_receipt,
            notification_send_for_launch,
        )
        from workflows import hooks

        hooks.project_launched.register(notification_send_for_launch)
        hooks.receipt_confirmed.register(notification_confirm_for_receipt)

        # The stored notice counts follow new offices and moved departments.
        from notices.services.tallies import notice_tallies_recount
        from org import hooks as org_hooks

        org_hooks.office_departments_changed.register(notice_tallies_recount)
