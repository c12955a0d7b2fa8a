"""The city comparison's rows (/offices/), written in one pass: 150 districts'
rows through nested template loops cost more than reading their figures, and
so does format_html per cell (Django's lazy-aware escape); each value here is
escaped once with the standard library's html.escape, which escapes the same
five characters."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _e(value) -> str:
    return escape(str(value))


def _entries(rows, empty: str) -> str:
    if not rows:
        return empty
    return "".join(
        f'<div class="small">{_e(r["department"])} <span class="text-muted">'
        f"{_e(r['kind_label'])}第{_e(r['rank'])}名 · {_e(r['total'])}</span></div>"
        for r in rows
    )


def _rate(rate: dict) -> str:
    shown = (
        '<span class="text-muted">—</span>'
        if rate["rate"] is None
        else f"{_e(rate['rate'])}%"
    )
    return (
        f'<td class="text-end">{shown}<div class="small text-muted">'
        f"{_e(rate['on_time'])}/{_e(rate['due'])}</div></td>"
    )


@register.simple_tag
def comparison_row(row: dict, year: int, rankings_url: str) -> str:
    """One district's row: its name linking to its ranking (`rankings_url`,
    reversed once for the table), the on-time rates, the grade spread, the
    top and bottom entries of its ranking."""
    office = row["office"]
    code = _e(office.code)
    rates = "".join(_rate(r) for r in row["rates"])
    grades = "".join(
        f'<span class="me-2">{_e(grade)} {_e(n)}</span>' for grade, n in row["grades"]
    )
    top = _entries(row["top"], '<span class="text-muted small">暂无</span>')
    bottom = _entries(row["bottom"], '<span class="text-muted small">—</span>')
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<tr data-office="{code}">\n'
        f'    <td class="text-nowrap"><a href="{_e(rankings_url)}'
        f'?office={code}&amp;year={_e(year)}">{_e(office.name)}</a></td>\n'
        f"    {rates}\n"
        f'    <td class="text-nowrap">{grades}</td>\n'
        f"    <td>{top}</td>\n"
        f"    <td>{bottom}</td>\n"
        "  </tr>"
    )
