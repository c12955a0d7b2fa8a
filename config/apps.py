from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "运行"

    def ready(self):
        from config import auth

        auth.connect_signals()
