"""Scenario 6: a liaison signs for a 告知单 in the notices inbox."""

import pytest

from notices.models import Notice
from workflows.models import Receipt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _nav_badge(page) -> int:
    """The count on the 三单一表 nav entry (the badge is hidden when 0)."""
    badge = page.locator("#mainnav a[href='/notices/'] .badge")
    return int(badge.text_content()) if badge.count() else 0


def test_notices_liaison_confirms_notification_and_badge_goes_down(
    open_tab, expect, launch_project, liaison, dept_a
):
    # given two launched projects: two 告知单 to dept_a, not yet signed for
    first, second = launch_project(), launch_project()
    notice = Notice.objects.get(
        project=first, department=dept_a, kind=Notice.Kind.NOTIFICATION
    )
    tab = open_tab(phone=True).login_as(liaison)
    page = tab.page
    tab.goto("/notices/")
    assert _nav_badge(page) == 2
    row = page.locator(".list-group-item", has_text=notice.title)
    expect(row.locator(".badge", has_text="告知单")).to_be_visible()

    # when the liaison taps 签收 once
    row.get_by_role("button", name="签收", exact=True).tap()

    # then the notice is confirmed (and with it the project's receipt)
    expect(page.locator(".alert-success")).to_contain_text("已签收")
    notice.refresh_from_db()
    assert notice.status == Notice.Status.CONFIRMED
    assert notice.confirmed_by == liaison
    receipt = Receipt.objects.get(project=first, department=dept_a)
    assert receipt.confirmed_at is not None
    # and the nav badge counts one less; the other notice still waits
    assert _nav_badge(page) == 1
    tab.goto("/notices/")
    expect(page.get_by_role("button", name="签收", exact=True)).to_have_count(1)
    assert Receipt.objects.get(project=second, department=dept_a).confirmed_at is None
    assert tab.console_errors == []
