"""Load the demo district: idempotent, safe to run on every `make run`."""

import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

# Order follows the apps' dependencies; each app's demo module has
# seed(*, stdout) and runs only what it has not done before.
DEMO_MODULES = [
    "responsibilities.demo",
    "regulations.demo",
    "responsibilities.demo_lists",
    "workflows.demo",
    "notices.demo",
    "evaluation.demo",
    "supervision.demo",
]


class Command(BaseCommand):
    help = "载入演示数据(可重复执行)"

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        # Last, so `make run` leaves the accounts on screen above the server log.
        from responsibilities.demo import print_accounts

        print_accounts(stdout=self.stdout)
