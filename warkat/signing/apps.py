from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "warkat.signing"
    label = "signing"
