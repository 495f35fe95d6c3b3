"""App configuration of outgoing-letter drafting, review, numbering and sending."""

from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "warkat.drafting"
    label = "drafting"
