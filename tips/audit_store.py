"""Where tip audit entries are written: ``TipAuditEntry``, not Wagtail's log, so
the trail never appears in Wagtail's site history or an object's history."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import TipAuditEntry


def write(instance, action: str, *, user=None, data: dict | None = None):
    return TipAuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        label=str(instance)[:255],
        action=action,
        data=data or {},
        user=user if user is not None and getattr(user, "pk", None) else None,
        timestamp=timezone.now(),
    )


def write_many(instances, action: str, *, user):
    now = timezone.now()
    return TipAuditEntry.objects.bulk_create(
        TipAuditEntry(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=str(instance.pk),
            label=str(instance)[:255],
            action=action,
            data={},
            user=user if user is not None and getattr(user, "pk", None) else None,
            timestamp=now,
        )
        for instance in instances
    )
