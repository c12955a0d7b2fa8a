"""Login defences: lockout after 30 failures per user and address (form, admin and
token endpoint alike), the office unlocks; password rules in Chinese; API tokens
expire and end with a password change; the office revokes anyone's token."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token

from org import services
from org.models import Role

PASSWORD = "pass-12345"  # tests.factories.UserFactory
LIMIT = 30


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # 90+ password checks: the cheap hasher keeps the file fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def person(db, dept_a):
    user = services.user_create(
        username="zhangsan",
        password="Strong-pass-2026",
        role=Role.LIAISON,
        department=dept_a,
    )
    return user


def _form_login(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def _admin_login(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def _token_login(api, username, password, ip="10.0.0.1"):
    return api.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
    )


def test_login_form_locks_after_30_failures_for_that_address(client, person):
    # given 30 wrong passwords from one address
    answers = {_form_login(client, "zhangsan", "wrong").status_code for _ in range(30)}
    assert answers == {200, 429}  # the form again, then locked at the 30th
    # when the right password comes from there
    response = _form_login(client, "zhangsan", "Strong-pass-2026")
    # then it is refused, in Chinese
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # and the same person from another desk still logs in
    response = _form_login(client, "zhangsan", "Strong-pass-2026", ip="10.0.0.2")
    assert response.status_code == 302


def test_admin_login_locks_after_30_failures(client, office_user):
    # given
    for _ in range(LIMIT):
        _admin_login(client, "office", "wrong-password")
    # when
    response = _admin_login(client, "office", PASSWORD)
    # then
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_token_login_locks_after_30_failures(api, person):
    # given
    for _ in range(LIMIT - 1):
        assert _token_login(api, "zhangsan", "wrong-password").status_code == 400
    _token_login(api, "zhangsan", "wrong-password")
    # when
    response = _token_login(api, "zhangsan", "Strong-pass-2026")
    # then
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "登录失败次数过多" in response.json()["detail"]


def test_failures_count_across_form_admin_and_token(client, api, person):
    # given failures spread over the three doors
    for i in range(LIMIT):
        [_form_login, _admin_login][i % 2](client, "zhangsan", "wrong")
    # when
    response = _token_login(api, "zhangsan", "Strong-pass-2026")
    # then
    assert response.status_code == 429


def test_office_unlocks_a_locked_user(client, person, office_user):
    # given zhangsan is locked at 10.0.0.1
    for _ in range(LIMIT):
        _form_login(client, "zhangsan", "wrong-password")
    attempt = AccessAttempt.objects.get(username="zhangsan")
    office = client.__class__()
    office.force_login(office_user)
    page = office.get("/responsibilities/security/")
    assert page.status_code == 200 and "已锁定" in page.content.decode()
    # when the office unlocks
    response = office.post(f"/responsibilities/security/lockouts/{attempt.pk}/clear/")
    # then the right password works again from that address
    assert response.status_code == 302
    assert _form_login(client, "zhangsan", "Strong-pass-2026").status_code == 302


def test_security_page_refuses_an_outsider(client, outsider, person):
    # given
    client.force_login(outsider)
    # when
    page = client.get("/responsibilities/security/")
    clear = client.post("/responsibilities/security/tokens/revoke/", {"key": "x"})
    # then
    assert page.status_code == 403 and clear.status_code == 403


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678", "密码太短"),
        ("password12", "太常见"),
        ("4839201746", "全部是数字"),
        ("zhangsan2026", "太相似"),
    ],
)
def test_user_create_page_refuses_weak_passwords_in_chinese(
    client, office_user, dept_a, password, message
):
    # given
    client.force_login(office_user)
    # when
    response = client.post(
        "/responsibilities/users/new/",
        {
            "username": "zhangsan",
            "full_name": "张三",
            "password": password,
            "role": Role.LIAISON,
            "department": dept_a.pk,
        },
    )
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Token.objects.exists()


def test_add_user_command_refuses_weak_password_in_chinese(db):
    # when
    with pytest.raises(CommandError) as refused:
        call_command(
            "add_user",
            "lisi",
            "--role",
            Role.LEADER,
            "--password",
            "12345678",
            stdout=io.StringIO(),
        )
    # then
    assert "密码太短，至少需要 10 个字符" in str(refused.value)
    assert "全部是数字" in str(refused.value)


def test_password_change_ends_the_old_token(api, person):
    # given a token from a password login
    key = _token_login(api, "zhangsan", "Strong-pass-2026").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/departments/").status_code == 200
    # when the password changes (here: the office resets it)
    services.user_set_password(user=person, password="Another-pass-2027")
    # then the old token is refused
    assert api.get("/api/v1/departments/").status_code == 401


def test_password_change_page_ends_the_old_token(client, api, person):
    # given
    key = _token_login(api, "zhangsan", "Strong-pass-2026").json()["token"]
    client.force_login(person)
    # when the person changes their own password
    response = client.post(
        "/responsibilities/password/",
        {
            "old_password": "Strong-pass-2026",
            "new_password1": "Another-pass-2027",
            "new_password2": "Another-pass-2027",
        },
    )
    # then
    assert response.status_code == 302
    assert not Token.objects.filter(key=key).exists()


def test_token_expires_after_ttl_and_login_issues_a_new_one(api, person, settings):
    # given a token issued 91 days ago under a 90-day limit
    settings.API_TOKEN_TTL_DAYS = 90
    key = _token_login(api, "zhangsan", "Strong-pass-2026").json()["token"]
    Token.objects.filter(key=key).update(
        created=timezone.now() - datetime.timedelta(days=91)
    )
    # when it is used
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/departments/")
    # then 401 saying so, and a new login gives a new working token
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]
    api.credentials()
    fresh = _token_login(api, "zhangsan", "Strong-pass-2026").json()["token"]
    assert fresh != key
    api.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
    assert api.get("/api/v1/departments/").status_code == 200


def test_office_revokes_any_users_token(client, api, person, office_user):
    # given a liaison's token
    key = _token_login(api, "zhangsan", "Strong-pass-2026").json()["token"]
    client.force_login(office_user)
    assert key[:8] in client.get("/responsibilities/security/").content.decode()
    # when the office revokes it
    response = client.post("/responsibilities/security/tokens/revoke/", {"key": key})
    # then
    assert response.status_code == 302
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/departments/").status_code == 401


def test_session_lasts_eight_hours_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
