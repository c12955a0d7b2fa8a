"""Widgets every app's forms share.

`DateInput` is the one date widget: an `<input type="date">` whose value is
always ISO (`YYYY-MM-DD`). Django's plain DateInput formats the value with the
active locale's first DATE_INPUT_FORMAT, which under zh-hans is `2026/11/30`;
browsers discard that as invalid and then refuse to submit a required field.
"""

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_DATE)


class BootstrapStyle:
    """Form mixin: `_style()` gives every field Bootstrap's input class."""

    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)
