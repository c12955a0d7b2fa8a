"""`manage.py backup` then `manage.py restore` into a fresh database: the same
rows in every table and the same files, byte for byte (SQLite in the plain run;
PostgreSQL with pg_dump/pg_restore in CI)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest

from config.backup import file_checksums

ROOT = Path(__file__).resolve().parents[2]


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _env(database_url: str, media: Path) -> dict:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST_"))
    }
    environment.update(
        DJANGO_DEBUG="true",
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(media),
        CELERY_TASK_ALWAYS_EAGER="true",
        REDIS_URL="",
    )
    return environment


COUNT_ROWS = (
    "import json; from config.backup import row_counts; "
    "print('ROWS=' + json.dumps(row_counts()))"
)


def _rows(env: dict) -> dict:
    out = _manage(env, "shell", "-c", COUNT_ROWS)
    line = next(line for line in out.splitlines() if line.startswith("ROWS="))
    return json.loads(line[len("ROWS=") :])


def _round_trip(tmp_path, source_url, target_url):
    source = _env(source_url, tmp_path / "media-source")
    target = _env(target_url, tmp_path / "media-target")
    # given the demo on the source, with its evidence files
    _manage(source, "migrate", "--noinput")
    _manage(source, "seed_demo")
    archive = tmp_path / "zhigui.tar.gz"
    # when it is backed up and restored into a fresh database and media folder
    _manage(source, "backup", "--output", str(archive))
    out = _manage(target, "restore", str(archive), "--yes")
    # then every table has the same rows, and the files the same checksums
    before = _rows(source)
    after = _rows(target)
    assert after == before
    assert sum(before.values()) > 100 and before["notices_notice"] > 0
    files = file_checksums(tmp_path / "media-source")
    assert files, "the demo stored no files to compare"
    assert file_checksums(tmp_path / "media-target") == files
    assert "已恢复" in out


def test_backup_restore_round_trip_sqlite(tmp_path):
    _round_trip(
        tmp_path,
        f"sqlite:///{tmp_path / 'source.sqlite3'}",
        f"sqlite:///{tmp_path / 'target.sqlite3'}",
    )


def test_restore_refuses_without_yes(tmp_path):
    env = _env(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "media")
    _manage(env, "migrate", "--noinput")
    archive = tmp_path / "b.tar.gz"
    _manage(env, "backup", "--output", str(archive))
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "--yes" in result.stderr


@pytest.mark.postgres
def test_backup_restore_round_trip_postgres(tmp_path):
    # given two databases named after this run's (the target fresh and empty)
    base = urlsplit(os.environ["DATABASE_URL"])
    name = base.path.lstrip("/")
    admin = psycopg2.connect(base._replace(path="/postgres").geturl())
    admin.autocommit = True
    names = [f"{name}_backup_source", f"{name}_backup_target"]
    with admin.cursor() as cursor:
        for db in names:
            cursor.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{db}"')
    try:
        _round_trip(
            tmp_path,
            base._replace(path=f"/{names[0]}").geturl(),
            base._replace(path=f"/{names[1]}").geturl(),
        )
    finally:
        with admin.cursor() as cursor:
            for db in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        admin.close()
