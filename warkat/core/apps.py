from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "warkat.core"
    label = "core"

    def ready(self) -> None:
        # Before any URLconf is imported: every app's urls.py uses <id:...>.
        from warkat.core.converters import register

        register()
