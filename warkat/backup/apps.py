from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "warkat.backup"
    label = "backup"
    verbose_name = "Backups"
