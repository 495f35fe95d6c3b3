from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "warkat.attendance"
    label = "attendance"
