from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "warkat.org"
    label = "org"
