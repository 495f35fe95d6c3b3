from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "warkat.demo"
    label = "demo"
    verbose_name = "Demo"
