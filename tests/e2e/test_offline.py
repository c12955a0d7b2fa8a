"""Scenario 5: the pages work offline: nothing is loaded from another host, and
the browser logs no errors. Also the phone screenshot of the dashboard."""

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_load_nothing_from_other_hosts_and_log_no_errors(
    open_tab, expect, launch_project, office_user, liaison
):
    # given some data on every page
    project = launch_project()
    factories.RegulationFactory(title="中国共产党纪律处分条例")
    tab = open_tab().login_as(office_user)
    page = tab.page

    # when the office user opens the main pages
    pages = {
        "/": "您好",
        "/regulations/": "中国共产党纪律处分条例",
        f"/workflows/projects/{project.pk}/": project.regulation.title,
        "/evaluation/": "驾驶舱",
    }
    for path, text in pages.items():
        tab.goto(path)
        page.wait_for_load_state("networkidle")
        expect(page.locator("body")).to_contain_text(text)
    # the API docs: Swagger UI from the sidecar, schema from this server
    tab.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("执规通 API")
    page.wait_for_load_state("networkidle")

    # then every request went to the live server, and nothing failed
    assert any("/static/" in url for url in tab.requests)
    assert any("/api/schema/" in url for url in tab.requests)
    assert tab.foreign_requests() == []
    assert tab.console_errors == []

    # and the same holds for a liaison on a phone
    phone = open_tab(phone=True).login_as(liaison)
    for path in ("/", "/inbox/", "/notices/", "/evaluation/rankings/"):
        phone.goto(path)
        phone.page.wait_for_load_state("networkidle")
    assert phone.foreign_requests() == []
    assert phone.console_errors == []


def test_dashboard_on_phone_has_no_horizontal_overflow(
    open_tab, expect, launch_project, leader
):
    # given a project, and the leader on a phone
    launch_project()
    tab = open_tab(phone=True).login_as(leader)
    page = tab.page

    # when the dashboard opens
    tab.goto("/evaluation/")
    expect(page.locator("h1").first).to_be_visible()
    tab.screenshot("dashboard-phone")

    # then the page itself does not scroll sideways (tables may, inside)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"dashboard is {width}px wide on a 390px phone"
    assert tab.console_errors == []
