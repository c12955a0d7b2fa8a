from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "执行流程"

    def ready(self):
        # Imported here, not at the top: these modules read models, and Django
        # imports every apps.py before any model can be loaded. signals connects
        # the calendar receivers.
        from regulations import hooks
        from workflows import signals  # noqa: F401
        from workflows.selectors import regulation_deletion_refusal

        hooks.deletion_refusal.register(regulation_deletion_refusal)

        # The stored step counts follow new offices and moved departments.
        from org import hooks as org_hooks
        from workflows.services.tallies import step_tallies_recount

        org_hooks.office_departments_changed.register(step_tallies_recount)
