"""The OpenID Connect endpoints: django-oauth-toolkit's views with Warkat's rules.

- authorize runs as the signed-in user (allauth sign-in with TOTP where the account
  has it; the account gate sends signers without TOTP to set it up first), inside
  the user's tenant: another tenant's client is unknown there;
- the other endpoints are reached by apps, not people: they find the client or the
  token across tenants (``all_tenants``), then the client's tenant rules apply;
- a redirect back to an app is a small page that continues by itself: the CSP
  (``form-action 'self'``) would stop a form post from being redirected elsewhere.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import OAuthToolkitError
from oauthlib.oauth2.rfc6749.errors import AccessDeniedError

from warkat.sso import selectors, services
from warkat.sso.models import Client
from warkat.tenancy.scope import all_tenants


def continue_page(
    request: HttpRequest, redirect_to: str, application: Any
) -> HttpResponse:
    return render(
        request,
        "sso/continue.html",
        {"redirect_to": redirect_to, "application": application},
    )


class AcrossTenants:
    """Apps call these endpoints with a client id or a token, before any tenant is
    known (like the sign-in lookups): the lookup spans tenants, the validator then
    holds the client to its own tenant's people."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with all_tenants():
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class AuthorizeView(dot_views.AuthorizationView):
    template_name = "sso/authorize.html"
    _remembered = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and getattr(request, "tenant", None) is None:
            # An installation operator without a tenant signs in to no SKPD app.
            return render(request, "core/no_tenant.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def _client(self, client_id: str) -> Client | None:
        # The user's tenant scope is active: another tenant's client is not found.
        return Client.objects.filter(client_id=client_id).first()

    def _check_user(self, credentials: dict[str, Any]) -> None:
        client = self._client(credentials.get("client_id") or "")
        if client is None or not selectors.user_may_sign_in(
            user=self.request.user, client=client
        ):
            raise OAuthToolkitError(
                error=AccessDeniedError(
                    description="You may not sign in to this app.",
                    state=credentials.get("state"),
                ),
                redirect_uri=credentials.get("redirect_uri"),
            )

    def validate_authorization_request(self, request: HttpRequest) -> Any:
        scopes, credentials = super().validate_authorization_request(request)
        self._check_user(credentials)
        return scopes, credentials

    def create_authorization_response(
        self,
        request: HttpRequest,
        scopes: str,
        credentials: dict[str, Any],
        allow: bool,
    ) -> Any:
        if allow:
            self._check_user(credentials)
        return super().create_authorization_response(
            request=request, scopes=scopes, credentials=credentials, allow=allow
        )

    def render_to_response(
        self, context: dict[str, Any], **kwargs: Any
    ) -> HttpResponse:
        application = context.get("application")
        if (
            "error" not in context
            and isinstance(application, Client)
            and selectors.consent_covers(
                user=self.request.user, client=application, scopes=context["scopes"]
            )
        ):
            # Consent remembered for this client: submit the form on the user's behalf.
            form = self.get_form_class()(data={**self.get_initial(), "allow": True})
            if form.is_valid():
                self._remembered = True
                return self.form_valid(form)
        return super().render_to_response(context, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if form.cleaned_data.get("allow") and not self._remembered:
            client = self._client(form.cleaned_data["client_id"])
            if client is not None and "code=" in getattr(self, "success_url", ""):
                services.consent_grant(
                    user=self.request.user,
                    client=client,
                    scopes=form.cleaned_data["scope"].split(),
                )
        return response

    def redirect(self, redirect_to: str, application: Any) -> HttpResponse:
        super().redirect(redirect_to, application)  # checks the scheme
        return continue_page(self.request, redirect_to, application)


# Apps post to these with their credentials, not with a browser's cookies: no CSRF
# token (DOT exempts its own dispatch; ours replaces it, so it says so again).
@method_decorator(csrf_exempt, name="dispatch")
class TokenView(AcrossTenants, dot_views.TokenView):
    pass


@method_decorator(csrf_exempt, name="dispatch")
class RevokeTokenView(AcrossTenants, dot_views.RevokeTokenView):
    pass


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectTokenView(AcrossTenants, dot_views.IntrospectTokenView):
    pass


@method_decorator(csrf_exempt, name="dispatch")
class UserInfoView(AcrossTenants, dot_views.UserInfoView):
    pass


class JwksInfoView(dot_views.JwksInfoView):
    pass


class DiscoveryView(dot_views.ConnectDiscoveryInfoView):
    """DOT's discovery document, completed: only S256 for PKCE, the revocation
    endpoint (DOT leaves it out) and the scopes every app may ask for."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        data["code_challenge_methods_supported"] = ["S256"]
        data["grant_types_supported"] = ["authorization_code", "refresh_token"]
        data["revocation_endpoint"] = request.build_absolute_uri(
            reverse("oauth2_provider:revoke-token")
        )
        data["introspection_endpoint"] = request.build_absolute_uri(
            reverse("oauth2_provider:introspect")
        )
        out = JsonResponse(data)
        out["Access-Control-Allow-Origin"] = "*"
        return out


class LogoutView(AcrossTenants, dot_views.RPInitiatedLogoutView):
    template_name = "sso/logout_confirm.html"

    def do_logout(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().do_logout(*args, **kwargs)
        if self.request.method == "POST" and response.has_header("Location"):
            return continue_page(self.request, response["Location"], None)
        return response
