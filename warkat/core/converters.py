"""The ``<id:...>`` URL converter: a database id, at most 64 bits.

Django's ``<int:...>`` accepts any number of digits, and a number beyond what an id
column holds reaches the database and fails there (a server error). Every URL pattern
naming an object uses ``<id:...>`` instead: such a URL simply matches nothing (404).
"""

from __future__ import annotations

from django.urls import register_converter

#: The largest value of a database id column (64-bit signed).
MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # Django reads this as "no match"
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")
