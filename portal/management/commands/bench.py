"""`make bench`: build district / city (/ province) data in its own PostgreSQL
database and time the pages, API calls, scan and rounds at each size."""

import json
import os
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from org.models import Office
from portal import bench
from portal.scale import seed_scale

# (name, districts in total at that scale)
SCALES = [("district", 1), ("city", 15), ("province", 150)]


def scale_of(districts: int) -> str:
    """The largest scale the data reaches: 1-14 districts are a district,
    15-149 a city, 150 and more a province."""
    if districts < 1:
        raise CommandError("数据库中没有区级数据：请先不带 --keep 运行。")
    return [name for name, size in SCALES if size <= districts][-1]


def _districts() -> int:
    return Office.objects.filter(kind=Office.Kind.DISTRICT).count()


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
            "--keep",
            action="store_true",
            help="measure the data already there, named by its number of districts",
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
        stamp = time.strftime("%Y%m%dT%H%M%S")
        if options["keep"]:
            # The data already there, named by its number of districts.
            self._measure(scale_of(_districts()), options["runs"], 0.0, stamp)
            return
        built = 0
        for scale, districts in SCALES:
            seconds = 0.0
            if districts > built:
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
            self._measure(scale, options["runs"], seconds, stamp)
            if scale == options["scale"]:
                break

    def _measure(self, scale: str, runs: int, seconds: float, stamp: str) -> None:
        """Time everything on the data there; print the table, write the JSON."""
        rounds = scale in os.environ.get(
            "BENCH_ROUND_SCALES", "district,city,province"
        ).split(",")
        rows = bench.Bench(runs=runs, stdout=self.stdout, rounds=rounds).run()
        sizes = bench.sizes()
        self.stdout.write(bench.table(scale, rows, sizes))
        out_dir = settings.VAR_DIR
        out_dir.mkdir(parents=True, exist_ok=True)
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

    def _recreate(self, name: str) -> None:
        connection.close()
        with connection._nodb_cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}"')
