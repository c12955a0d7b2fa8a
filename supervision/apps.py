from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "监督"

    def ready(self):
        # 室组地 decides what an inspector sees; responsibilities (below us)
        # reads it through its registry instead of importing this app.
        from org.selectors import register_inspector_scope
        from supervision.selectors import unit_scope

        register_inspector_scope(unit_scope)

        # Accepting the 落实表 of a problem's 交办单 rectifies the problem;
        # notices (below us) calls back through its hook registry.
        from notices import hooks
        from supervision import selectors
        from supervision.services import rectification

        hooks.report_submitted.register(rectification.problem_answer_for_assignment)
        hooks.report_accepted.register(rectification.problem_rectify_for_assignment)
        # A hand-issued 警示单/告知单 on a problem finds it through this lookup.
        hooks.problem_lookup.register(selectors.problem_for_notice)
