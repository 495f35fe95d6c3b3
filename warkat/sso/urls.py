"""The OpenID Connect endpoints, under the namespace django-oauth-toolkit reverses
(``oauth2_provider``), and the admin pages of client apps (``sso``)."""

from django.urls import path, re_path

from warkat.sso import endpoints, views

oidc_patterns = (
    [
        path("authorize/", endpoints.AuthorizeView.as_view(), name="authorize"),
        path("token/", endpoints.TokenView.as_view(), name="token"),
        path("revoke_token/", endpoints.RevokeTokenView.as_view(), name="revoke-token"),
        path("introspect/", endpoints.IntrospectTokenView.as_view(), name="introspect"),
        path("userinfo/", endpoints.UserInfoView.as_view(), name="user-info"),
        path("logout/", endpoints.LogoutView.as_view(), name="rp-initiated-logout"),
        re_path(
            r"^\.well-known/openid-configuration/?$",
            endpoints.DiscoveryView.as_view(),
            name="oidc-connect-discovery-info",
        ),
        path(
            ".well-known/jwks.json", endpoints.JwksInfoView.as_view(), name="jwks-info"
        ),
    ],
    "oauth2_provider",
)

admin_patterns = (
    [
        path("", views.client_list, name="client-list"),
        path("baru/", views.client_create, name="client-create"),
        path("<id:client_pk>/", views.client_edit, name="client-edit"),
        path("<id:client_pk>/status/", views.client_set_active, name="client-active"),
        path(
            "<id:client_pk>/rahasia-baru/",
            views.client_rotate_secret,
            name="client-rotate-secret",
        ),
    ],
    "sso",
)
