"""Sign-in with NIP or username."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from warkat.accounts.models import User
from warkat.tenancy.scope import all_tenants


class NipOrUsernameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        login = username.strip()
        if login.isdigit() and len(login) == 18:
            # NIP: people are tenant-owned, and sign-in happens before a tenant is known.
            with all_tenants():
                user = User.objects.filter(person__nip=login).first()
        else:
            user = User.objects.filter(username__iexact=login).first()
        if user is None:
            User().set_password(password)  # same work as a real check (timing)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
