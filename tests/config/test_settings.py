"""Production mode: refuses to start without a secret and passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
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
    # then
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


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
    )
    # then
    assert result.returncode == 0, result.stderr + result.stdout
