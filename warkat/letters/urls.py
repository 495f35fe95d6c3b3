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
    path("<int:letter_id>/", views.detail, name="detail"),
    path("<int:letter_id>/berkas/<int:file_id>/", views.letter_file, name="file"),
    path(
        "<int:letter_id>/berkas/<int:file_id>/halaman/<int:number>.jpg",
        page_views.file_page,
        name="file_page",
    ),
    path("<int:letter_id>/tanda-terima.<str:fmt>", views.receipt, name="receipt"),
    path("<int:letter_id>/selesai/", views.done, name="done"),
    path("<int:letter_id>/koreksi/", correct_views.correct, name="correct"),
    path("<int:letter_id>/kembalikan/", correct_views.return_to_tu, name="return"),
    path("<int:letter_id>/deklasifikasi/", correct_views.declassify, name="declassify"),
]
