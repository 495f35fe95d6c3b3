"""Clearing what single sign-on leaves behind: expired codes and tokens
(django-oauth-toolkit's ``clear_expired``) and the records of exchanged codes once
every token they could have started has expired."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from oauth2_provider.models import clear_expired
from oauth2_provider.settings import oauth2_settings

from warkat.sso.models import CodeUse
from warkat.tenancy.scope import all_tenants


def sso_leftovers_clear() -> int:
    """Returns how many used-code records were removed. Idempotent."""
    clear_expired()
    lifetime = oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS or 30 * 86400
    horizon = timezone.now() - dt.timedelta(seconds=lifetime)
    # A housekeeping sweep over every tenant's rows, none of them read or shown.
    with all_tenants():
        deleted, _ = CodeUse.objects.filter(used_at__lt=horizon).delete()
    return deleted
