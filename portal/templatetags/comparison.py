"""The city comparison's rows (/offices/), written in one pass: 150 districts'
rows through nested template loops cost more than reading their figures."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_ENTRY = '<div class="small">{} <span class="text-muted">{}第{}名 · {}</span></div>'


def _entries(rows, empty: str) -> str:
    if not rows:
        return mark_safe(empty)
    return format_html_join(
        "",
        _ENTRY,
        ((r["department"], r["kind_label"], r["rank"], r["total"]) for r in rows),
    )


def _rate(rate: dict) -> str:
    shown = (
        mark_safe('<span class="text-muted">—</span>')
        if rate["rate"] is None
        else f"{rate['rate']}%"
    )
    return format_html(
        '<td class="text-end">{}<div class="small text-muted">{}/{}</div></td>',
        shown,
        rate["on_time"],
        rate["due"],
    )


@register.simple_tag
def comparison_row(row: dict, year: int) -> str:
    """One district's row: its name linking to its ranking, the on-time
    rates, the grade spread, the top and bottom entries of its ranking."""
    office = row["office"]
    return format_html(
        '<tr data-office="{code}">\n'
        '    <td class="text-nowrap"><a href="{url}?office={code}&amp;year={year}">'
        "{name}</a></td>\n"
        "    {rates}\n"
        '    <td class="text-nowrap">{grades}</td>\n'
        "    <td>{top}</td>\n"
        "    <td>{bottom}</td>\n"
        "  </tr>",
        code=office.code,
        url=reverse("evaluation:rankings"),
        year=year,
        name=office.name,
        rates=mark_safe("".join(_rate(r) for r in row["rates"])),
        grades=format_html_join(
            "", '<span class="me-2">{} {}</span>', row["grades"]
        ),
        top=_entries(row["top"], '<span class="text-muted small">暂无</span>'),
        bottom=_entries(row["bottom"], '<span class="text-muted small">—</span>'),
    )
