from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "执行流程"

    def ready(self):
        from workflows import signals  # noqa: F401
