"""Real-browser end-to-end tests: Debian's Chromium driven by Playwright against
pytest-django's `live_server`.

Skipped (or failed under CI=true) by tests/conftest.py when /usr/bin/chromium or
the playwright package is missing. Never run `playwright install`: the suite
uses the system browser only.
"""

import datetime
import os
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from tests.factories import RegulationFactory
from workflows import calendar, services

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
# Set E2E_SCREENSHOT_DIR=/tmp/shots to keep phone screenshots for a look.
SCREENSHOT_DIR = os.environ.get("E2E_SCREENSHOT_DIR", "")


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the whole e2e package (pytest-django runs these
    transactional tests together, so it starts once per run).

    While Playwright runs, its asyncio loop counts as running in this thread and
    Django would refuse ORM calls from the test body (SynchronousOnlyOperation):
    DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that time. Package scope (not
    session) stops the loop and restores the variable before other apps'
    transactional tests run, so their async-safety check stays in force.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Tab:
    """One browser context + page, with what it requested and logged."""

    def __init__(self, context, base_url):
        self.context = context
        self.base_url = base_url
        self.page = context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on(
            "console",
            lambda m: self.console_errors.append(m.text) if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def login_as(self, user):
        """Log in without the form: a real session cookie for `user`."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        self.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": self.base_url,
                }
            ]
        )
        return self

    def screenshot(self, name):
        """A full-page PNG under E2E_SCREENSHOT_DIR, if that is set."""
        if SCREENSHOT_DIR:
            os.makedirs(SCREENSHOT_DIR, exist_ok=True)
            path = os.path.join(SCREENSHOT_DIR, f"{name}.png")
            self.page.screenshot(path=path, full_page=True)

    def goto(self, path):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: {response.status}"
        return response

    def foreign_requests(self):
        """Requests to any host other than the live server (data:/blob: are
        in-page, not network)."""
        own = urlsplit(self.base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in {"data", "blob"}
            and urlsplit(url).netloc != own
        ]


@pytest.fixture
def open_tab(browser, live_server):
    """open_tab(phone=True) -> Tab; every context is closed after the test."""
    contexts = []

    def _open(*, phone=False):
        options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
        if phone:
            options.update(
                viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
            )
        else:
            options.update(viewport=DESKTOP)
        context = browser.new_context(**options)
        contexts.append(context)
        return Tab(context, live_server.url)

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def launch_project(office_user, dept_a, dept_b):
    """launch_project() -> a general-flow project led by dept_a (dept_b partners),
    started today; launching also issues one 告知单 per department."""
    # The flows the flush removed are re-seeded by tests/conftest.py.
    calendar.reset_local_cache()

    def _launch(regulation=None, starts_on=None):
        return services.project_launch(
            regulation=regulation or RegulationFactory(),
            year=2026,
            lead_department=dept_a,
            partner_departments=[dept_b],
            flow_code="general",
            starts_on=starts_on or timezone.localdate() - datetime.timedelta(days=1),
            actor=office_user,
        )

    yield _launch
    calendar.reset_local_cache()


@pytest.fixture
def expect():
    """Playwright's web-first assertions (imported lazily: the package may be
    missing, and then tests/conftest.py has already skipped the test)."""
    from playwright.sync_api import expect

    return expect
