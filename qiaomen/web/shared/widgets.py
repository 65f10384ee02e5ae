"""A select of many options, written out in Python, and a model choice field that feeds it rows.

Django writes each option of a select through a template of its own (select_option.html with
attrs.html): about 45 µs an option here. A street admin's grid filter lists every grid of the
street, 625 at 250,000 households and about 2,500 at 1,000,000, and writing it was most of the
registry search page's time at 250,000 households (29 ms of process time for the select alone,
bench/city.py). This widget writes the same HTML as Django's templates, option for option, and
escapes as Django's `conditional_escape` does (html.escape of the text, quotes included; text
already marked safe as it is).

ManyOptionsField lists its choices from two columns of the rows (key and label) instead of a
model instance per option: 625 grids made into Grid objects, each wrapped for the widget, were
the other half of that select's time. It validates as Django's ModelChoiceField does.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import BaseRenderer
from django.utils.safestring import SafeString, mark_safe


def _text(value: Any) -> str:
    return str(value.__html__()) if hasattr(value, "__html__") else escape(str(value))


def _attributes(attrs: dict[str, Any]) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them: True as a bare name, False left out."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict[str, Any]) -> str:
    # The line break after it is the one select_option.html ends with.
    value, attributes, label = _text(option["value"]), _attributes(option["attrs"]), _text(option["label"])
    return f'\n  <option value="{value}"{attributes}>{label}</option>\n'


class ManyOptionsSelect(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = []
        for group_name, options, _index in widget["optgroups"]:
            written = "".join(_option(option) for option in options)
            parts.append(
                f'\n  <optgroup label="{_text(group_name)}">{written}\n  </optgroup>' if group_name else written
            )
        select = f'<select name="{_text(widget["name"])}"{_attributes(widget["attrs"])}>{"".join(parts)}\n</select>'
        return mark_safe(select)  # noqa: S308 (every value above is escaped)


class _RowChoiceIterator(ModelChoiceIterator):
    field: ManyOptionsField

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        key = self.field.to_field_name or "pk"
        yield from self.queryset.values_list(key, self.field.label_column)


class ManyOptionsField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ModelChoiceField whose options are (key, `label_column`) rows, written by
    ManyOptionsSelect. `label_column` must be the column the model's __str__ shows."""

    iterator = _RowChoiceIterator
    widget = ManyOptionsSelect

    def __init__(self, *args: Any, label_column: str = "name", **kwargs: Any) -> None:
        self.label_column = label_column
        super().__init__(*args, **kwargs)
