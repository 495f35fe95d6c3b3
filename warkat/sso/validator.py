"""Warkat's rules inside django-oauth-toolkit's request validator: claims by scope,
the audit of each sign-in, a refused refresh for someone no longer allowed, and the
revocation of the tokens of an authorization code presented twice."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from oauth2_provider.models import get_refresh_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from warkat.sso import selectors, services

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


class WarkatValidator(OAuth2Validator):
    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return selectors.user_claims(user=request.user)

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Any) -> dict[str, Any]:
        granted = set(request.scopes or [])
        return {
            name: value
            for name, value in self.get_claim_dict(request).items()
            if CLAIM_SCOPES.get(name, frozenset()) & granted
        }

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(CLAIM_SCOPES)

    def save_authorization_code(
        self, client_id: str, code: dict[str, Any], request: Any, *args: Any, **kwargs: Any
    ) -> None:
        with transaction.atomic():
            super().save_authorization_code(client_id, code, request, *args, **kwargs)
            services.sign_in_record(
                user=request.user, client=request.client, scopes=list(request.scopes)
            )

    def _save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
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
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
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
