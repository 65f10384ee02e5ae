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
