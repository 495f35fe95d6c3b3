from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "warkat.core"
    label = "core"

    def ready(self) -> None:
        # Before any URLconf is imported: every app's urls.py uses <id:...>.
        from warkat.core import health, metrics, requestid
        from warkat.core.converters import register

        register()
        # Request ids into tasks, task metrics, worker heartbeats.
        requestid.connect()
        metrics.connect()
        from django.tasks.signals import task_finished

        task_finished.connect(health.on_task_finished, dispatch_uid="warkat.health")
