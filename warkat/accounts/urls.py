from django.urls import include, path

from warkat.accounts import views

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
    path("", include("allauth.urls")),
]
