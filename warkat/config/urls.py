from django.urls import include, path, re_path
from django.views.i18n import set_language

from warkat.api.base import api_not_found
from warkat.api.urls import api
from warkat.sso.urls import admin_patterns as sso_admin
from warkat.sso.urls import oidc_patterns as sso_oidc

handler500 = "warkat.core.outage.server_error"

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("akun/", include("warkat.accounts.urls")),
    path("organisasi/", include("warkat.org.urls")),
    path("audit/", include("warkat.audit.urls")),
    path("surat/", include("warkat.letters.urls")),
    path("cari/", include("warkat.search.urls")),
    path("disposisi/", include("warkat.dispositions.urls")),
    path("teks/", include("warkat.ocr.urls")),
    path("naskah/", include("warkat.drafting.urls")),
    path("dasbor/", include("warkat.dashboard.urls")),
    path("absen/", include("warkat.attendance.urls")),
    path("arsip/", include("warkat.archive.urls")),
    path("surat-luar/", include("warkat.intake.urls")),
    # OpenID Connect provider for the SKPD apps; issuer = <base>/sso
    path("sso/", include(sso_oidc)),
    path("aplikasi-sso/", include(sso_admin)),
    path("webhook/", include("warkat.webhooks.urls")),
    path("", include("warkat.notify.urls")),
    path("", include("warkat.signing.urls")),
    path("", include("warkat.core.urls")),
]
