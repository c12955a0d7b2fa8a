"""manage.py round_run --year 2026 [--quarter 2] [--publish] [--office nanhu]"""

from django.core.management.base import BaseCommand, CommandError

from config.errors import DomainError
from evaluation.services.run import round_run, round_summary
from org.models import Office


class Command(BaseCommand):
    help = (
        "创建(或重新计算)某期间的评价轮次草稿并生成全部评分表；"
        "加 --publish 则复核并发布。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, default=0, choices=[0, 1, 2, 3, 4])
        parser.add_argument("--publish", action="store_true")
        parser.add_argument(
            "--office", default="", help="办公室编码 (默认：第一个区委办)"
        )

    def handle(self, *args, year, quarter, publish, office, **options):
        found = None
        if office:
            found = Office.objects.filter(code=office).first()
            if found is None:
                raise CommandError(f"办公室编码不存在：{office}")
        try:
            result = round_run(
                year=year, quarter=quarter, publish=publish, office=found
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        round_ = result.round
        verb = "created" if result.created else "recomputed"
        self.stdout.write(
            f"{verb} round #{round_.pk} {round_.name} "
            f"(as of {round_.as_of:%Y-%m-%d}): {result.sheets} sheets"
        )
        if result.published:
            summary = round_summary(round_)
            grades = ", ".join(f"{g}={n}" for g, n in summary["grades"].items())
            self.stdout.write(
                f"published: {summary['ranked']} departments ranked ({grades}); "
                f"{result.closed_projects} projects closed"
            )
        else:
            self.stdout.write("left as a draft (use --publish to publish)")
