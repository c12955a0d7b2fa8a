"""page_of() answers as Paginator.get_page() does, reading a short first page
in one query (no COUNT)."""

import pytest
from django.core.paginator import Paginator

from config.paging import page_of
from org.models import Department
from tests import factories

pytestmark = pytest.mark.django_db


def _rows(n: int):
    for _ in range(n):
        factories.DepartmentFactory()
    return Department.objects.order_by("id")


@pytest.mark.parametrize(
    "rows, number, queries",
    [
        (3, None, 1),  # short first page: the page is the count
        (3, "1", 1),
        (0, "", 1),
        (5, None, 2),  # full first page: read once, counted
        (6, "1", 2),
        (6, "2", 2),
        (6, "-1", 2),  # out of range: the last page, as Paginator
        (6, "x", 2),  # not a number: the first page, as Paginator
    ],
)
def test_page_of_answers_as_paginator(rows, number, queries, django_assert_num_queries):
    # given
    qs = _rows(rows)
    expected = Paginator(qs, 5).get_page(number)
    expected_ids = [d.pk for d in expected]

    # when
    with django_assert_num_queries(queries):
        page = page_of(qs, 5, number)
        ids = [d.pk for d in page]
        count, has_next = page.paginator.count, page.has_next()

    # then
    assert ids == expected_ids
    assert page.number == expected.number
    assert count == expected.paginator.count
    assert has_next == expected.has_next()
