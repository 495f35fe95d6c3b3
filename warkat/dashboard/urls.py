from django.urls import path

from warkat.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("unit/<int:unit_id>/", views.unit_page, name="unit"),
    path("jabatan/<int:position_id>/", views.position_page, name="position"),
    path("dinding/", views.wall_page, name="wall"),
    path("adopsi/", views.adoption_page, name="adoption"),
    path("kinerja/", views.kinerja_page, name="kinerja"),
    path(
        "kinerja/unit/<int:unit_id>/unduh/", views.kinerja_export, name="kinerja_export"
    ),
]
