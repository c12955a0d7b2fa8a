import io

from django.utils import timezone

from notices import demo
from notices.models import ImplementationReport, Notice
from org.models import Role
from tests import factories
from tests.notices.conftest import make_project
from workflows.calendar import subtract_working_days


def test_demo_seed_creates_notices_once(
    office_user, dept_a, dept_b, liaison, step_factory
):
    # given an overdue step and a second department with a liaison
    factories.make_user(Role.LIAISON, dept_b, username="liaison_b_demo")
    today = timezone.localdate()
    project = make_project(lead=dept_a, starts_on=today)
    step_factory(
        project=project, department=dept_a, due_on=subtract_working_days(today, 12)
    )
    # when the demo is seeded twice
    out = io.StringIO()
    demo.seed(stdout=out)
    first = Notice.objects.count()
    demo.seed(stdout=out)
    # then warnings up the ladder, two 交办单, one answered; nothing doubled
    assert Notice.objects.count() == first
    levels = set(
        Notice.objects.filter(kind=Notice.Kind.WARNING, step__isnull=False).values_list(
            "level", flat=True
        )
    )
    assert levels == {1, 2, 3}
    assert Notice.objects.filter(kind=Notice.Kind.ASSIGNMENT).count() == 2
    assert ImplementationReport.objects.filter(status="submitted").count() == 1
    assert "三单一表" in out.getvalue()
