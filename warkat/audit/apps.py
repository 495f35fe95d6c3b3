from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "warkat.audit"
    label = "audit"
