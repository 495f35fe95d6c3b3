from django.urls import path

from warkat.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<id:item_id>/", views.item_detail, name="item"),
    path("<id:item_id>/registrasi/", views.item_register, name="item-register"),
    path("<id:item_id>/kesampingkan/", views.item_discard_view, name="item-discard"),
    path("<id:item_id>/berkas/<id:file_id>/", views.item_file, name="item-file"),
    path("paket/impor/", views.package_import, name="package-import"),
    path("paket/ekspor/<id:letter_id>/", views.letter_export, name="letter-export"),
    path("kotak-surat/", views.mailboxes, name="mailboxes"),
]
