from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "warkat.api"
    label = "api"
