"""The production WSGI entry point: Django, with the morning peak's phone check-in
answered in front of it (``warkat.attendance.fastwsgi``)."""

import os
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")


def _application() -> Any:
    django_application = get_wsgi_application()
    # Imported once the apps are loaded (it reads models' tables and settings).
    from warkat.attendance.fastwsgi import CheckInFastApplication

    return CheckInFastApplication(django_application)


application = _application()
