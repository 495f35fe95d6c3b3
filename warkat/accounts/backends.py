"""Sign-in with NIP or username, with the lockout of ``accounts.services``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from warkat.accounts import errors
from warkat.accounts.models import User

#: Where the backend leaves the reason of a refused sign-in for the login form.
AUTH_ERROR_ATTR = "warkat_auth_error"


class NipOrUsernameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        from warkat.accounts.services import login_verify

        if not username or not password:
            return None
        try:
            return login_verify(login=username, password=password)
        except errors.AccountLocked as exc:
            if request is not None:
                setattr(request, AUTH_ERROR_ATTR, exc)
            # Stops Django from trying the next backend: a locked account stays shut.
            raise PermissionDenied(str(exc)) from exc
        except errors.AuthenticationFailed as exc:
            if request is not None:
                setattr(request, AUTH_ERROR_ATTR, exc)
            raise PermissionDenied(str(exc)) from exc

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in user of a session, with the tenant every request reads
        (the tenant scope, the API's caller) in the same query."""
        try:
            user = User._default_manager.select_related("tenant").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
