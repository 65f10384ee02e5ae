"""Forms of the visit pages. They parse what the phone or the browser sent; every rule (which
answers are required, when a refusal needs a reason, what a photo must be) is checked by the
visits services, whose errors are put back on the field they concern."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiaomen.core.errors import DomainError
from qiaomen.places.models import Building, Community, Grid
from qiaomen.registry.models import HouseholdStatus
from qiaomen.visits.models import Outcome, PolicyTopic, VisitType
from qiaomen.visits.recording import MAX_DEMAND_TEXT, MAX_DEMANDS, DemandInput
from qiaomen.web.shared.forms import MultipleImageField

QUESTION_PREFIX = "q_"
NOTES_MAX = 2000
# Which field a domain error belongs to; any other error is shown above the form.
ERROR_FIELDS = {
    "outcome_invalid": "outcome",
    "refused_reason_required": "refused_reason",
    "photo_type": "photos",
    "photo_too_large": "photos",
    "too_many_photos": "photos",
}


class WorkListForm(forms.Form):
    """?grid= picks one grid's list; ?lat=&lng= start the walk at the worker's position."""

    grid = forms.IntegerField(required=False, min_value=1)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)

    def start(self) -> tuple[float, float] | None:
        lat, lng = self.cleaned_data.get("lat"), self.cleaned_data.get("lng")
        return (lat, lng) if lat is not None and lng is not None else None


def _question_field(question: dict[str, Any]) -> forms.Field:
    """A field for one question of a visit type. It is never required here: answers are required
    only when the household was met, which the service decides; the page marks them."""
    kind = question.get("type")
    label = question.get("label", question["code"])
    # visits.js reads these to send the answers in the API's shape when the visit waits offline.
    attrs = {"data-answer": question["code"], "data-answer-type": kind}
    if kind == "choice":
        choices = [(choice, choice) for choice in question.get("choices", [])]
        return forms.ChoiceField(label=label, choices=choices, required=False, widget=forms.RadioSelect(attrs=attrs))
    if kind == "boolean":
        return forms.TypedChoiceField(
            label=label,
            choices=[("true", _("Yes")), ("false", _("No"))],
            coerce=lambda value: value == "true",
            empty_value=None,
            required=False,
            widget=forms.RadioSelect(attrs=attrs),
        )
    if kind == "number":
        return forms.FloatField(
            label=label, required=False, widget=forms.NumberInput(attrs={**attrs, "inputmode": "decimal"})
        )
    # Text, and a type the service does not know (it says so when an answer is given).
    return forms.CharField(
        label=label, required=False, max_length=1000, widget=forms.Textarea(attrs={**attrs, "rows": 2})
    )


class VisitForm(forms.Form):
    # Made by the server when the form is first shown: submitting the page twice records once.
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    # Filled by visits.js: the phone's time with its offset, and the check-in position.
    visited_at = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect(attrs={"data-outcome": True})
    )
    refused_reason = forms.CharField(label=_("Reason for refusal"), required=False, max_length=200)
    policies = forms.MultipleChoiceField(
        label=_("Policies explained"), required=False, widget=forms.CheckboxSelectMultiple
    )
    resolved_on_spot = forms.BooleanField(label=_("Resolved on the spot"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleImageField(label=_("Photos"), required=False)

    def __init__(self, *args: Any, visit_type: VisitType | None, policies: list[PolicyTopic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = visit_type.questions if visit_type is not None else []
        for question in self.questions:
            self.fields[QUESTION_PREFIX + question["code"]] = _question_field(question)
        self.fields["policies"].choices = [(policy.code, policy.name) for policy in policies]  # type: ignore[attr-defined]

    def question_fields(self) -> list[tuple[forms.BoundField, bool]]:
        """(field, required when the household is met) in the visit type's order."""
        return [
            (self[QUESTION_PREFIX + question["code"]], bool(question.get("required"))) for question in self.questions
        ]

    def clean_visited_at(self) -> dt.datetime | None:
        """ISO 8601 as the phone wrote it; empty without JavaScript (the view then takes the
        server's time, as the page was sent at the door). A missing offset is the service's to refuse."""
        value = self.cleaned_data["visited_at"].strip()
        if not value:
            return None
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise forms.ValidationError(_("The time of the visit is not a valid date and time.")) from exc

    def answers(self) -> dict[str, Any]:
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(QUESTION_PREFIX + question["code"])
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # two people at home are 2, not 2.0
            if value is not None and value != "":
                answers[question["code"]] = value
        return answers

    def add_domain_error(self, error: DomainError) -> None:
        question = error.details.get("question")
        field = QUESTION_PREFIX + question if question else ERROR_FIELDS.get(error.code)
        self.add_error(field if field in self.fields else None, error.message)


