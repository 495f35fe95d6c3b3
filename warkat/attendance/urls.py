from django.urls import path

from warkat.attendance import bulk_views, roster_views, views

app_name = "attendance"

urlpatterns = [
    path("", views.checkin_page, name="checkin"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("papan/", views.board_page, name="board"),
    path("tinjau/", views.review_page, name="review"),
    path("swafoto/<id:record_id>/", views.selfie_view, name="selfie"),
    path("rekap/", views.recap_page, name="recap"),
    path("permohonan/", views.requests_page, name="requests"),
    path(
        "permohonan/dokumen/<id:document_id>/",
        views.document_download,
        name="document",
    ),
    path("jadwal-shift/", roster_views.roster_page, name="roster"),
    path("koreksi-massal/", bulk_views.bulk_page, name="bulk"),
    path(
        "permohonan/<id:request_id>/<str:action>/",
        views.request_action,
        name="request_action",
    ),
]
