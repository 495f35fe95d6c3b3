from django.urls import path

from warkat.ocr import views

app_name = "ocr"

urlpatterns = [
    path("surat/<id:letter_id>/", views.letter_texts, name="letter_texts"),
    path("<id:text_id>/berkas.pdf", views.searchable_pdf, name="searchable"),
    path("<id:text_id>/ulang/", views.retry, name="retry"),
]
