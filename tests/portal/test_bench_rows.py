"""The bench's row count: body rows and list items, not headers or an empty
list's placeholder."""

from django.http import HttpResponse

from portal.bench import _count_rows


def _html(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="text/html; charset=utf-8")


def test_counts_body_rows_and_items_but_not_headers():
    page = (
        "<table><thead><tr><th>单位</th></tr></thead>"
        "<tbody><tr><td>甲</td></tr><tr class='x'><td>乙</td></tr></tbody></table>"
        '<div class="list-group">'
        '<a class="list-group-item list-group-item-action">丙</a>'
        '<div class="list-group-item">丁</div></div>'
    )
    assert _count_rows(_html(page)) == 4


def test_an_empty_lists_placeholder_is_no_row():
    page = (
        "<table><thead><tr><th>单位</th></tr></thead><tbody>"
        '<tr><td colspan="6" class="text-muted">暂无数据。</td></tr></tbody></table>'
        '<div class="list-group mb-4"><div class="list-group-item text-muted">'
        "没有待签收的事项。</div></div>"
    )
    assert _count_rows(_html(page)) == 0


def test_json_lists_count_their_results():
    response = HttpResponse(
        '{"count": 9, "results": [{"id": 1}, {"id": 2}]}',
        content_type="application/json",
    )
    assert _count_rows(response) == 2
