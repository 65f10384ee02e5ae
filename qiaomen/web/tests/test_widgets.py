"""ManyOptionsSelect writes exactly the HTML that Django's select templates write."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils.safestring import mark_safe

from qiaomen.web.shared.widgets import ManyOptionsSelect

CHOICES: list[Any] = [
    ("", "全部网格"),
    (1, "和平一网格"),
    (2, '<b>"光明" & 二</b>'),
    ("x y", "空 格"),
    (4, mark_safe("<i>已转义</i>")),
]
GROUPED: list[Any] = [
    ("", "全部"),
    ("和平社区", [(1, "和平一网格"), (2, "和平二网格")]),
    ("<光明>", [(3, "光明一网格")]),
]
ATTRS = {"data-autosubmit": True, "disabled": False, "class": 'narrow "x"', "data-n": 3}


@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []])
@pytest.mark.parametrize("value", [None, "", 2, "2", "x y", 3])
@pytest.mark.parametrize("attrs", [None, ATTRS])
def test_the_html_is_djangos(choices: list[Any], value: object, attrs: dict[str, Any] | None) -> None:
    django_select = forms.Select(attrs=attrs, choices=choices)
    ours = ManyOptionsSelect(attrs=attrs, choices=choices)
    extra = {"id": "id_grid", "required": True}
    assert ours.render("grid", value, attrs=extra) == django_select.render("grid", value, attrs=extra)


def test_a_bound_model_choice_field_writes_the_same(small_street: Any) -> None:
    from qiaomen.places.models import Grid

    class Both(forms.Form):
        ours = forms.ModelChoiceField(queryset=Grid.objects.order_by("code"), widget=ManyOptionsSelect)
        django = forms.ModelChoiceField(queryset=Grid.objects.order_by("code"))

    form = Both({"ours": small_street.grid_b.pk, "django": small_street.grid_b.pk})
    assert str(form["ours"]).replace("ours", "FIELD") == str(form["django"]).replace("django", "FIELD")
    assert "selected" in str(form["ours"])


def _same_html(form: forms.Form) -> None:
    assert str(form["ours"]).replace("ours", "FIELD") == str(form["django"]).replace("django", "FIELD")


def test_the_many_options_field_lists_rows_as_django_lists_instances(small_street: Any) -> None:
    from qiaomen.accounts.places import grids_for_user
    from qiaomen.places.models import Building
    from qiaomen.registry.models import Tag
    from qiaomen.web.shared.widgets import ManyOptionsField

    grids = grids_for_user(small_street.users["street_admin"]).order_by("code")  # DISTINCT, ordered

    class Both(forms.Form):
        ours = ManyOptionsField(queryset=grids, required=False, empty_label="全部网格")
        django = forms.ModelChoiceField(queryset=grids, required=False, empty_label="全部网格")

    class Buildings(forms.Form):
        ours = ManyOptionsField(queryset=Building.objects.order_by("address_key"), label_column="address")
        django = forms.ModelChoiceField(queryset=Building.objects.order_by("address_key"))

    class Tags(forms.Form):
        ours = ManyOptionsField(queryset=Tag.objects.order_by("code"), to_field_name="code")
        django = forms.ModelChoiceField(queryset=Tag.objects.order_by("code"), to_field_name="code")

    tag = Tag.objects.order_by("code").last()
    assert tag is not None
    building = small_street.household_b.building
    for form in (
        Both(),
        Both({"ours": small_street.grid_b.pk, "django": small_street.grid_b.pk}),
        Both(initial={"ours": small_street.grid_a, "django": small_street.grid_a}),
        Buildings({"ours": building.pk, "django": building.pk}),
        Tags({"ours": tag.code, "django": tag.code}),
    ):
        _same_html(form)
    assert str(Both({"ours": small_street.grid_b.pk})["ours"]).count("selected") == 1
    chosen = Tags({"ours": tag.code, "django": tag.code})
    assert chosen.is_valid() and chosen.cleaned_data["ours"] == tag
    wrong = Both({"ours": 987654, "django": 987654})
    assert not wrong.is_valid() and wrong.errors["ours"] == wrong.errors["django"]
