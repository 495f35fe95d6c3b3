"""Background work of single sign-on (queue "default")."""

from __future__ import annotations

from django.tasks import task


@task(queue_name="default")
def sso_cleanup_run() -> int:
    """Periodic (``run_periodic``): expired SSO codes and tokens, old code records."""
    from warkat.sso.cleanup import sso_leftovers_clear

    return sso_leftovers_clear()
