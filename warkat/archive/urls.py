from django.urls import path

from warkat.archive import views

app_name = "archive"

urlpatterns = [
    path("", views.index, name="index"),
    path("unit/<id:unit_id>/", views.unit_due, name="unit"),
    path("unit/<id:unit_id>/usul/", views.propose, name="propose"),
    path("daftar/<id:batch_id>/", views.batch_detail, name="batch"),
    path(
        "daftar/<id:batch_id>/berita-acara.pdf", views.berita_acara, name="berita_acara"
    ),
    path("daftar/<id:batch_id>/paket.zip", views.package, name="package"),
    path("daftar/<id:batch_id>/<slug:action>/", views.batch_act, name="batch_act"),
    path("penahanan/", views.holds_page, name="holds"),
    path("penahanan/<id:hold_id>/cabut/", views.hold_release_view, name="hold_release"),
    path("pengaturan/", views.settings_page, name="settings"),
]
