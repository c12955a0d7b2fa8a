"""Run the notices scan once by hand: `manage.py scan_notices [--date YYYY-MM-DD]`."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from notices.services import scan_due, sweep_undelivered


class Command(BaseCommand):
    help = "扫描到期与逾期事项，生成提醒和警示单（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期扫描（默认今天），YYYY-MM-DD")
        parser.add_argument(
            "--sweep", action="store_true", help="同时重新投递未完成投递的通知"
        )

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        counts = scan_due(today=today)
        self.stdout.write(
            f"提醒 {counts['reminders']} 条，警示单 {counts['warnings']} 份"
            f"（其中升级 {counts['escalations']} 份），"
            f"列入通报步骤 {counts['flagged']} 个。"
        )
        if options["sweep"]:
            self.stdout.write(f"重新排队投递 {sweep_undelivered()} 份。")
