"""Query-parameter filters that refuse values the database cannot hold.

django-filter's NumberFilter accepts any decimal (`1e40`, `-2.5e-309`), which the
database then rejects with a 500. These accept whole numbers in range only, so a
bad value is a 400 on the API (and is dropped on the pages that ignore invalid
filters).
"""

import django_filters
import django_filters.widgets
from django import forms
from django.core.exceptions import ValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

# Primary keys are BigAutoField: signed 64-bit on SQLite and PostgreSQL.
MAX_ID = 2**63 - 1


@extend_schema_field(
    {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}
)
class IdFilter(django_filters.NumberFilter):
    """A primary-key (or foreign-key) value: a whole number from 1 to MAX_ID."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer"})
class YearFilter(django_filters.NumberFilter):
    """A calendar year a date can have (1..9999); `__year` lookups fail outside."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


def query_int(value, *, low: int = 1, high: int = MAX_ID, default=None):
    """A whole number from a query string for the pages and plain API views, or
    `default` for anything else: "²" passes str.isdigit() but not int(), and 1e23
    overflows the database."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def filter_apply(filterset_class, queryset, data, *, strict: bool = True, **kwargs):
    """Apply a FilterSet to `queryset`: the one way lists are filtered.

    Selectors call this with the request's query parameters. `strict` (the API)
    raises a ValidationError naming each bad parameter (a 400); otherwise (the
    pages) a value that does not validate is ignored and the other filters apply.
    """
    if not data:
        return queryset
    filterset = filterset_class(data=data, queryset=queryset, **kwargs)
    if filterset.is_valid():
        return filterset.qs
    if strict:
        raise ValidationError(
            {
                name: [str(m) for m in errors]
                for name, errors in filterset.errors.items()
            }
        )
    usable = data.copy()
    for name in filterset.errors:
        usable.pop(name, None)
    return filterset_class(data=usable, queryset=queryset, **kwargs).qs


class SelectorFilterBackend(DjangoFilterBackend):
    """Documents a view's `filterset_class` in the OpenAPI schema but filters
    nothing: the view's selector applies the FilterSet (see filter_apply)."""

    def filter_queryset(self, request, queryset, view):
        return queryset


def filter_values(filterset_class, data) -> dict | None:
    """The filters `data` applies (name: cleaned value, empty ones left out),
    or None when a value does not validate: for a selector deciding whether a
    stored count answers the filtered list."""
    if not data:
        return {}
    form = filterset_class(data=data, queryset=None).form
    if not form.is_valid():
        return None
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if value not in (None, "") and str(value).strip()
    }


def filter_invalid(filterset_class, data) -> list[str]:
    """The parameters a page ignored because their values do not validate."""
    if not data:
        return []
    return list(filterset_class(data=data, queryset=None).errors)


class _FlagWidget(django_filters.widgets.BooleanWidget):
    """true/false, 1/0, yes/no and a checked checkbox's "on"; anything else is
    no filter."""

    VALUES = {"1": True, "true": True, "yes": True, "on": True}
    VALUES |= {"0": False, "false": False, "no": False}

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, bool):
            return value
        return self.VALUES.get(str(value).lower()) if value is not None else None


class FlagFilter(django_filters.BooleanFilter):
    """A yes/no query parameter (see _FlagWidget)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _FlagWidget())
        super().__init__(*args, **kwargs)


class IdOrNothingFilter(django_filters.CharFilter):
    """An id where a value that is no id (`abc`, `1e23`) matches nothing rather
    than being a 400: the notices API has always answered so."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        number = query_int(value)
        if number is None:
            return qs.none()
        return qs.filter(**{self.field_name: number})
