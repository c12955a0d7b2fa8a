"""Small template filters shared by every app's templates."""

import datetime

from django import template

from config.widgets import ISO_DATE

register = template.Library()


@register.filter
def iso_date(value):
    """A date as `<input type="date">` needs it (YYYY-MM-DD); a typed string
    (a bound form's raw data) is kept as typed; None becomes ''."""
    if isinstance(value, datetime.date):
        return value.strftime(ISO_DATE)
    return "" if value is None else value
