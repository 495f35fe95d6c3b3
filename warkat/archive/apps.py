from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "warkat.archive"
    label = "archive"
