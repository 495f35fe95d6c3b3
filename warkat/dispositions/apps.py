from django.apps import AppConfig


class DispositionsConfig(AppConfig):
    name = "warkat.dispositions"
    label = "dispositions"
