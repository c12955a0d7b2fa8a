from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "监督"

    def ready(self):
        # 室组地 decides what an inspector sees; responsibilities (below us)
        # reads it through its registry instead of importing this app.
        from responsibilities.selectors import register_inspector_scope
        from supervision.selectors import unit_scope

        register_inspector_scope(unit_scope)
