"""Public tip-line URLs (inside i18n_patterns: /tip/..., /nl/tip/..., ...)."""

from django.urls import path

from . import views

app_name = "tips"

urlpatterns = [
    path("tip/", views.submit, name="submit"),
    path("tip/appeal/<int:appeal_id>/", views.submit, name="submit_for_appeal"),
    path("tip/receipt/", views.receipt_download, name="receipt_download"),
    path("tip/how-your-tip-is-protected/", views.protection, name="protection"),
    path("tip/follow-up/", views.followup, name="followup"),
]
