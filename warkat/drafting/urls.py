"""URLs of the outgoing-letter pages (under /naskah/)."""

from django.urls import path

from warkat.drafting.views import batch, editor, letter, number_register, setup

app_name = "drafting"

urlpatterns = [
    path("", editor.drafts_list, name="list"),
    path("baru/", editor.draft_new, name="new"),
    path("penerima/", editor.recipient_picker, name="picker"),
    path("nomor/", number_register.register, name="register"),
    path("tandatangan/", batch.sign_batch, name="sign_batch"),
    path("tandatangan/<id:batch_id>/", batch.batch_report, name="batch"),
    path("pengaturan/", setup.settings_home, name="settings"),
    path("pengaturan/jenis/baru/", setup.naskah_type_edit, name="type_new"),
    path("pengaturan/jenis/<id:type_id>/", setup.naskah_type_edit, name="type_edit"),
    path("pengaturan/kop/<id:unit_id>/", setup.kop_edit, name="kop_edit"),
    path("<id:letter_id>/", letter.draft_detail, name="detail"),
    path("<id:letter_id>/ubah/", editor.draft_edit, name="edit"),
    path("<id:letter_id>/paraf/", letter.draft_chain, name="chain"),
    path("<id:letter_id>/banding/", letter.draft_compare, name="compare"),
    path("<id:letter_id>/surat.pdf", letter.draft_pdf_view, name="pdf"),
    path("<id:letter_id>/<str:action>/", letter.draft_act, name="act"),
    path(
        "<id:letter_id>/kirim-ulang/<id:delivery_id>/",
        letter.delivery_retry_view,
        name="retry",
    ),
]
