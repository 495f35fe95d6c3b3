"""Logging configuration: plain text for development, one JSON object per line for
production (``WARKAT_LOG_JSON``), every record with the request id
(``core.requestid``)."""

from __future__ import annotations

from typing import Any

#: Record attributes written by the JSON formatter, in this order.
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, json: bool, level: str) -> dict[str, Any]:
    """The ``LOGGING`` setting: everything to stderr through one handler."""
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
            },
            "timestamp": False,
        }
        if json
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "warkat.core.requestid.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        # db_worker sets its own level on "django.tasks" (its task start/finish lines).
        "root": {"handlers": ["console"], "level": level},
    }
