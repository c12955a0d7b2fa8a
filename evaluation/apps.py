from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "评价"

    def ready(self):
        # Credit drives supervision: notices (below us) asks which departments
        # have a low credit grade through its hook registry.
        from evaluation import selectors
        from notices import hooks

        hooks.low_credit_lookup.register(selectors.low_credit_department_ids)

        # A published round's stored sheet count follows what its list shows.
        from evaluation.services import rounds
        from org import hooks as org_hooks
        from workflows import hooks as workflow_hooks

        workflow_hooks.project_withdrawn.register(
            rounds.round_sheets_recount_for_project
        )
        org_hooks.departments_moved.register(
            rounds.round_sheets_recount_for_departments
        )
