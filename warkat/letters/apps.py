from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "warkat.letters"
    label = "letters"
