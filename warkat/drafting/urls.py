"""URLs of the outgoing-letter pages (under /naskah/)."""

from django.urls import path

from warkat.drafting import views

app_name = "drafting"

urlpatterns = [
    path("", views.drafts_list, name="list"),
    path("baru/", views.draft_new, name="new"),
    path("penerima/", views.recipient_picker, name="picker"),
    path("nomor/", views.register, name="register"),
    path("pengaturan/", views.settings_home, name="settings"),
    path("pengaturan/jenis/baru/", views.naskah_type_edit, name="type_new"),
    path("pengaturan/jenis/<id:type_id>/", views.naskah_type_edit, name="type_edit"),
    path("pengaturan/kop/<id:unit_id>/", views.kop_edit, name="kop_edit"),
    path("<id:letter_id>/", views.draft_detail, name="detail"),
    path("<id:letter_id>/ubah/", views.draft_edit, name="edit"),
    path("<id:letter_id>/paraf/", views.draft_chain, name="chain"),
    path("<id:letter_id>/banding/", views.draft_compare, name="compare"),
    path("<id:letter_id>/surat.pdf", views.draft_pdf_view, name="pdf"),
    path("<id:letter_id>/<str:action>/", views.draft_act, name="act"),
    path(
        "<id:letter_id>/kirim-ulang/<id:delivery_id>/",
        views.delivery_retry_view,
        name="retry",
    ),
]
