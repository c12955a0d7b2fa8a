"""The stored step count per office (StepTally): the steps/ API's envelope
count for office-wide readers. Steps are only ever added (at launch; the admin
neither adds nor deletes them), so the launch adds what it creates, and a
department moving to another office recounts the offices concerned."""

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F

from config.tallies import summed_per_office, writers_held_off
from org.models import Department, Office
from workflows.models import Step, StepTally


def step_tallies_add(*, department_ids: Iterable[int]) -> None:
    """Count new steps (one department id per step) in their offices'
    tallies, in the caller's transaction. Offices not counted yet (no row)
    are left to the live count. Side effects: one UPDATE per office, in
    office order (two launches lock tallies in the same order)."""
    per_department = Counter((pk,) for pk in department_ids)
    if not per_department:
        return
    offices = dict(
        Department.objects.filter(pk__in=[k[0] for k in per_department]).values_list(
            "pk", "office_id"
        )
    )
    for (office_id,), n in sorted(summed_per_office(per_department, offices).items()):
        StepTally.objects.filter(office_id=office_id).update(steps=F("steps") + n)


def step_tallies_recount(*, office_ids: Iterable[int] | None = None) -> int:
    """Count the steps of these offices (None: every office) again and store
    them, creating the rows of offices not counted yet; returns how many
    offices. Holds off new steps until the caller's transaction ends."""
    with transaction.atomic():
        writers_held_off(Step)
        offices = Office.objects.all()
        if office_ids is not None:
            offices = offices.filter(pk__in=list(office_ids))
        ids = list(offices.values_list("pk", flat=True))
        counts = dict(
            Step.objects.filter(department__office_id__in=ids)
            .order_by()
            .values_list("department__office_id")
            .annotate(n=Count("id"))
        )
        StepTally.objects.bulk_create(
            [StepTally(office_id=pk, steps=counts.get(pk, 0)) for pk in sorted(ids)],
            update_conflicts=True,
            unique_fields=["office"],
            update_fields=["steps"],
        )
    return len(ids)


def step_tallies_missing() -> int:
    """Count the offices that have no stored step count yet (a new office,
    data loaded around the services); returns how many."""
    missing = Office.objects.exclude(
        pk__in=StepTally.objects.values("office_id")
    ).values_list("pk", flat=True)
    missing = list(missing)
    return step_tallies_recount(office_ids=missing) if missing else 0
