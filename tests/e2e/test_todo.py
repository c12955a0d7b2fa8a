"""The office's home to-do in a real browser: every tile's number is the number of
rows on the list it opens (on the demo district, as a user sees it)."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rows_listed(page) -> int:
    """Rows the list shows: the pager's total (共 N 条) on a paged list, else
    the rows on the page."""
    pager = page.locator(".pagination")
    if pager.count():
        total = re.search(r"共\s*(\d+)\s*条", pager.first.inner_text())
        if total:
            return int(total.group(1))
    return page.locator("[data-row]").count()


def test_office_todo_numbers_match_the_lists_they_open(open_tab, expect, media_root):
    # given the demo district and the office on a desktop
    call_command("seed_demo", stdout=io.StringIO())
    office = get_user_model().objects.get(username="office")
    tab = open_tab().login_as(office)
    tab.page.set_viewport_size({"width": 1366, "height": 900})
    tab.goto("/")
    tiles = tab.page.locator("a[data-todo]")
    expect(tiles.first).to_be_visible()
    shown = [
        (
            tiles.nth(i).get_attribute("data-todo"),
            int(tiles.nth(i).locator("[data-count]").inner_text()),
        )
        for i in range(tiles.count())
    ]
    assert len(shown) >= 6 and any(count for _, count in shown)
    for key, count in shown:
        # when the office clicks the tile
        tab.goto("/")
        tab.page.locator(f'a[data-todo="{key}"]').click()
        tab.page.wait_for_load_state()
        # then the list it opens holds exactly that many rows
        assert _rows_listed(tab.page) == count, (key, tab.page.url)
    assert tab.console_errors == []
