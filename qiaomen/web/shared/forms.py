"""Form parts that pages of more than one area use: several photos in one input (visits and
tickets), and the sub-category choice (a visit's demands, ticket entry, the classifier's review)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from qiaomen.core.errors import InvalidInput
from qiaomen.tickets.models import Subcategory


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos in one input (Django's documented pattern for `multiple`)."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"accept": "image/*", "capture": "environment", "multiple": True}
        kwargs.setdefault("widget", MultipleImageInput(attrs=attrs))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(item, initial) for item in files if item]


def subcategory_choices(subcategories: list[Subcategory]) -> list[tuple[str, Any]]:
    """Sub-categories grouped by category, after the choice to let the words decide."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for subcategory in subcategories:
        groups.setdefault(subcategory.category.name, []).append((subcategory.code, subcategory.name))
    return [("", _("Choose from the words")), *groups.items()]


def reveal_attempt(form: forms.Form, reveal: Callable[[dict[str, Any]], str]) -> tuple[str | None, int]:
    """A full value shown on request (the registry's unmask, an alarm's contacts): the value and
    200, or None and 422 with the form's or the service's reason for refusing in the form."""
    if not form.is_valid():
        return None, 422
    try:
        return reveal(form.cleaned_data), 200
    except InvalidInput as exc:
        form.add_error("reason", exc.message)
        return None, 422
