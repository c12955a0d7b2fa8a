"""Count every office's steps and notices again (workflows.StepTally,
notices.NoticeTally), after data was written around the services (SQL, a
load): the steps/ and notices/ envelopes of office-wide readers read them."""

import time

from django.core.management.base import BaseCommand

from notices.services.tallies import notice_tallies_recount
from workflows.services.tallies import step_tallies_recount


class Command(BaseCommand):
    help = "重新统计各办公室的步骤数和通知数(步骤、通知列表的总数使用)"

    def handle(self, *args, **options):
        started = time.monotonic()
        steps = step_tallies_recount()
        notices = notice_tallies_recount()
        self.stdout.write(
            f"已重新统计 {steps} 个办公室的步骤数、{notices} 个办公室的通知数，"
            f"用时 {time.monotonic() - started:.1f} 秒"
        )
