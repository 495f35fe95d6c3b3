from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _leads_units(request: Any) -> bool:
    from warkat.dashboard.scope import leader_scope

    return bool(leader_scope(user=request.user))


def _sees_adoption(request: Any) -> bool:
    from warkat.dashboard.monev import may_see_adoption

    return may_see_adoption(user=request.user)


class DashboardConfig(AppConfig):
    name = "warkat.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from warkat.core.home import HomeLink, home_link_register
        from warkat.dashboard.events import audit_event_saved, checkin_saved

        # Events mark their day's figures as changed, inside their own transaction.
        post_save.connect(
            audit_event_saved, sender="audit.AuditEvent", dispatch_uid="dashboard_audit"
        )
        post_save.connect(
            checkin_saved, sender="attendance.CheckIn", dispatch_uid="dashboard_checkin"
        )

        home_link_register(
            HomeLink(
                key="dashboard.overview",
                label=_("Command centre"),
                url_name="dashboard:overview",
                order=30,
                visible=_leads_units,
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
                visible=_sees_adoption,
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
