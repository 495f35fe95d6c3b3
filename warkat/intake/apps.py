from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "warkat.intake"
    label = "intake"
    verbose_name = _("Letters from outside")

    def ready(self) -> None:
        from warkat.accounts.models import Role
        from warkat.core.home import HomeLink, home_link_register

        home_link_register(
            HomeLink(
                key="intake.queue",
                label=_("Letters from outside"),
                url_name="intake:queue",
                roles=frozenset({Role.TENANT_ADMIN, Role.TU}),
                order=35,
            )
        )
