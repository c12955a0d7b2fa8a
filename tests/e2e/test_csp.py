"""Content-Security-Policy: every page is served with a policy that forbids
inline script, and no page breaks it (no violation reported by Chromium); the
behaviour moved out of inline attributes (confirm before a destructive POST)
still works."""

import pytest

from notices.models import Notice
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded by the page itself, before any of its scripts run.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _crawl(tab, paths):
    tab.context.add_init_script(RECORD_VIOLATIONS)
    seen = {}
    for path in paths:
        response = tab.goto(path)
        policy = response.header_value("content-security-policy") or ""
        assert "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        tab.page.wait_for_load_state("networkidle")
        violations = tab.page.evaluate("window.__csp")
        if violations:
            seen[path] = violations
    return seen


def test_pages_raise_no_csp_violation(
    open_tab, launch_project, office_user, liaison, dept_a
):
    # given data behind every page
    project = launch_project()
    factories.RegulationFactory(title="中国共产党纪律处分条例")
    step = project.steps.filter(department=dept_a).order_by("order").first()
    notice = Notice.objects.filter(department=dept_a).first()
    office_pages = [
        "/",
        "/regulations/",
        f"/regulations/{project.regulation_id}/",
        "/responsibilities/",
        "/responsibilities/users/",
        "/responsibilities/security/",
        "/workflows/",
        "/workflows/launch/",
        "/workflows/launch/bulk/?year=2026&starts_on=2026-12-01",
        f"/workflows/projects/{project.pk}/",
        f"/workflows/steps/{step.pk}/",
        "/workflows/calendar/",
        "/workflows/flows/",
        "/notices/",
        f"/notices/{notice.pk}/",
        f"/notices/{notice.pk}/print/",
        "/evaluation/",
        "/evaluation/rankings/",
        "/evaluation/rounds/",
        "/evaluation/standards/",
        "/api/docs/",
        "/admin/",
    ]
    # when the office and a liaison open them
    office = _crawl(open_tab().login_as(office_user), office_pages)
    phone = _crawl(
        open_tab(phone=True).login_as(liaison),
        ["/", "/inbox/", "/notices/", f"/workflows/steps/{step.pk}/"],
    )
    # then no page broke the policy
    assert office == {}
    assert phone == {}


def test_confirm_moved_to_static_script_still_guards_a_post(
    open_tab, office_user, dept_a
):
    # given a user the office might deactivate
    target = factories.make_user("liaison", dept_a, username="zhao")
    tab = open_tab().login_as(office_user)
    page = tab.page
    tab.goto("/responsibilities/users/?q=zhao")
    button = page.locator("tr", has_text="zhao").get_by_role("button", name="停用")
    # when the office answers "cancel" to the question
    page.once("dialog", lambda dialog: dialog.dismiss())
    button.click()
    page.wait_for_timeout(500)
    # then nothing happened
    target.refresh_from_db()
    assert target.is_active
    # when it answers "OK"
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    page.wait_for_load_state("networkidle")
    # then the user is deactivated
    target.refresh_from_db()
    assert not target.is_active
