"""Passwords are hashed with Argon2id at OWASP's parameters; older hashes upgrade."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2

from warkat.accounts.hashers import Argon2PasswordHasher

PASSWORD = "Rahasia-Kuat-2026"


def test_owasp_parameters_and_older_hashes_upgrade() -> None:
    hasher = Argon2PasswordHasher()
    new = hasher.encode(PASSWORD, hasher.salt())
    assert new.startswith("argon2$argon2id$") and "m=19456,t=2,p=1" in new
    assert hasher.verify(PASSWORD, new) and not hasher.verify("wrong-one-123", new)
    # A hash made with Django's own parameters still verifies, and is re-made.
    old = DjangoArgon2().encode(PASSWORD, hasher.salt())
    assert hasher.verify(PASSWORD, old)
    assert hasher.must_update(old) and not hasher.must_update(new)
