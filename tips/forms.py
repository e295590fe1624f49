"""The public tip form: text fields with size caps, the honeypot and the form token.

Photos are not a form field here: they arrive through the encrypting upload handler and are
checked and sanitised by the view. This module also holds the citizen-facing messages for
every refusal, so the wording lives in one place.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core import validators
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import antispam, sanitize

#: C0 control characters other than tab, new line and carriage return, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def max_text_chars() -> int:
    return int(settings.TIP_MAX_TEXT_CHARS)


class TipTextField(forms.CharField):
    """A CharField that drops control characters (NUL included) instead of refusing them.

    Invalid UTF-8 has already become U+FFFD when Django decoded the request: the text is
    kept, a replacement character marks the damaged spot.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return _CONTROL.sub("", value) if value else value


class TipForm(forms.Form):
    what = TipTextField(
        label=_("What did you see, or what do you know?"),
        help_text=_(
            "Describe what you saw or know, in your own words. Any detail can help: "
            "clothes, vehicle, people with the person, direction they went."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "data-counter": "true"}),
        error_messages={"required": _("Please write what you saw or know.")},
    )
    when_date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Please enter a date such as 2025-05-31, or leave it empty.")},
    )
    when_time = forms.TimeField(
        label=_("Time (approximate)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Please enter a time such as 14:30, or leave it empty.")},
    )
    place = TipTextField(
        label=_("Where?"),
        help_text=_("A town, street, shop, station, road… as precise as you can."),
        required=False,
        max_length=500,
    )
    how_known = TipTextField(
        label=_("How do you know this?"),
        help_text=_("For example: I saw the person myself, someone told me, I read it online."),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3, "data-counter": "true"}),
    )
    seeing_now = forms.BooleanField(
        label=_("I am seeing this person right now"),
        help_text=_("Your tip will be marked urgent. If there is danger, call 112 first."),
        required=False,
    )
    contact = TipTextField(
        label=_("Your contact details (optional)"),
        help_text=_(
            "Only if you want investigators to be able to contact you. Giving your name, "
            "telephone number or e-mail address means your tip is no longer anonymous."
        ),
        required=False,
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=500,
        widget=forms.TextInput(
            attrs={"tabindex": "-1", "autocomplete": "off", "class": "hp-input"}
        ),
    )
    form_token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The appeal's own questions (tips.questions), asked after the standard fields.
        from .questions import add_fields  # cycle: questions imports these forms

        self.question_specs = list(questions)
        add_fields(self, self.question_specs)
        # The cap is a setting, read per form so it can change without a restart in tests.
        what = self.fields["what"]
        what.max_length = max_text_chars()
        what.validators = [
            v for v in what.validators if not isinstance(v, validators.MaxLengthValidator)
        ] + [validators.MaxLengthValidator(what.max_length)]
        what.widget.attrs["maxlength"] = str(what.max_length)

    # --- Kinds of appeal: a missing person's form asks first when and where the
    # person was seen. The answers are the sealed "when_date", "when_time" and "place".
    seen_first = False
    #: An incident appeal's form (an event: an attack, a riot), not a person's.
    about_incident = False

    def adapt_to_appeal(self, appeal) -> TipForm:
        kind = getattr(appeal, "kind", "")
        if kind == "incident":
            self.about_incident = True
            # "I am seeing this person right now" has no meaning for an event: an incident
            # still going on is a 112 call (the banner says so), not a tip marked urgent.
            self.fields.pop("seeing_now", None)
            self.fields["what"].help_text = _(
                "Describe what happened, in your own words: what you saw or filmed, what the "
                "people involved did and wore, vehicles, which way they went."
            )
            self.fields["how_known"].help_text = _(
                "For example: I was there and filmed it, someone sent me the file, I found it "
                "online."
            )
        if kind == "missing":
            self.seen_first = True
            self.fields["when_date"].label = _("Date you last saw this person")
            self.fields["when_time"].label = _("Time (approximate)")
            self.fields["place"].label = _("Where did you see this person?")
            self.fields["place"].help_text = _(
                "A town, street, shop, station, road… as precise as you can. Which way were "
                "they going?"
            )
        return self

    def fields_for_sealing(self) -> dict[str, str]:
        """The free-text content of a valid form, as strings, for the sealed tip document."""
        data = self.cleaned_data
        return {
            "what": data["what"],
            "when_date": data["when_date"].isoformat() if data.get("when_date") else "",
            "when_time": data["when_time"].strftime("%H:%M") if data.get("when_time") else "",
            "place": data.get("place", ""),
            "how_known": data.get("how_known", ""),
            "contact": data.get("contact", ""),
        }

    def question_fields(self) -> list:
        from .questions import bound_fields  # cycle (see __init__)

        return bound_fields(self, self.question_specs)

    def answers_for_sealing(self) -> list[dict]:
        from .questions import answers_for_sealing  # cycle (see __init__)

        return answers_for_sealing(self, self.question_specs)


