"""The OpenID Connect server class: PKCE with S256 only (``plain`` is refused, as
OAuth 2.1 and the brief require; oauthlib offers both)."""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2.rfc6749.grant_types.authorization_code import (
    code_challenge_method_s256,
)
from oauthlib.openid import Server


class S256OnlyServer(Server):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        s256 = {"S256": code_challenge_method_s256}
        # The OpenID grant proxies to its own OAuth 2 grant: restrict both.
        for grant in (self.auth_grant, self.openid_connect_auth.proxy_target):
            grant._code_challenge_methods = s256
