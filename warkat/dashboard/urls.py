from django.urls import path

from warkat.dashboard import data_views, portal, views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("unit/<id:unit_id>/", views.unit_page, name="unit"),
    path("jabatan/<id:position_id>/", views.position_page, name="position"),
    path("dinding/", views.wall_page, name="wall"),
    path("adopsi/", views.adoption_page, name="adoption"),
    path("kinerja/", views.kinerja_page, name="kinerja"),
    path(
        "kinerja/unit/<id:unit_id>/unduh/", views.kinerja_export, name="kinerja_export"
    ),
    path("data/", data_views.data_page, name="data"),
    path("data/baru/", data_views.data_create, name="data_create"),
    path(
        "data/target/<id:target_id>/unggah/",
        data_views.data_upload,
        name="data_upload",
    ),
    path(
        "data/target/<id:target_id>/tinjau/",
        data_views.data_review,
        name="data_review",
    ),
    path(
        "data/dataset/<id:dataset_id>/tarik/",
        data_views.dataset_unpublish,
        name="dataset_unpublish",
    ),
    # Public, no sign-in: the tenant's open data portal.
    path("publik/<slug:slug>/", portal.portal_index, name="portal_index"),
    path("publik/<slug:slug>/katalog.json", portal.portal_feed, name="portal_feed"),
    path(
        "publik/<slug:slug>/<id:dataset_id>/",
        portal.portal_dataset,
        name="portal_dataset",
    ),
    path(
        "publik/<slug:slug>/<id:dataset_id>/<str:fmt>/",
        portal.portal_download,
        name="portal_download",
    ),
]
