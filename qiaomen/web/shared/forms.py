"""Form parts that pages of more than one area use: several photos in one input (visits and
tickets), and the sub-category choice (a visit's demands, ticket entry, the classifier's review)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

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
