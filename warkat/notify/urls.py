from django.urls import path

from warkat.notify import views

app_name = "notify"

urlpatterns = [
    path("notifikasi/", views.notification_list, name="list"),
    path("notifikasi/<id:notification_id>/buka/", views.notification_open, name="open"),
    path("notifikasi/baca-semua/", views.notification_read_all, name="read_all"),
    path("sw.js", views.service_worker, name="service_worker"),
]
