"""Widgets every app's forms share.

`DateInput` is the one date widget: an `<input type="date">` whose value is
always ISO (`YYYY-MM-DD`). Django's plain DateInput formats the value with the
active locale's first DATE_INPUT_FORMAT, which under zh-hans is `2026/11/30`;
browsers discard that as invalid and then refuse to submit a required field.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


class _TypeaheadMixin:
    """A department <select> that does not carry thousands of options.

    With at most `short_list` choices it is a plain select (works without
    JavaScript). With more, only the selected options are rendered and
    static/js/zhigui-typeahead.js puts a search box before it that asks
    `data-typeahead` (?q=, a few results) and adds the pick to the select, so
    the form still posts ids and the field validates them as before.
    """

    short_list = 200
    search_url = "responsibilities:department_search"

    def optgroups(self, name, value, attrs=None):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        # One query: up to one more than the short list (not a COUNT, then an
        # iterator's server-side cursor for the options).
        rows = list(queryset[: self.short_list + 1])
        if len(rows) <= self.short_list:
            full = self.choices
            label = getattr(getattr(full, "field", None), "empty_label", None)
            empty = [("", label)] if label is not None else []
            self.choices = empty + [full.choice(obj) for obj in rows]
            try:
                return super().optgroups(name, value, attrs)
            finally:
                self.choices = full
        from django.urls import reverse

        self.attrs["data-typeahead"] = reverse(self.search_url)
        ids = [v for v in value if v not in ("", None)]
        chosen = [
            (obj.pk, str(obj))
            for obj in queryset.filter(pk__in=[i for i in ids if str(i).isdigit()])
        ]
        full = self.choices
        label = getattr(getattr(full, "field", None), "empty_label", None)
        empty = [] if label is None or self.allow_multiple_selected else [("", label)]
        self.choices = empty + chosen
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = full

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if "data-typeahead" in self.attrs:
            context["widget"]["attrs"]["data-typeahead"] = self.attrs["data-typeahead"]
        return context


class DepartmentSelect(_TypeaheadMixin, forms.Select):
    pass


class DepartmentSelectMultiple(_TypeaheadMixin, forms.SelectMultiple):
    pass


def department_filter(
    *, queryset, value, name: str = "department", empty: str = "全部", **attrs
) -> str:
    """A list page's department filter as HTML: a DepartmentSelect (`empty` first)
    for `queryset`, with `value` (the query parameter) chosen.

    The same markup as DepartmentSelect renders (every option up to its short
    list, else the chosen one and `data-typeahead`), written here in one pass
    and one query: the widget's per-option templates cost more than the rest
    of a list page."""
    value = "" if value is None else str(value)
    short = DepartmentSelect.short_list
    departments = list(queryset[: short + 1])
    if len(departments) > short:
        from django.urls import reverse

        attrs["data-typeahead"] = reverse(DepartmentSelect.search_url)
        departments = list(queryset.filter(pk=value)) if value.isdigit() else []
    options = [("", empty)] + [(str(d.pk), str(d)) for d in departments]
    return format_html(
        "<select{}>\n{}\n</select>",
        flatatt({"name": name, **attrs}),
        format_html_join(
            "\n",
            '  <option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if key == value else "", label)
                for key, label in options
            ),
        ),
    )
