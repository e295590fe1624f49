"""Public tip-line URLs (inside i18n_patterns: /tip/..., /nl/tip/..., ...)."""

from django.urls import path

from . import cleaning_views, incident_views, receipt_views, resumable_views, views
from .followup import views as followup_views
from .padding import padded_pages

app_name = "tips"

urlpatterns = [
    # Success and refusal pages padded to one size bucket (the access log's byte count).
    path("tip/", padded_pages(views.submit), name="submit"),
    path("tip/appeal/<int:appeal_id>/", padded_pages(views.submit), name="submit_for_appeal"),
    # Incident appeals: photos and videos, resumable uploads (tus 1.0, tips/resumable.py).
    path(
        "tip/incident/<int:appeal_id>/",
        padded_pages(incident_views.incident_submit),
        name="incident",
    ),
    path("tip/upload/", resumable_views.collection, name="upload_collection"),
    path("tip/upload/<str:token>/", resumable_views.upload, name="upload"),
    path("tip/upload/<str:token>/clean/", cleaning_views.clean, name="upload_clean"),
    path("tip/receipt/", receipt_views.receipt_download, name="receipt_download"),
    path("tip/how-your-tip-is-protected/", views.protection, name="protection"),
    path("tip/follow-up/", padded_pages(followup_views.followup), name="followup"),
    path("tip/follow-up/answer/", padded_pages(followup_views.answer), name="followup_answer"),
    path("tip/follow-up/leave/", followup_views.leave, name="followup_leave"),
    path("tip/follow-up/delete/", followup_views.delete, name="followup_delete"),
    path("tip/follow-up/proof/", followup_views.proof_download, name="followup_proof"),
]
