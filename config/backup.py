"""Backup and restore of one deployment: the database and the uploaded files as
ONE archive (tar.gz), so the two can never drift apart.

Archive layout:
    manifest.json   what is inside: engine, time, row counts, file checksums
    database.dump   PostgreSQL: `pg_dump --format=custom` (restored by pg_restore)
    database.sqlite3  SQLite: a consistent copy made with SQLite's backup API
    media/...       DJANGO_MEDIA_ROOT (evidence, 落实表 files, attachments)

With DJANGO_FILE_STORAGE=s3 the files stay in the bucket (use its versioning);
the archive then holds the database only, and the manifest says so.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _pg_env(db: dict) -> dict:
    environment = dict(os.environ)
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            environment[name] = str(db[key])
    return environment


def _run(argv: list[str], env: dict) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} not found: install postgresql-client")
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {result.stderr.strip()[-2000:]}")


def row_counts() -> dict[str, int]:
    """Rows of every table the apps' models own (the restore check)."""
    counts = {}
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in tables and not model._meta.proxy:
            counts[table] = model._base_manager.using("default").count()
    return dict(sorted(counts.items()))


def file_checksums(root: Path) -> dict[str, str]:
    sums = {}
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                sums[path.relative_to(root).as_posix()] = digest
    return sums


def _media_is_local() -> bool:
    backend = settings.STORAGES["default"]["BACKEND"]
    return backend.endswith("FileSystemStorage")


def backup_create(*, output: Path) -> dict:
    """Write the archive to `output`; returns its manifest. Reads only."""
    db = connections["default"].settings_dict
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="zhigui-backup-") as tmp:
        work = Path(tmp)
        if connection.vendor == "postgresql":
            dump = work / "database.dump"
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={dump}",
                ],
                _pg_env(db),
            )
        elif connection.vendor == "sqlite":
            dump = work / "database.sqlite3"
            source = sqlite3.connect(db["NAME"])
            target = sqlite3.connect(dump)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:  # pragma: no cover
            raise BackupError(f"unsupported database {connection.vendor}")
        manifest = {
            "app": "zhigui",
            "format": 1,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "engine": connection.vendor,
            "database_file": dump.name,
            "rows": row_counts(),
            "media_included": _media_is_local(),
            "files": file_checksums(media_root) if _media_is_local() else {},
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(dump, arcname=dump.name)
            if manifest["media_included"] and media_root.is_dir():
                archive.add(media_root, arcname="media")
        partial.replace(output)  # never leave a half-written archive under the name
    return manifest


def read_manifest(archive_path: Path) -> dict:
    with tarfile.open(archive_path, "r:gz") as archive:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise BackupError("not a zhigui backup: no manifest.json")
        return json.loads(member.read())


def backup_restore(*, archive_path: Path) -> dict:
    """Replace this deployment's database and files with the archive's.

    Side effects: every table of the target database is dropped and recreated
    from the dump (PostgreSQL: pg_restore --clean; SQLite: the file replaced);
    DJANGO_MEDIA_ROOT is replaced by the archive's media/. Returns the manifest.
    """
    manifest = read_manifest(archive_path)
    if manifest.get("engine") != connection.vendor:
        raise BackupError(
            f"the archive holds a {manifest.get('engine')} database; this "
            f"deployment uses {connection.vendor}"
        )
    db = connections["default"].settings_dict
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="zhigui-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")
        dump = work / manifest["database_file"]
        connections.close_all()
        if connection.vendor == "postgresql":
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={db['NAME']}",
                    str(dump),
                ],
                _pg_env(db),
            )
        else:
            target = Path(db["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            source = sqlite3.connect(dump)
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                destination.close()
                source.close()
        if manifest.get("media_included"):
            staged = work / "media"
            if media_root.exists():
                shutil.rmtree(media_root)
            media_root.parent.mkdir(parents=True, exist_ok=True)
            if staged.is_dir():
                shutil.move(str(staged), str(media_root))
            else:
                media_root.mkdir()
    return manifest
