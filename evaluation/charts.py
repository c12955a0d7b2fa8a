"""Server-side SVG charts (no JavaScript, nothing from the internet).

Each function returns markup safe to put into a template: every label is escaped.
"""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 32


def line_chart(
    points: list[tuple[str, Decimal | float]],
    *,
    y_max: float = 100,
    title: str = "",
    color: str = "#dc3545",
) -> str:
    """A line chart of (label, value) on 0..y_max, with the values written on."""
    if not points:
        return mark_safe('<p class="text-muted small mb-0">暂无已发布数据。</p>')
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(points) - 1, 1)

    def y(value):
        return TOP + inner_h * (1 - min(float(value), y_max) / y_max)

    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" class="w-100" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(0, int(y_max) + 1, max(int(y_max) // 4, 1)):
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" '
            'stroke="#dee2e6" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#6c757d">{tick}</text>'
        )
    coords = []
    for i, (label, value) in enumerate(points):
        x = LEFT + (i * step if len(points) > 1 else inner_w / 2)
        coords.append((x, y(value)))
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 10}" font-size="11" '
            f'text-anchor="middle" fill="#495057">{escape(label)}</text>'
        )
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{yv:.1f}" for x, yv in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{color}" '
            'stroke-width="2.5"/>'
        )
    for (x, yv), (_label, value) in zip(coords, points, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{yv:.1f}" r="4" fill="{color}"/>'
            f'<text x="{x:.1f}" y="{yv - 8:.1f}" font-size="11" text-anchor="middle" '
            f'fill="#212529">{escape(str(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def text_width(text: str, *, font_size: int = 12) -> int:
    """About how wide `text` is drawn (a CJK character is one em, the rest about
    0.6 em): SVG does not wrap or shrink, so the space is reserved up front."""
    ems = sum(1 if ord(ch) > 0x2E7F else 0.6 for ch in text)
    return int(ems * font_size + 0.999)


def bar_chart(rows: list[tuple[str, int, int]], *, title: str = "") -> str:
    """Horizontal progress bars: (label, done, total) per row. The label and
    value columns are as wide as their longest text (a long label is given
    room, never cut at the chart's edge)."""
    if not rows:
        return mark_safe('<p class="text-muted small mb-0">暂无数据。</p>')
    bar_h, gap = 18, 10
    label_w = max(60, max(text_width(label) for label, _d, _t in rows) + 14)
    label_w = min(label_w, WIDTH // 2)
    value_w = max(text_width(_value(done, total)) for _l, done, total in rows) + 12
    height = TOP + len(rows) * (bar_h + gap)
    inner_w = WIDTH - label_w - value_w
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" class="w-100" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, done, total) in enumerate(rows):
        y = TOP // 2 + i * (bar_h + gap)
        share = (done / total) if total else 0
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 5}" font-size="12" '
            f'text-anchor="end" fill="#212529">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{inner_w}" height="{bar_h}" '
            'fill="#e9ecef" rx="3"/>'
            f'<rect x="{label_w}" y="{y}" width="{inner_w * share:.1f}" '
            f'height="{bar_h}" fill="#198754" rx="3"/>'
            f'<text x="{label_w + inner_w + 6}" y="{y + bar_h - 5}" font-size="12" '
            f'fill="#495057">{_value(done, total)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _value(done: int, total: int) -> str:
    share = (done / total) if total else 0
    return f"{done}/{total} ({share * 100:.0f}%)"
