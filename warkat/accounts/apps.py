from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "warkat.accounts"
    label = "accounts"

    def ready(self) -> None:
        from warkat.accounts import checks, signals  # noqa: F401  (registration)
