"""Load the demo district (and a second, small one under a city office):
idempotent, safe to run on every `make run`."""

from django.core.management.base import BaseCommand
from django.db import transaction

from evaluation import demo as evaluation_demo
from notices import demo as notices_demo
from org import demo as org_demo
from portal import demo_city
from portal.demo import print_accounts
from regulations import demo as regulations_demo
from responsibilities import demo_lists as responsibilities_demo
from supervision import demo as supervision_demo
from workflows import demo as workflows_demo

# Bottom app first, as the apps depend on each other; each module has
# seed(*, stdout) and runs only what it has not done before.
DEMO_MODULES = [
    org_demo,
    regulations_demo,
    responsibilities_demo,
    workflows_demo,
    notices_demo,
    evaluation_demo,
    supervision_demo,
    demo_city,
]


class Command(BaseCommand):
    help = "载入演示数据(可重复执行)"

    def handle(self, *args, **options):
        for module in DEMO_MODULES:
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        # Last, so `make run` leaves the accounts on screen above the server log.
        print_accounts(stdout=self.stdout)
