from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "warkat.org"
    label = "org"

    def ready(self) -> None:
        from warkat.org import signals

        signals.connect()
