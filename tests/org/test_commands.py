import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from org.models import Role


def test_add_user_creates_and_updates(dept_a, dept_b, client):
    # when
    call_command(
        "add_user",
        "zhang",
        "--role",
        "liaison",
        "--department",
        "A",
        "--password",
        "first-pass-1",
        stdout=StringIO(),
    )
    # then
    user = get_user_model().objects.get(username="zhang")
    assert user.membership.role == Role.LIAISON
    assert user.membership.department == dept_a
    assert client.login(username="zhang", password="first-pass-1")
    # when: run again with another department and password (idempotent update)
    call_command(
        "add_user",
        "zhang",
        "--role",
        "liaison",
        "--department",
        "B",
        "--password",
        "second-pass-2",
        stdout=StringIO(),
    )
    # then
    user.refresh_from_db()
    assert get_user_model().objects.filter(username="zhang").count() == 1
    assert user.membership.department == dept_b
    assert user.check_password("second-pass-2")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "boss", "--department", "A"], "boss"),
        (["--role", "liaison", "--department", "NOPE"], "NOPE"),
        (["--role", "liaison"], "department"),
    ],
)
def test_add_user_refuses_unknown_role_or_department(dept_a, args, message):
    with pytest.raises(CommandError) as exc:
        call_command("add_user", "zhang", *args, "--password", "pass-word-1")
    assert message in str(exc.value)
    assert not get_user_model().objects.filter(username="zhang").exists()


def test_add_user_unknown_role_exits_nonzero(dept_a):
    # A real process: the exit status is what operators' scripts check.
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "add_user",
            "x",
            "--role",
            "boss",
            "--department",
            "A",
            "--password",
            "pass-word-1",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "boss" in result.stderr


def test_issue_api_token_last_line_is_a_working_token(api, db):
    # when
    out = StringIO()
    call_command("issue_api_token", "credit-system", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    # then: it reads what machine clients may read (published scores) ...
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/scores/").status_code == 200
    # ... and nothing else
    assert api.get("/api/v1/departments/").status_code == 403
    # whereas a made-up token is unknown (401)
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert api.get("/api/v1/scores/").status_code == 401
