"""The production WSGI entry point: Django, with the morning peak's phone check-in
answered in front of it (``warkat.attendance.fastwsgi``), both seeing the request's
own environ only (``warkat.core.wsgienv``: the server copies the process
environment into it)."""

import os
from typing import Any

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from warkat.core.gcsetup import process_gc_setup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")


def _application() -> Any:
    django_application = get_wsgi_application()
    # Imported once the apps are loaded (it reads models' tables and settings).
    from warkat.attendance.fastwsgi import CheckInFastApplication
    from warkat.core.wsgienv import RequestOnlyEnviron

    return RequestOnlyEnviron(CheckInFastApplication(django_application))


application = _application()
# Load every view, then keep what start-up loaded out of the garbage collector's
# reach, and collect less often (``core.gcsetup``).
get_resolver().url_patterns  # noqa: B018 - imports the views
process_gc_setup()