# --- Messages for refusals (one place; every one says what to do next).

PHOTOS_NOT_KEPT = _(
    "For your safety, photos are never kept when the form is shown again: "
    "please attach them again before sending."
)


def attachment_error_messages(refused) -> list[str]:
    """One message per ``(file name, code)`` pair: ``request.tip_upload_errors`` or
    ``uploads.stage_photos``'s ``PhotoBatch.refused``."""
    return [attachment_error_message(name, code) for name, code in refused]


def attachment_error_message(name: str, code: str) -> str:
    """A translated message naming the file ``name`` and why it was refused."""
    limits = upload_limits()
    messages = {
        sanitize.UNSUPPORTED_TYPE: _(
            "“%(name)s” is not a photo in a format we accept (JPEG, PNG, WebP or HEIC). "
            "It was not sent."
        ),
        sanitize.TOO_MANY_PIXELS: _(
            "“%(name)s” has too many pixels to be processed safely. "
            "Please send a smaller version (for example a screenshot of it)."
        ),
        sanitize.CORRUPT: _(
            "“%(name)s” could not be read as a photo: it may be damaged or incomplete. "
            "It was not sent."
        ),
        sanitize.EMPTY: _("“%(name)s” is empty. It was not sent."),
        sanitize.TOO_COMPLEX: _(
            "“%(name)s” is too complex to be processed safely (for example a progressive "
            "image with very many passes). It was not sent. Please send an ordinary photo "
            "or a screenshot of it."
        ),
        sanitize.PROCESSING_FAILED: _(
            "“%(name)s” could not be processed just now. It was not sent. "
            "Please try again in a few minutes."
        ),
        "file_too_large": _(
            "“%(name)s” is larger than %(size)s, the limit for one photo. It was not sent."
        ),
        "too_slow": _(
            "“%(name)s” was arriving too slowly and was not sent. Please send your tip again "
            "without photos, or with fewer or smaller ones."
        ),
        "too_many_files": _("“%(name)s” was not sent: a tip can have at most %(count)s photos."),
        "total_too_large": _(
            "“%(name)s” was not sent: all photos together can be at most %(total)s."
        ),
    }
    template = messages.get(code) or _("“%(name)s” could not be accepted. It was not sent.")
    return template % {
        "name": name or _("(no name)"),
        "size": filesizeformat(limits["file_bytes"]),
        "count": limits["files"],
        "total": filesizeformat(limits["total_bytes"]),
    }


def upload_limits() -> dict[str, int]:
    return {
        "files": int(settings.TIP_MAX_FILES),
        "file_bytes": int(settings.TIP_MAX_FILE_BYTES),
        "total_bytes": int(settings.TIP_MAX_TOTAL_BYTES),
    }


TOKEN_MESSAGES = {
    antispam.TokenStatus.MISSING: _(
        "This form could not be checked. Your text is kept below: please send it again."
    ),
    antispam.TokenStatus.INVALID: _(
        "This form could not be checked. Your text is kept below: please send it again."
    ),
    antispam.TokenStatus.EXPIRED: _(
        "This form was open for a long time and has expired. Your text is kept below: "
        "please check it and send it again."
    ),
    antispam.TokenStatus.TOO_FAST: _(
        "This form was sent very quickly after it was opened. Your text is kept below: "
        "please check it and send it again."
    ),
}

