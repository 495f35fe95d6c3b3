from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "warkat.archive"
    label = "archive"

    def ready(self) -> None:
        from warkat.accounts.models import Role
        from warkat.core.home import HomeLink, home_link_register

        # The page itself decides who sees what (unit TU, records staff, committee).
        home_link_register(
            HomeLink(
                key="archive.index",
                label=_("Archive: retention and disposal"),
                url_name="archive:index",
                roles=frozenset({Role.TENANT_ADMIN, Role.TU, Role.PIMPINAN}),
                order=70,
            )
        )
