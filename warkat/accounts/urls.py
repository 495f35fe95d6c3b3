from django.urls import include, path

from warkat.accounts import service_views, views

# No namespace: allauth reverses its own names (``account_login`` …) unqualified.
urlpatterns = [
    path("pengguna/", views.user_list, name="accounts-user-list"),
    path("pengguna/baru/", views.user_create, name="accounts-user-create"),
    path("pengguna/<id:user_id>/", views.user_detail, name="accounts-user-detail"),
    path(
        "pengguna/<id:user_id>/reset-sandi/",
        views.user_reset_password,
        name="accounts-user-reset",
    ),
    path(
        "pengguna/<id:user_id>/buka-kunci/",
        views.user_unlock,
        name="accounts-user-unlock",
    ),
    path(
        "pengguna/<id:user_id>/status/",
        views.user_set_active,
        name="accounts-user-active",
    ),
    path("layanan/", service_views.service_account_list, name="accounts-service-list"),
    path(
        "layanan/baru/",
        service_views.service_account_create,
        name="accounts-service-create",
    ),
    path(
        "layanan/<id:account_id>/",
        service_views.service_account_detail,
        name="accounts-service-detail",
    ),
    path(
        "layanan/<id:account_id>/token/",
        service_views.service_token_create,
        name="accounts-service-token",
    ),
    path(
        "layanan/<id:account_id>/rotasi/",
        service_views.service_token_rotate,
        name="accounts-service-rotate",
    ),
    path(
        "layanan/<id:account_id>/token/<id:token_id>/cabut/",
        service_views.service_token_revoke,
        name="accounts-service-revoke",
    ),
    path(
        "layanan/<id:account_id>/nonaktif/",
        service_views.service_account_disable,
        name="accounts-service-disable",
    ),
    # allauth's sign-in page, answering 429 when accounts.throttle refuses.
    path("login/", views.login, name="account_login"),
    path("", include("allauth.urls")),
]
