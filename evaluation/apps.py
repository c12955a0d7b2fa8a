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
