"""The residents' forms: a demand on the QR page, the rating (five large stars, an optional comment)
and a request to see, correct or delete their personal information."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qiaomen.core.phone import PhoneError, parse_phone
from qiaomen.core.photos import MAX_PHOTO_BYTES
from qiaomen.registry.models import RightsKind
from qiaomen.tickets.rights.requests import MAX_TEXT as RIGHTS_MAX_TEXT
from qiaomen.tickets.services import MAX_DESCRIPTION


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResidentContactForm(forms.Form):
    """What every form that files a resident's demand asks besides the demand itself: a phone to
    call back, consent to keep health information, and the page load's id (a double tap or a
    resent form creates one ticket, not two)."""

    callback_phone = forms.CharField(
        label=_("Phone number to call you back (optional)"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    health_consent = forms.BooleanField(
        label=_(
            "I agree that health information in my demand (illness, medicines, mental health) is kept, "
            "only to handle this demand."
        ),
        required=False,
    )
    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    health_asked = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_callback_phone(self) -> str:
        raw = self.cleaned_data.get("callback_phone", "").strip()
        if not raw:
            return ""
        try:
            return parse_phone(raw)
        except PhoneError as exc:
            raise forms.ValidationError(exc.message) from exc


class DemandForm(ResidentContactForm):
    """A resident's demand on the QR page. The text's length, the photo's content and the health
    rules are the service's (resident_demand_submit); here only what the page itself must check."""

    text = forms.CharField(
        label=_("Your demand"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_DESCRIPTION}),
        error_messages={"required": _("Please write what you need."), "max_length": _("Please keep it shorter.")},
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_photo(self) -> bytes | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        # Refused before it is read into memory; the content itself is checked by photo_clean.
        if upload.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                _("The photo is too large (at most %(mb)d MB).") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)}
            )
        return upload.read()


class RightsForm(forms.Form):
    """A resident's request to see, correct or delete their personal information (PIPL arts.
    45-47). It only asks; staff check who is asking before anything is shown or changed."""

    kind = forms.ChoiceField(
        label=_("I would like to"),
        choices=RightsKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose what you would like to do.")},
    )
    text = forms.CharField(
        label=_("Anything staff should know, e.g. what to correct and how to reach you (optional)"),
        required=False,
        max_length=RIGHTS_MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": RIGHTS_MAX_TEXT}),
        error_messages={"max_length": _("Please keep it shorter.")},
    )
    submission_id = forms.UUIDField(widget=forms.HiddenInput)
