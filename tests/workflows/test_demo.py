import io

import pytest
from django.contrib.auth import get_user_model

from notices.models import Notice
from org.models import Office
from portal import demo_city
from tests.factories import DepartmentFactory, ResponsibilityFactory
from workflows import demo, selectors
from workflows.models import Event, ExecutionProject, Receipt, Step

pytestmark = pytest.mark.django_db


def _lead_list(rows: int) -> None:
    """A lead list of `rows` rows (two per launch wave) of both flows.

    (Fixed codes: a department's habit in the demo comes from its code, so
    factory sequence numbers, which depend on the tests run before, must not
    decide what a test sees.)"""
    for index in range(rows):
        row = ResponsibilityFactory(
            department=DepartmentFactory(code=f"DEMO{index}"),
            default_flow="simple" if index % 3 == 2 else "general",
        )
        row.partner_departments.set([DepartmentFactory(code=f"DEMOP{index}")])


def test_demo_seed_is_alive_and_idempotent(office_user, settings, tmp_path):
    # given a lead list of ten rows (two per launch wave) of both flows
    settings.MEDIA_ROOT = str(tmp_path)
    _lead_list(10)
    # when seeding twice
    demo.seed(stdout=io.StringIO())
    counts = (ExecutionProject.objects.count(), Step.objects.count())
    events = Event.objects.count()
    demo.seed(stdout=io.StringIO())
    # then the second run adds nothing
    assert (ExecutionProject.objects.count(), Step.objects.count()) == counts
    assert Event.objects.count() == events
    # and the district is alive: both flows, several states
    assert set(ExecutionProject.objects.values_list("flow", flat=True)) == {
        "general",
        "simple",
    }
    statuses = set(Step.objects.values_list("status", flat=True))
    assert {"approved", "open", "waiting"} <= statuses
    assert statuses & {"submitted", "returned"}
    assert Event.objects.filter(action="return").exclude(reason="").exists()
    # and each receipt's project_active follows its project, ended ones too
    ended = Receipt.objects.exclude(project__status=ExecutionProject.Status.ACTIVE)
    assert ended.exists() and not ended.filter(project_active=True).exists()
    assert not Receipt.objects.filter(
        project__status=ExecutionProject.Status.ACTIVE, project_active=False
    ).exists()


def _rows_of(page_context) -> list:
    """The objects a list page shows (a page, or the inbox's three lists)."""
    if "page" in page_context:
        return list(page_context["page"].object_list)
    return [
        *page_context["notices"],
        *page_context["receipts"],
        *page_context["steps"],
    ]


def test_demo_second_district_and_city_each_see_their_own(
    client, office_user, settings, tmp_path
):
    # given the demo district (a small lead list) seeded
    settings.MEDIA_ROOT = str(tmp_path)
    _lead_list(6)
    demo.seed(stdout=io.StringIO())
    nanhu = Office.default()
    # when the second district and the city are seeded, twice
    demo_city.seed(stdout=io.StringIO())
    counts = (ExecutionProject.objects.count(), Notice.objects.count())
    demo_city.seed(stdout=io.StringIO())
    # then the second run adds nothing
    assert (ExecutionProject.objects.count(), Notice.objects.count()) == counts
    # and 秀洲 and the city exist, the city above both districts
    city = Office.objects.get(code="jiaxing", kind=Office.Kind.CITY)
    xiuzhou = Office.objects.get(code="xiuzhou", kind=Office.Kind.DISTRICT)
    nanhu.refresh_from_db()
    assert nanhu.parent == city and xiuzhou.parent == city
    # and 秀洲 has projects and notices numbered with its own prefix
    assert ExecutionProject.objects.filter(office=xiuzhou).count() >= 4
    numbers = list(
        Notice.objects.filter(department__office=xiuzhou)
        .exclude(number="")  # reminders carry no number
        .values_list("number", flat=True)
    )
    assert len(numbers) >= 4
    assert all(n.startswith("秀洲执规") for n in numbers), numbers
    home = Notice.objects.filter(department__office=nanhu).exclude(number="")
    assert home.exists() and not home.filter(number__startswith="秀洲").exists()
    users = get_user_model().objects

    # when the city user opens the comparison
    client.force_login(users.get(username="city"))
    response = client.get("/offices/")
    # then both districts are compared, each with a published round's numbers
    assert response.status_code == 200
    rows = {row["office"].code: row for row in response.context["rows"]}
    assert set(rows) == {nanhu.code, "xiuzhou"}
    # with the stored on-time figures, as the daily refresh leaves them
    assert "执规率统计于" in response.content.decode()
    assert rows["xiuzhou"]["ranked"] > 0
    assert sum(n for _, n in rows["xiuzhou"]["grades"]) > 0

    # when 秀洲's liaison opens its lists
    liaison = users.get(username="liaison_xiuzhou")
    client.force_login(liaison)
    seen = []
    for url in ["/inbox/", "/notices/?tab=all", "/workflows/steps/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        seen += _rows_of(response.context)
    # then it sees its own rows, none of 南湖's
    assert seen
    offices = {row.department.office_id for row in seen}
    assert offices == {xiuzhou.pk}
    assert not Receipt.objects.filter(
        department__office=nanhu, confirmed_by=liaison
    ).exists()
    # and 秀洲's office staff list only 秀洲's projects
    staff = users.get(username="office_xiuzhou")
    projects = selectors.project_list(user=staff, filters={})
    assert projects.exists()
    assert set(projects.values_list("office_id", flat=True)) == {xiuzhou.pk}
