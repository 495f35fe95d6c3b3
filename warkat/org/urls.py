"""Organisation pages under /organisasi/."""

from django.urls import path

from warkat.org import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("unit/baru/", views.unit_create, name="unit_create"),
    path("unit/<id:pk>/", views.unit_detail, name="unit"),
    path("unit/<id:pk>/anak/", views.unit_children, name="unit_children"),
    path("unit/<id:pk>/ubah/", views.unit_edit, name="unit_edit"),
    path("unit/<id:pk>/nonaktifkan/", views.unit_deactivate, name="unit_deactivate"),
    path("jabatan/baru/", views.position_create, name="position_create"),
    path("jabatan/<id:pk>/", views.position_detail, name="position"),
    path("jabatan/<id:pk>/ubah/", views.position_edit, name="position_edit"),
    path("pegawai/", views.people, name="people"),
    path("pegawai/baru/", views.person_create, name="person_create"),
    path("pegawai/<id:pk>/", views.person_detail, name="person"),
    path("pegawai/<id:pk>/ubah/", views.person_edit, name="person_edit"),
    path("penugasan/baru/", views.assignment_create, name="assignment_create"),
    path("penugasan/<id:pk>/akhiri/", views.assignment_end, name="assignment_end"),
    path("impor/", views.import_index, name="import_index"),
    path("impor/<str:kind>/", views.import_upload, name="import_upload"),
    path("impor/<str:kind>/konfirmasi/", views.import_confirm, name="import_confirm"),
    path(
        "impor/<str:kind>/templat.<str:fmt>",
        views.import_template,
        name="import_template",
    ),
]
