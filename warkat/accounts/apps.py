from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "warkat.accounts"
    label = "accounts"

    def ready(self) -> None:
        from allauth.mfa.totp.internal.auth import TOTP

        from warkat.accounts import checks, signals  # noqa: F401  (registration)
        from warkat.accounts.adapter import totp_mark_used

        # A used authenticator code stays refused while it is still valid.
        TOTP._mark_code_used = totp_mark_used  # type: ignore[method-assign]
