from django.urls import path

from warkat.letters import correct_views, page_views, views

app_name = "letters"

urlpatterns = [
    path("masuk/", views.inbox, name="inbox"),
    path("masuk/catat/", views.register, name="register"),
    path("masuk/catat/jabatan/", views.positions_for_unit, name="positions"),
    path("masuk/catat/klasifikasi/", views.classification_picker, name="codes"),
    path("masuk/agenda/", views.registry, name="registry"),
    path("masuk/agenda/unduh/", views.agenda_download, name="agenda_download"),
    path("<id:letter_id>/", views.detail, name="detail"),
    path("<id:letter_id>/berkas/<id:file_id>/", views.letter_file, name="file"),
    path(
        "<id:letter_id>/berkas/<id:file_id>/halaman/<id:number>.jpg",
        page_views.file_page,
        name="file_page",
    ),
    path(
        "<id:letter_id>/berkas/<id:file_id>/halaman/<id:number>-kecil.jpg",
        page_views.file_page,
        {"narrow": True},
        name="file_page_narrow",
    ),
    path("<id:letter_id>/tanda-terima.<str:fmt>", views.receipt, name="receipt"),
    path("<id:letter_id>/selesai/", views.done, name="done"),
    path("<id:letter_id>/koreksi/", correct_views.correct, name="correct"),
    path("<id:letter_id>/kembalikan/", correct_views.return_to_tu, name="return"),
    path("<id:letter_id>/deklasifikasi/", correct_views.declassify, name="declassify"),
]
