from django.apps import AppConfig


class OcrConfig(AppConfig):
    name = "warkat.ocr"
    label = "ocr"
