"""Password hashing: Argon2id with the OWASP Password Storage Cheat Sheet's
parameters (19 MiB of memory, two passes, one lane).

Django's own Argon2 parameters (100 MiB, two passes, eight lanes) cost about 200 ms
of CPU per sign-in: at eight o'clock, when a 5,000-person Pemda signs in within half
an hour on a two-core host, hashing alone would take more than half the machine.
These cost about a tenth of that and are what OWASP recommends against offline
guessing. Hashes made with other parameters still verify, and are re-made with
these at the user's next sign-in (Django's ``must_update``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2


class Argon2PasswordHasher(DjangoArgon2):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
