from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispositionsConfig(AppConfig):
    name = "warkat.dispositions"
    label = "dispositions"

    def ready(self) -> None:
        from warkat.accounts.models import Role
        from warkat.core.home import HomeLink, home_link_register

        home_link_register(
            HomeLink(
                key="dispositions.settings",
                label=_("Disposition settings"),
                url_name="dispositions:settings",
                roles=frozenset({Role.TENANT_ADMIN}),
                order=60,
            )
        )
