"""The supervision demo: 室组地 with a commission per town, idempotent."""

import io

import pytest
from django.contrib.auth import get_user_model

from org import demo as org_demo
from org.models import Department
from org.selectors import visible_departments
from supervision import demo
from supervision.models import SupervisingUnit

pytestmark = pytest.mark.django_db


def test_demo_units_one_room_its_groups_a_commission_per_town():
    # given the demo district
    org_demo.seed(stdout=io.StringIO())
    # when seeded twice
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    # then
    kinds = list(SupervisingUnit.objects.values_list("kind", flat=True))
    towns = Department.objects.filter(kind="town").count()
    assert kinds.count("room") == 1
    assert kinds.count("group") == 4
    assert kinds.count("local") == towns == 7
    room = SupervisingUnit.objects.get(kind="room")
    assert room.covers_units.count() == 4 and room.covers_departments.count() == 7
    users = get_user_model().objects
    fqz = set(visible_departments(users.get(username="inspector_fqz")))
    assert {d.name for d in fqz} == {"凤桥镇纪委", "联丰村", "新民村"}
    room_sees = visible_departments(users.get(username="inspector_room"))
    assert room_sees.filter(kind="village").count() == 8
    assert room_sees.filter(code="SFJ").exists()  # via 第四派驻纪检组
