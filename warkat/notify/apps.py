from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "warkat.notify"
    label = "notify"
