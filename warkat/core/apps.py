from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "warkat.core"
    label = "core"
