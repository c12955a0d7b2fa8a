"""`make bench`: build district / city (/ province) data in its own PostgreSQL
database and time the pages, API calls, scan and rounds at each size."""

import json
import os
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal import bench
from portal.scale import seed_scale

# (name, districts in total at that scale)
SCALES = [("district", 1), ("city", 15), ("province", 150)]


class Command(BaseCommand):
    help = "性能基准：在专用数据库中生成区、市(、省)规模数据并计时"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            default=os.environ.get("BENCH_SCALE", "city"),
            choices=[name for name, _ in SCALES],
            help="largest scale to build (default city; BENCH_SCALE=province)",
        )
        parser.add_argument(
            "--projects-per-district",
            type=int,
            default=int(os.environ.get("BENCH_PROJECTS", 800)),
        )
        parser.add_argument(
            "--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 20))
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--keep", action="store_true", help="measure the data already there"
        )

    def handle(self, *args, **options):
        name = settings.DATABASES["default"]["NAME"]
        if connection.vendor != "postgresql" or not str(name).endswith("bench"):
            raise CommandError(
                "基准测试需要专用的 PostgreSQL 数据库(名称以 bench 结尾)，例如 "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhigui_bench；"
                "请用 `make bench`。"
            )
        if not options["keep"]:
            self._recreate(name)
        call_command("migrate", verbosity=0, interactive=False)
        out_dir = settings.VAR_DIR
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        built = 0
        for scale, districts in SCALES:
            seconds = 0.0
            if districts > built and not options["keep"]:
                self.stdout.write(
                    f"生成 {scale} 规模数据：新增 {districts - built} 个区…"
                )
                started = time.monotonic()
                seed_scale(
                    districts=districts - built,
                    projects_per_district=options["projects_per_district"],
                    seed=options["seed"] + built,
                    stdout=self.stdout,
                )
                seconds = time.monotonic() - started
                built = districts
                self.stdout.write(f"  用时 {seconds:.1f} 秒")
            rounds = scale in os.environ.get(
                "BENCH_ROUND_SCALES", "district,city,province"
            ).split(",")
            rows = bench.Bench(
                runs=options["runs"], stdout=self.stdout, rounds=rounds
            ).run()
            sizes = bench.sizes()
            self.stdout.write(bench.table(scale, rows, sizes))
            path = out_dir / f"bench-{scale}-{stamp}.json"
            path.write_text(
                json.dumps(
                    bench.report(scale, rows, sizes, seconds),
                    ensure_ascii=False,
                    indent=2,
                    default=str,
                )
            )
            self.stdout.write(f"  JSON: {path}")
            if scale == options["scale"] or options["keep"]:
                break

    def _recreate(self, name: str) -> None:
        connection.close()
        with connection._nodb_cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}"')
