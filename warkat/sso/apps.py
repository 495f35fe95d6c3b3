from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "warkat.sso"
    label = "sso"
    verbose_name = _("Single sign-on")

    def ready(self) -> None:
        from warkat.accounts.models import Role
        from warkat.core.home import HomeLink, home_link_register
        from warkat.sso import checks  # noqa: F401  (registration)

        home_link_register(
            HomeLink(
                key="sso.clients",
                label=_("SSO client apps"),
                url_name="sso:client-list",
                roles=frozenset({Role.TENANT_ADMIN}),
                order=90,
            )
        )
