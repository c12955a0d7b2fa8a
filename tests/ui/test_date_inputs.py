"""Every date input renders ISO (YYYY-MM-DD): the one value `<input type="date">`
accepts. Under zh-hans Django's plain DateInput wrote `2026/11/30`, which the
browser discarded, so a required date could not be submitted."""

import datetime
import importlib
import inspect
import re

import pytest
from django import forms

from config.widgets import DateInput
from tests.factories import RegulationFactory

FORM_MODULES = [
    "regulations.forms",
    "responsibilities.forms",
    "workflows.forms",
    "notices.forms",
    "evaluation.forms",
]
DATE_INPUT = re.compile(r"<input[^>]*type=\"date\"[^>]*>")
VALUE = re.compile(r'value="([^"]*)"')
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _form_classes():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def date_input_values(html: str) -> list[str]:
    """The value of every `<input type="date">` on the page ('' when unset)."""
    values = []
    for tag in DATE_INPUT.findall(html):
        match = VALUE.search(tag)
        values.append(match.group(1) if match else "")
    return values


def test_forms_every_date_field_uses_the_iso_widget():
    # given every form class of every app
    offenders = []
    for cls in _form_classes():
        for name, field in cls.base_fields.items():
            # then each date field renders with config.widgets.DateInput
            if isinstance(field, forms.DateField) and not isinstance(
                field.widget, DateInput
            ):
                offenders.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert offenders == []


def test_date_input_widget_renders_iso_under_zh_hans():
    # given a date under the Chinese locale (its input format is 2026/11/30)
    widget = DateInput()
    # when rendered
    html = widget.render("d", datetime.date(2026, 11, 30))
    # then the value is ISO and the input is a date picker
    assert 'type="date"' in html
    assert 'value="2026-11-30"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/workflows/launch/",
        "/workflows/launch/bulk/",
        "/workflows/calendar/",
        "/supervision/inspections/new/",
        "/supervision/accountability/new/",
        "/notices/new/",
        "/regulations/new/",
    ],
)
def test_form_page_date_inputs_are_iso(client, office_user, dept_a, path):
    # given the office on a form page with a date input
    client.force_login(office_user)
    # when the page renders
    response = client.get(path)
    # then it has date inputs, each empty or ISO
    assert response.status_code == 200
    values = date_input_values(response.content.decode())
    assert values, f"{path} has no date input"
    assert [v for v in values if v and not ISO.match(v)] == []


@pytest.mark.django_db
def test_launch_page_prefills_today_in_iso(client, office_user):
    # given the office opens the launch form
    client.force_login(office_user)
    # when it renders
    html = client.get("/workflows/launch/").content.decode()
    # then 启动日期 is today's date, ISO, so the browser keeps it
    from django.utils import timezone

    assert date_input_values(html) == [timezone.localdate().isoformat()]


@pytest.mark.django_db
def test_regulation_edit_page_shows_stored_dates_in_iso(client, office_user):
    # given a regulation with a publication date
    regulation = RegulationFactory(published_on=datetime.date(2019, 8, 30))
    client.force_login(office_user)
    # when its edit form renders
    html = client.get(f"/regulations/{regulation.pk}/edit/").content.decode()
    # then the stored date is in the date input as ISO
    assert "2019-08-30" in date_input_values(html)
