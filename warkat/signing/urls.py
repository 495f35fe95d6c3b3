"""Routes of the signing app: /verifikasi/, /pki/<tenant>/ and /tte/."""

from django.urls import path

from warkat.signing import views

app_name = "signing"

urlpatterns = [
    path("verifikasi/", views.verify_upload, name="verify-upload"),
    path("verifikasi/<str:code>", views.verify_page, name="verify"),
    path("pki/<slug:slug>/crl.der", views.pki_crl, name="pki-crl"),
    path("pki/<slug:slug>/root-crl.der", views.pki_root_crl, name="pki-root-crl"),
    path("pki/<slug:slug>/ca.der", views.pki_ca, name="pki-ca"),
    path("pki/<slug:slug>/root.der", views.pki_root, name="pki-root"),
    path("pki/<slug:slug>/ocsp", views.pki_ocsp, name="pki-ocsp"),
    path("pki/<slug:slug>/ocsp/<path:encoded>", views.pki_ocsp, name="pki-ocsp-get"),
    path("pki/<slug:slug>/tsa", views.pki_tsa, name="pki-tsa"),
    path("tte/sertifikat/", views.certificate_list, name="certificates"),
    path("tte/ca/", views.ca_create, name="ca-create"),
    path("tte/pengaturan/", views.settings_update, name="settings"),
    path("tte/bsre/", views.bsre_account, name="bsre-account"),
    path(
        "tte/sertifikat/<id:cert_id>/<str:action>/",
        views.certificate_action,
        name="certificate-action",
    ),
    path("tte/kunci/", views.key_request, name="key"),
]
