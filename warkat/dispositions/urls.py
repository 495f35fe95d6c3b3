from django.urls import path

from warkat.dispositions import settings_views, views

app_name = "dispositions"

urlpatterns = [
    path("pengaturan/", settings_views.settings_page, name="settings"),
    path("surat/<id:letter_id>/", views.dispose, name="dispose"),
    path("surat/<id:letter_id>/jabatan/", views.candidates, name="candidates"),
    path("surat/<id:letter_id>/lembar.pdf", views.sheet, name="sheet"),
    path("<id:disposition_id>/tindak-lanjut/", views.follow_up, name="follow_up"),
    path("<id:disposition_id>/<str:action>/", views.transition, name="transition"),
    path("berkas/<id:file_id>/", views.follow_up_file, name="file"),
]
