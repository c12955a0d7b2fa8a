"""`manage.py restore ARCHIVE --yes`: replace the database and uploaded files
with a backup's. Stop web, worker and beat first; run `migrate` afterwards when
the code is newer than the backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup_restore, read_manifest, row_counts


class Command(BaseCommand):
    help = "从备份归档恢复数据库和上传文件 / restore a backup archive"

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="确认覆盖当前数据库和文件 / confirm replacing the current data",
        )

    def handle(self, *args, archive, yes=False, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"找不到归档 archive not found: {path}")
        try:
            manifest = read_manifest(path)
        except (BackupError, OSError, ValueError) as exc:
            raise CommandError(f"不是有效的备份 not a valid backup: {exc}") from exc
        if not yes:
            raise CommandError(
                "恢复会覆盖当前数据库和上传文件；确认请加 --yes "
                "(restore replaces the current database and files: add --yes)"
            )
        try:
            backup_restore(archive_path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        restored = row_counts()
        differ = {
            table: (count, restored.get(table))
            for table, count in manifest["rows"].items()
            if restored.get(table) != count
        }
        if differ:
            raise CommandError(f"行数不一致 row counts differ: {differ}")
        self.stdout.write(
            f"已恢复 restored: {path} (backup of {manifest['created_at']}, "
            f"{sum(restored.values())} rows, {len(manifest['files'])} files)"
        )