class DemandForm(forms.Form):
    text = forms.CharField(
        label=_("Demand"), required=False, max_length=MAX_DEMAND_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    subcategory = forms.ChoiceField(label=_("Category"), required=False)
    resolved_on_spot = forms.BooleanField(label=_("Resolved on the spot"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subcategory"].choices = choices  # type: ignore[attr-defined]

    def demand(self) -> DemandInput | None:
        text = self.cleaned_data.get("text", "").strip()
        if not text:
            return None  # an empty row is a row the worker did not need
        return DemandInput(text, self.cleaned_data["resolved_on_spot"], self.cleaned_data["subcategory"])


DemandFormSet = forms.formset_factory(DemandForm, extra=3, max_num=MAX_DEMANDS, validate_max=True)
DEMANDS_PREFIX = "demands"


class VerificationForm(forms.Form):
    note = forms.CharField(label=_("What you found"), max_length=200)
    household_status = forms.ChoiceField(
        label=_("Household status"),
        required=False,
        choices=[("", _("Leave unchanged")), *HouseholdStatus.choices],
    )


class PlanForm(forms.Form):
    """One household (from its card), or every household of a building, a grid or a community.
    Buildings are offered within the chosen grid only, so a building of another grid is an
    invalid choice."""

    household = forms.IntegerField(required=False, widget=forms.HiddenInput)
    community: forms.ModelChoiceField[Community] = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.none(), required=False, empty_label="—"
    )
    grid: forms.ModelChoiceField[Grid] = forms.ModelChoiceField(
        label=_("Grid"), queryset=Grid.objects.none(), required=False, empty_label="—"
    )
    building: forms.ModelChoiceField[Building] = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False, empty_label=_("The whole grid")
    )
    planned_for = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    purpose = forms.CharField(label=_("Purpose"), max_length=200)

    def __init__(
        self,
        *args: Any,
        communities: Any,
        grids: Any,
        buildings: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        self.fields["grid"].queryset = grids  # type: ignore[attr-defined]
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]
        # Choosing a grid fetches its buildings (htmx); without JavaScript the whole grid is planned.
        self.fields["grid"].widget.attrs.update(
            {
                "hx-get": reverse("web:plan_buildings"),
                "hx-trigger": "change",
                "hx-target": f"#{self['building'].auto_id}",
                "hx-swap": "innerHTML",
            }
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not any(self.cleaned_data.get(name) for name in ("household", "building", "grid", "community")):
            raise forms.ValidationError(_("Choose a community, a grid or a building."))
        return self.cleaned_data


class PauseForm(forms.Form):
    communities: forms.ModelMultipleChoiceField[Community] = forms.ModelMultipleChoiceField(
        label=_("Communities"), queryset=Community.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    grids: forms.ModelMultipleChoiceField[Grid] = forms.ModelMultipleChoiceField(
        label=_("Grids"), queryset=Grid.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Reason"), max_length=200, widget=forms.TextInput(attrs={"placeholder": _("e.g. typhoon")})
    )

    def __init__(self, *args: Any, communities: Any, grids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = communities  # type: ignore[attr-defined]
        self.fields["grids"].queryset = grids  # type: ignore[attr-defined]
