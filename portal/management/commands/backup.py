"""`manage.py backup [--output FILE]`: database + uploaded files as one archive."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "备份数据库和上传文件为一个归档 / back up the database and media"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="归档路径 archive path (default var/backups/zhigui-<time>.tar.gz)",
        )

    def handle(self, *args, output=None, **options):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = Path(
            output or Path(settings.VAR_DIR) / "backups" / f"zhigui-{stamp}.tar.gz"
        )
        try:
            manifest = backup_create(output=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"已备份 backup written: {path} ({manifest['engine']}, {rows} rows, "
            f"{len(manifest['files'])} files)"
        )
