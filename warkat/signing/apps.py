"""The signing app: tenant CA, signature providers, signed documents, verification."""

from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "warkat.signing"
    label = "signing"

    def ready(self) -> None:
        from warkat.signing import (
            checks,  # noqa: F401  (registration)
            pdfparse,
        )

        pdfparse.install()
