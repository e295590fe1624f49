"""The project's URLs plus the benchmark's plain reference form (bench settings only)."""

from django.urls import path

from mostwanted.urls import urlpatterns as project_urlpatterns

from .plain.views import plain_tip

urlpatterns = [path("bench/plain-tip/", plain_tip, name="bench_plain_tip"), *project_urlpatterns]
