from django.urls import path

from warkat.core import health, views

# GET/HEAD of these are answered by ``ops_endpoints.OpsEndpointsMiddleware`` before the
# rest of the stack; the routes give them names for reverse().
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
