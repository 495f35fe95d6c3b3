from django.urls import path

from warkat.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("<id:seq>/", views.event_detail, name="event_detail"),
    path("verifikasi/", views.chain_verify, name="verify"),
]
