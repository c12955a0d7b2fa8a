"""A round counts working days on its office's own calendar (issue 13): a
holiday only 秀洲 keeps shortens 秀洲's late receipt, not 南湖's."""

import datetime
from decimal import Decimal

import pytest

from evaluation import services
from evaluation.models import Evaluation
from org.models import Office
from tests import factories
from tests.evaluation.conftest import at_noon, make_project, make_step
from tests.evaluation.test_standards_office import _district
from workflows import calendar
from workflows.models import CalendarDay, Receipt

pytestmark = pytest.mark.django_db
D = datetime.date


def _late_receipt_points(office, staff, department) -> Decimal:
    """The receipt line of a department that confirmed on Thu Mar 5 a receipt
    due Mon Mar 2 (three working days late on the plain calendar)."""
    project = make_project(lead=department)
    make_step(project, department, "training", due_on=D(2026, 3, 2))
    Receipt.objects.create(
        project=project,
        department=department,
        due_on=D(2026, 3, 2),
        confirmed_at=at_noon(D(2026, 3, 5)),
    )
    round_ = services.round_create(year=2026, office=office, actor=staff)
    services.round_propose_all(round=round_, actor=staff, today=D(2026, 3, 25))
    sheet = Evaluation.objects.get(round=round_, department=department)
    return sheet.deductions.get(kind="receipt").points


def test_round_propose_counts_late_days_on_the_office_calendar(office_user):
    # given 秀洲 keeps Wed Mar 4 as its own holiday; 南湖 (the default) does not
    home_department = factories.DepartmentFactory(code="NH-D", name="南湖区部门")
    office, staff, department = _district("xz", "秀洲")
    CalendarDay.objects.create(office=office, date=D(2026, 3, 4), is_workday=False)
    calendar.clear_cache()

    # when each office proposes its round over the same late receipt
    home = _late_receipt_points(Office.default(), office_user, home_department)
    xiuzhou = _late_receipt_points(office, staff, department)

    # then 南湖 counts 3 late working days (3 x 0.20), 秀洲 only 2
    assert home == Decimal("0.60")
    assert xiuzhou == Decimal("0.40")
