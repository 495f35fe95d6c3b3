from django.urls import path

from warkat.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("baru/", views.endpoint_new, name="create"),
    path("host-internal/", views.internal_hosts_save, name="settings"),
    path("<id:endpoint_id>/", views.endpoint_detail, name="detail"),
    path("<id:endpoint_id>/ubah/", views.endpoint_edit, name="edit"),
    path("<id:endpoint_id>/status/", views.endpoint_active, name="active"),
    path("<id:endpoint_id>/ganti-rahasia/", views.endpoint_rotate, name="rotate"),
    path("pengiriman/<id:delivery_id>/", views.delivery_detail, name="delivery"),
    path("pengiriman/<id:delivery_id>/ulang/", views.delivery_replay, name="replay"),
]
