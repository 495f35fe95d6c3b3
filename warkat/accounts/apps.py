from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "warkat.accounts"
    label = "accounts"