ONION_WAIT_MESSAGE = _(
    "On the onion service a tip can be sent %(seconds)s seconds after the form was opened, "
    "not sooner: this protects the tip line against automated floods without JavaScript. "
    "Your text is kept below: please wait a few seconds and send it again."
)


def onion_wait_message(seconds: float) -> str:
    return ONION_WAIT_MESSAGE % {"seconds": int(seconds)}


HONEYPOT_MESSAGE = _(
    "The field “Leave this field empty” was filled in, perhaps by your browser. "
    "It has been emptied: please send your tip again. Your text is kept below."
)
RATE_LIMITED_MESSAGE = _(
    "Too many tips have been sent from your connection or to the site in a short time. "
    "Your text is kept below: please wait a few minutes and send it again. "
    "If the person is in sight and there is danger, call 112."
)


def wait_text(seconds: int) -> str:
    """A wait in words: seconds under a minute, else whole minutes (rounded up)."""
    seconds = max(1, int(seconds))
    if seconds < 60:
        return ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}
    minutes = -(-seconds // 60)
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def rate_limited_message(wait_seconds: int) -> str:
    """This source has sent its budget of tips: the real wait until its window renews."""
    return _(
        "Too many tips have been sent from your connection in a short time. Your text is "
        "kept below: please send it again in %(wait)s. If the person is in sight and there "
        "is danger, call 112."
    ) % {"wait": wait_text(wait_seconds)}


def busy_message(wait_seconds: int, *, incident: bool = False) -> str:
    """The whole tip line is shedding load for a moment (``incident``: on an incident
    appeal's form, which speaks of an event, not of a person in sight)."""
    if incident:
        return _(
            "The tip line is receiving very many tips right now and yours was NOT sent yet. "
            "Your text is kept below: please send it again in %(wait)s. If it is happening "
            "now or someone is in danger, call 112."
        ) % {"wait": wait_text(wait_seconds)}
    return _(
        "The tip line is receiving very many tips right now and yours was NOT sent yet. "
        "Your text is kept below: please send it again in %(wait)s. If the person is in "
        "sight and there is danger, call 112."
    ) % {"wait": wait_text(wait_seconds)}


UNAVAILABLE_MESSAGE = _(
    "The tip line is temporarily unavailable and your tip was NOT sent. Your text is kept "
    "below: please try again in a few minutes. If the person is in sight and there is "
    "danger, call 112."
)
INCIDENT_UNAVAILABLE_MESSAGE = _(
    "The tip line is temporarily unavailable and your tip was NOT sent. Your text is kept "
    "below: please try again in a few minutes. If it is happening now or someone is in "
    "danger, call 112."
)
#: Seconds a 503 "unavailable" answer asks the client to wait (Retry-After).
RETRY_AFTER_SECONDS = 120
ALREADY_SENT_MESSAGE = _(
    "This tip has already been sent (perhaps the page was reloaded). Its receipt was shown "
    "once, on the page that confirmed it. To send another tip, use the form below."
)
TOO_LARGE_REQUEST_MESSAGE = _(
    "What you sent was too large to be received and your text could not be kept. "
    "Please write a shorter text and attach fewer or smaller photos."
)
UNREADABLE_REQUEST_MESSAGE = _(
    "What your browser sent could not be read (the sending was probably interrupted) and "
    "your text could not be kept. Please write it again and send it; if it happens again, "
    "attach fewer or smaller photos."
)
SESSION_EXPIRED_MESSAGE = _(
    "Your session expired for safety and your tip was NOT sent. Check your text below and "
    "send it again. If you attached photos, attach them again."
)


def error_count_message(count: int) -> str:
    return ngettext(
        "Your tip was not sent: %(count)s problem needs your attention.",
        "Your tip was not sent: %(count)s problems need your attention.",
        count,
    ) % {"count": count}
