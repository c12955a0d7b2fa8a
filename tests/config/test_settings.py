"""Production mode: refuses to start without a secret and passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    # The caller's settings (a CI run sets DATABASE_URL) must not leak in.
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_production_refuses_to_start_without_secret_key():
    # when
    result = _manage("check", DJANGO_DEBUG="false")
    # then a one-line reason, not a traceback
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_without_debug_is_production_by_default():
    # given no DJANGO_DEBUG at all (the variable forgotten)
    # when
    result = _manage("check")
    # then the start fails closed instead of running with the dev key and SQLite
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_settings_production_refuses_to_start_without_database_url():
    # when
    result = _manage("check", DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 60)
    # then
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_settings_production_passes_check_deploy():
    # given a long random secret, as an operator would set
    secret = "k" * 20 + "9f8a7s6d5f4g3h2j1k0l-zq!xw@ce#vr$bt%ny^mu"
    # when
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secret,
        DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:////tmp/zhigui-deploy.db"),
    )
    # then
    assert result.returncode == 0, result.stderr + result.stdout
