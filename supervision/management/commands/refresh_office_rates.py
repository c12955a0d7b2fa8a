"""Recompute the stored per-office on-time figures (the city comparison page's)
now, as the daily Celery task does; or for one `--year`."""

import datetime
import time

from django.core.management.base import BaseCommand

from supervision import services


class Command(BaseCommand):
    help = "重新统计各区执规率(各区对比页面使用，每日自动更新)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, help="只统计该年度(默认：本年度，1月含上年度)"
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="统计截至日(YYYY-MM-DD，默认今天)",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        today = options["today"]
        if options["year"]:
            written = {
                options["year"]: services.office_rates_refresh(
                    year=options["year"], today=today
                )
            }
        else:
            written = services.office_rates_refresh_current(today=today)
        for year, rows in written.items():
            self.stdout.write(f"{year}年：已写入 {rows} 条执规率统计")
        self.stdout.write(f"用时 {time.monotonic() - started:.1f} 秒")
