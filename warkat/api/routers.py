"""Every app's router, mounted under /api/v1."""

from __future__ import annotations

from ninja import NinjaAPI


def register_routers(api: NinjaAPI) -> None:
    from warkat.accounts.api import router as accounts_router
    from warkat.accounts.api import users_router
    from warkat.archive.api import router as archive_router
    from warkat.attendance.api import router as attendance_router
    from warkat.attendance.leave_api import router as attendance_leave_router
    from warkat.attendance.setup_api import router as attendance_setup_router
    from warkat.audit.api import router as audit_router
    from warkat.dashboard.api import router as dashboard_router
    from warkat.dispositions.api import router as dispositions_router
    from warkat.drafting.api import router as drafting_router
    from warkat.drafting.numbers_api import router as drafting_numbers_router
    from warkat.letters.api import router as letters_router
    from warkat.notify.api import router as notify_router
    from warkat.org.api import router as org_router
    from warkat.org.feed_api import router as org_feed_router
    from warkat.search.api import router as search_router
    from warkat.signing.api import router as signing_router
    from warkat.tenancy.api import router as tenancy_router
    from warkat.webhooks.api import router as webhooks_router

    api.add_router("/auth", accounts_router)
    api.add_router("/users", users_router)
    api.add_router("/audit", audit_router)
    api.add_router("/", tenancy_router)
    api.add_router("/", org_router)
    api.add_router("/", org_feed_router)
    # Before letters: its /letters/{id} would otherwise catch /letters/outgoing.
    api.add_router("/", drafting_router)
    api.add_router("/", drafting_numbers_router)
    api.add_router("/", letters_router)
    api.add_router("/", dispositions_router)
    api.add_router("/", notify_router)
    api.add_router("/", search_router)
    api.add_router("/", signing_router)
    api.add_router("/", dashboard_router)
    api.add_router("/", attendance_router)
    api.add_router("/", attendance_leave_router)
    api.add_router("/", attendance_setup_router)
    api.add_router("/", webhooks_router)
    api.add_router("/", archive_router)
