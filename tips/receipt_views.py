"""The receipt page and the receipt as a file: shown once after a tip is stored (by the tip
form's view, tips.views, and the incident form's), downloaded from the code posted back."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import receipt_files, receipts
from .http import no_store


def _followup_url(request) -> str:
    return request.build_absolute_uri(reverse("tips:followup"))


def _render_receipt(request, receipt: str, *, urgent: bool, resent: bool = False):
    context = {
        "resent": resent,
        "receipt": receipt,
        "receipt_groups": receipt.split("-"),
        "urgent": urgent,
        "followup_url": _followup_url(request),
    }
    return no_store(render(request, "tips/receipt.html", context))


@require_POST
@sensitive_post_parameters()
@never_cache
@csrf_protect
def receipt_download(request):
    """The receipt as a text, PDF or PNG file, from the code posted back by the receipt page.

    Nothing is stored or logged; the response is an attachment that must not be cached.
    """
    fmt = request.POST.get("format", "txt")
    if fmt not in receipt_files.FORMATS:
        fmt = "txt"
    try:
        receipt = receipts.format_receipt(request.POST.get("receipt", "")[:100])
    except receipts.InvalidReceipt:
        response = HttpResponse(
            _("This is not a receipt code."), status=400, content_type="text/plain; charset=utf-8"
        )
        return no_store(response)
    content_type, extension = receipt_files.FORMATS[fmt]
    body = receipt_files.render(receipt, _followup_url(request), fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="tip-receipt.{extension}"'
    return no_store(response)
