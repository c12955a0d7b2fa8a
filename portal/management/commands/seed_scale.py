"""Fill PostgreSQL with a city or province of districts (试点扩面) for `make bench`."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal.scale import seed_scale

SQLITE_MAX_DISTRICTS = 2


class Command(BaseCommand):
    help = "生成多区规模数据(市级或省级)，用于性能基准测试"

    def add_arguments(self, parser):
        parser.add_argument("--districts", type=int, required=True)
        parser.add_argument("--projects-per-district", type=int, default=800)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        districts = options["districts"]
        if districts < 1 or options["projects_per_district"] < 1:
            raise CommandError("区数和每区项目数都必须至少为 1。")
        if connection.vendor != "postgresql" and districts > SQLITE_MAX_DISTRICTS:
            raise CommandError(
                f"规模数据需要 PostgreSQL(设置 DATABASE_URL=postgres://...)；"
                f"SQLite 最多生成 {SQLITE_MAX_DISTRICTS} 个区。"
            )
        started = time.monotonic()
        counts = seed_scale(
            districts=districts,
            projects_per_district=options["projects_per_district"],
            seed=options["seed"],
            stdout=self.stdout,
        )
        seconds = time.monotonic() - started
        for table, rows in counts.items():
            self.stdout.write(f"  {table}: {rows}")
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {districts} 个区的数据，用时 {seconds:.1f} 秒。"
            )
        )
