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
    path("pengaturan/jenis/<int:type_id>/", views.naskah_type_edit, name="type_edit"),
    path("pengaturan/kop/<int:unit_id>/", views.kop_edit, name="kop_edit"),
    path("<int:letter_id>/", views.draft_detail, name="detail"),
    path("<int:letter_id>/ubah/", views.draft_edit, name="edit"),
    path("<int:letter_id>/paraf/", views.draft_chain, name="chain"),
    path("<int:letter_id>/banding/", views.draft_compare, name="compare"),
    path("<int:letter_id>/surat.pdf", views.draft_pdf_view, name="pdf"),
    path("<int:letter_id>/<str:action>/", views.draft_act, name="act"),
    path(
        "<int:letter_id>/kirim-ulang/<int:delivery_id>/",
        views.delivery_retry_view,
        name="retry",
    ),
]
