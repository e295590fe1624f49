"""The project's URLs plus the benchmark's plain reference form (bench settings only).

The plain form lives under ``/tip/`` so that it takes exactly the real form's path through
the shipped nginx locations (no proxy cache, no compression, unbuffered body, cookies passed)
and through the middleware (the page cache skips ``/tip/``): only the views differ.
"""

from django.urls import path

from mostwanted.urls import urlpatterns as project_urlpatterns

from .plain.views import plain_tip

PLAIN_PATH = "/tip/plain-reference/"

urlpatterns = [
    path(PLAIN_PATH.lstrip("/"), plain_tip, name="bench_plain_tip"),
    *project_urlpatterns,
]
