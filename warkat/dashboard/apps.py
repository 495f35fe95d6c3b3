from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "warkat.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        from warkat.core.home import HomeLink, home_link_register

        home_link_register(
            HomeLink(
                key="dashboard.overview",
                label=_("Command centre"),
                url_name="dashboard:overview",
                order=30,
            )
        )
        home_link_register(
            HomeLink(
                key="dashboard.kinerja",
                label=_("Performance (kinerja)"),
                url_name="dashboard:kinerja",
                order=31,
            )
        )
        home_link_register(
            HomeLink(
                key="dashboard.adoption",
                label=_("Adoption (monev)"),
                url_name="dashboard:adoption",
                order=32,
            )
        )
        home_link_register(
            HomeLink(
                key="dashboard.data",
                label=_("Data requests"),
                url_name="dashboard:data",
                order=33,
            )
        )
