from django.apps import AppConfig


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = "责任清单"

    def ready(self):
        # Imported here, not at the top: selectors read models, and Django
        # imports every apps.py before any model can be loaded.
        from regulations import hooks
        from responsibilities.selectors import (
            regulation_deletion_refusal,
            regulation_responsibilities,
        )
        from responsibilities.services.lists import responsibility_carry_to_revision

        hooks.regulation_responsibilities.register(regulation_responsibilities)
        hooks.carry_to_revision.register(responsibility_carry_to_revision)
        hooks.deletion_refusal.register(regulation_deletion_refusal)
