"""403/404/500 are Chinese pages with a way back (DEBUG off, as in production)."""

import logging

import pytest
from django.test import Client


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


@pytest.mark.django_db
def test_403_page_is_chinese_with_navigation(production, client, liaison):
    # given a liaison (not the office)
    client.force_login(liaison)
    # when it opens the office's launch form
    response = client.get("/workflows/launch/")
    # then a Chinese 403 page with the menu and a way home
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page
    assert "Forbidden" not in page
    assert 'href="/"' in page and "返回首页" in page
    assert 'id="mainnav"' in page  # the usual navigation bar


@pytest.mark.django_db
def test_404_page_is_chinese_with_navigation(production, client, liaison):
    # given a logged-in liaison
    client.force_login(liaison)
    # when it opens an address that does not exist, and a step that does not
    for path in ["/no-such-page/", "/workflows/steps/999999999/"]:
        response = client.get(path)
        page = response.content.decode()
        # then a Chinese 404 page with a way home
        assert response.status_code == 404, path
        assert "页面不存在" in page
        assert "Not Found" not in page
        assert "返回首页" in page


@pytest.mark.django_db
def test_404_page_for_anonymous_offers_login(production, client):
    # given nobody logged in, when a missing address is opened
    page = client.get("/no-such-page/").content.decode()
    # then the 404 page links to the login page
    assert "页面不存在" in page
    assert 'href="/accounts/login/"' in page


def test_404_api_keeps_json(production, client):
    # given the API, when an unknown address is asked
    response = client.get("/api/v1/no-such-thing/")
    # then the API's JSON error shape, not the page
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_500_page_is_chinese_with_navigation(production, caplog):
    # given a view that fails
    production.ROOT_URLCONF = "tests.ui.boom_urls"
    client = Client(raise_request_exception=False)
    # when it is requested
    with caplog.at_level(logging.CRITICAL, logger="django.request"):
        response = client.get("/boom/")
    # then a Chinese 500 page with a way home, no English
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in page
    assert "Server Error" not in page
    assert 'href="/"' in page
