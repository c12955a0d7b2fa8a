"""Scenario 1: the login page, in Chinese, in a real browser."""

import pytest

from org.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_wrong_password_then_right_one_lands_home(open_tab, expect, dept_a):
    # given a liaison of dept_a, and the login page
    factories.make_user(Role.LIAISON, dept_a, username="zhang_san")
    tab = open_tab()
    page = tab.page
    tab.goto("/")
    expect(page).to_have_url(tab.base_url + "/accounts/login/?next=/")
    expect(page.get_by_role("heading")).to_have_text("执规通 · 党内法规执行管理")
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_label("密码")).to_be_visible()

    # when the password is wrong
    page.get_by_label("用户名").fill("zhang_san")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()

    # then a Chinese error, still on the login page, username kept
    expect(page.locator(".alert-danger")).to_contain_text("请输入一个正确的")
    expect(page.get_by_label("用户名")).to_have_value("zhang_san")
    expect(page.get_by_role("button", name="退出")).to_have_count(0)

    # when the password is right
    page.get_by_label("密码").fill("pass-12345")
    page.get_by_role("button", name="登录").click()

    # then the home page greets the user with department and role
    expect(page).to_have_url(tab.base_url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，zhang_san")
    expect(page.locator("main")).to_contain_text("区委组织部 · 部门联络员")
    expect(page.locator("nav")).to_contain_text("部门联络员")
    assert tab.console_errors == []
