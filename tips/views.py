"""Placeholder views: the tip-line work replaces them. URL names are the stable contract."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def submit(request, appeal_id=None):
    return HttpResponse("Tip form: coming with the tip-line work.", content_type="text/plain")


@never_cache
def protection(request):
    return HttpResponse("How your tip is protected.", content_type="text/plain")


@never_cache
def followup(request):
    return HttpResponse("Follow up on a tip.", content_type="text/plain")
