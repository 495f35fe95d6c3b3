"""Warkat's rules inside django-oauth-toolkit's request validator: claims by scope,
the audit of each sign-in, a refused refresh for someone no longer allowed, and the
revocation of the tokens of an authorization code presented twice."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_refresh_token_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import utils

from warkat.sso import selectors, services
from warkat.sso.models import Client

#: Claim → the scopes that release it. The tenant comes with every sign-in: an SKPD
#: app serving several Pemda must know whose employee signed in.
CLAIM_SCOPES: dict[str, frozenset[str]] = {
    "sub": frozenset({"openid"}),
    "tenant": frozenset({"openid"}),
    "name": frozenset({"profile"}),
    "preferred_username": frozenset({"profile"}),
    "email": frozenset({"profile", "email"}),
    "nip": frozenset({"nip"}),
    "positions": frozenset({"positions"}),
}


#: What the claims need of a user, loaded with the token or code in one query.
_USER_RELATED = ("user", "user__person", "user__tenant")


class WarkatValidator(OAuth2Validator):
    # The token endpoint and userinfo are called on every sign-in and page of an
    # SKPD app: each lookup below loads the user, person and tenant in the same
    # query, and one code exchange reads its grant once instead of seven times.

    def _load_application(self, client_id: str, request: Any) -> Any:
        # With its tenant (``Client.is_usable`` reads it): one query, not two.
        if not request.client and client_id and "\x00" not in client_id:
            client = (
                Client.objects.select_related("tenant")
                .filter(client_id=client_id)
                .first()
            )
            if client is not None and client.is_usable(request):
                request.client = client
        return super()._load_application(client_id, request)

    def _load_access_token(self, token: str) -> Any:
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        return (
            get_access_token_model()
            .objects.select_related("application__tenant", *_USER_RELATED)
            .filter(token_checksum=checksum)
            .first()
        )

    def _grant(self, code: str, request: Any) -> Any:
        cached = getattr(request, "_warkat_grant", None)
        if cached is None or cached.code != code:
            cached = (
                get_grant_model()
                .objects.select_related(*_USER_RELATED)
                .filter(code=code)
                .first()
            )
            request._warkat_grant = cached
        return cached

    def _client_grant(self, code: str, request: Any, client: Any = None) -> Any:
        grant = self._grant(code, request)
        client = client or request.client
        if grant is None or client is None or grant.application_id != client.pk:
            return None
        return grant

    def confirm_redirect_uri(
        self, client_id: str, code: str, redirect_uri: str, client: Any,
        request: Any = None, *args: Any, **kwargs: Any,
    ) -> bool:  # fmt: skip
        if request is None:
            return bool(
                super().confirm_redirect_uri(client_id, code, redirect_uri, client)
            )
        grant = self._client_grant(code, request, client)
        return grant is not None and grant.redirect_uri_allowed(redirect_uri)

    def get_code_challenge(self, code: str, request: Any) -> str | None:
        grant = self._client_grant(code, request)
        return (grant.code_challenge or None) if grant else None

    def get_code_challenge_method(self, code: str, request: Any) -> str | None:
        grant = self._client_grant(code, request)
        return (grant.code_challenge_method or None) if grant else None

    def get_authorization_code_scopes(
        self, client_id: str, code: str, redirect_uri: str, request: Any
    ) -> list[str]:
        grant = self._grant(code, request)
        return utils.scope_to_list(grant.scope) if grant and grant.scope else []

    def get_authorization_code_nonce(
        self, client_id: str, code: str, redirect_uri: str, request: Any
    ) -> str | None:
        grant = self._grant(code, request)
        return (grant.nonce or None) if grant else None

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return selectors.user_claims(user=request.user)

    def get_oidc_claims(
        self, token: Any, token_handler: Any, request: Any
    ) -> dict[str, Any]:
        granted = set(request.scopes or [])
        return {
            name: value
            for name, value in self.get_claim_dict(request).items()
            if CLAIM_SCOPES.get(name, frozenset()) & granted
        }

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(CLAIM_SCOPES)

    def save_authorization_code(
        self,
        client_id: str,
        code: dict[str, Any],
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        with transaction.atomic():
            super().save_authorization_code(client_id, code, request, *args, **kwargs)
            services.sign_in_record(
                user=request.user, client=request.client, scopes=list(request.scopes)
            )

    def _save_bearer_token(
        self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any
    ) -> Any:
        result = super()._save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code" and request.code:
            family = None
            if token.get("refresh_token"):
                checksum = hashlib.sha256(token["refresh_token"].encode()).hexdigest()
                family = (
                    get_refresh_token_model()
                    .objects.filter(token_checksum=checksum)
                    .values_list("token_family", flat=True)
                    .first()
                )
            services.code_use_record(
                client=request.client, code=request.code, token_family=family
            )
        return result

    def validate_code(
        self,
        client_id: str,
        code: str,
        client: Any,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        grant = self._client_grant(code, request, client)
        if grant is not None:
            if grant.is_expired():
                return False
            # As django-oauth-toolkit does, from the grant read once.
            request.scopes = grant.scope.split(" ")
            request.user = grant.user
            if grant.nonce:
                request.nonce = grant.nonce
            if grant.claims:
                request.claims = json.loads(grant.claims)
            return True
        # A code already exchanged: whoever holds it now may be an attacker who
        # intercepted it, so the tokens it gave are revoked (RFC 6749 §4.1.2).
        services.code_replay(client=client, code=code)
        return False

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if not super().validate_refresh_token(
            refresh_token, client, request, *args, **kwargs
        ):
            return False
        # Someone deactivated or moved out of the app's units since signing in.
        return selectors.user_may_sign_in(user=request.user, client=client)
