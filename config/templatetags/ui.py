"""Small template filters shared by every app's templates."""

import datetime

from django import template
from django.conf import settings
from django.utils.html import format_html

from config.widgets import ISO_DATE

register = template.Library()

LIGHT_TITLES = {"red": "红灯：已逾期", "yellow": "黄灯：即将到期"}


@register.simple_tag
def light(value):
    """workflows/_light.html as a tag: a long list's rows draw their light
    without an include each (the same markup)."""
    return format_html(
        '<span class="light light-{}" title="{}"></span>',
        value,
        LIGHT_TITLES.get(value, "绿灯：正常"),
    )


@register.filter
def iso_date(value):
    """A date as `<input type="date">` needs it (YYYY-MM-DD); a typed string
    (a bound form's raw data) is kept as typed; None becomes ''."""
    if isinstance(value, datetime.date):
        return value.strftime(ISO_DATE)
    return "" if value is None else value


@register.filter
def person(user):
    """A user as people know them: the full name (张敏), else the login name."""
    if user is None or user == "":
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "username", str(user))


@register.filter
def accept_list(extensions):
    """'doc、pdf' or ['doc', 'pdf'] -> '.doc,.pdf' for a file input's accept."""
    if isinstance(extensions, str):
        extensions = extensions.replace("、", ",").split(",")
    return ",".join(f".{e.strip().lstrip('.')}" for e in extensions if e.strip())


@register.simple_tag
def upload_max_bytes():
    """The per-file upload limit (EVIDENCE_MAX_FILE_SIZE), for data-max-bytes."""
    return settings.EVIDENCE_MAX_FILE_SIZE


@register.simple_tag
def upload_max_label():
    """The per-file upload limit for people: '20 MB'."""
    size = settings.EVIDENCE_MAX_FILE_SIZE
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"
