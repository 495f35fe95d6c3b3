"""The production WSGI entry point: Django, with the morning peak's phone check-in
answered in front of it (``warkat.attendance.fastwsgi``), both seeing the request's
own environ only (``warkat.core.wsgienv``: the server copies the process
environment into it)."""

import gc
import os
from typing import Any

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")


def _application() -> Any:
    django_application = get_wsgi_application()
    # Imported once the apps are loaded (it reads models' tables and settings).
    from warkat.attendance.fastwsgi import CheckInFastApplication
    from warkat.core.wsgienv import RequestOnlyEnviron

    return RequestOnlyEnviron(CheckInFastApplication(django_application))


application = _application()
# Load every view now, then move everything loaded at start-up (modules, settings,
# URL patterns: it lives as long as the process) out of the garbage collector's
# reach. Otherwise each full collection walks all of it again, and an answer that
# allocates tens of thousands of objects (the attendance board of 5,000 people)
# triggers one every other request: 100-200 ms of CPU each.
get_resolver().url_patterns  # noqa: B018 - imports the views
gc.freeze()
# Collect the youngest generation every 10,000 allocations instead of 700: a
# request's objects mostly die with it, before a collection would look at them,
# and the older generations' collections (every 10 younger ones) come 14 times
# less often. The board of 5,000 people set off some 30 young collections, 3 of
# the middle generation and one full one every four requests (12 ms of CPU per
# answer on average); now about one young collection.
gc.set_threshold(10_000, 10, 10)
