"""室组地: an inspector of each kind sees exactly what the unit covers."""

import datetime

import pytest

from org.selectors import visible_departments
from supervision import selectors, services

pytestmark = pytest.mark.django_db


def _names(departments):
    return {d.name for d in departments}


def test_unit_scope_group_sees_its_departments_not_another_groups(
    districts, unit_inspectors
):
    # when
    own = _names(visible_departments(unit_inspectors["g"]))
    outsider = _names(visible_departments(unit_inspectors["g2"]))
    # then
    assert own == {"派驻第一纪检组", "区委组织部", "组织部下属村社"}
    assert outsider == {"派驻第二纪检组", "区司法局"}


def test_unit_scope_room_sees_its_groups_and_towns_not_another_rooms(
    districts, unit_inspectors
):
    # when
    own = _names(visible_departments(unit_inspectors["room"]))
    outsider = _names(visible_departments(unit_inspectors["room2"]))
    # then: the union of group G (and what it supervises) and town T's subtree
    assert own == {
        "第一监督检查室",
        "派驻第一纪检组",
        "区委组织部",
        "组织部下属村社",
        "凤桥镇",
        "联丰村",
        "新民村",
    }
    assert outsider == {"第二监督检查室", "派驻第二纪检组", "区司法局"}


def test_unit_scope_local_sees_its_towns_villages_only(districts, unit_inspectors):
    # when
    own = _names(visible_departments(unit_inspectors["local"]))
    outsider = _names(visible_departments(unit_inspectors["local2"]))
    # then: villages, not the town's own records, not another town's
    assert own == {"凤桥镇纪委", "联丰村", "新民村"}
    assert outsider == {"余新镇纪委", "余新村"}


def test_unit_scope_decides_records_and_recording(
    districts, unit_inspectors, office_user
):
    # given an inspection of a village of town T
    inspection = services.inspection_record(
        actor=office_user,
        kind="open",
        inspected_on=datetime.date(2026, 5, 12),
        inspectors="周涛",
        department=districts["v1"],
    )
    # when
    seen = {
        key: list(selectors.inspection_list(user=user))
        for key, user in unit_inspectors.items()
    }
    # then the room and the local see it; the others (and each outsider) do not
    assert {k for k, rows in seen.items() if rows} == {"room", "local"}
    assert seen["local"] == [inspection]
    # and the local may record at its villages, the other local may not
    services.inspection_record(
        actor=unit_inspectors["local"],
        kind="open",
        inspected_on=datetime.date(2026, 5, 13),
        inspectors="镇纪委 王",
        department=districts["v2"],
    )
    from config.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.inspection_record(
            actor=unit_inspectors["local2"],
            kind="open",
            inspected_on=datetime.date(2026, 5, 13),
            inspectors="镇纪委 李",
            department=districts["v2"],
        )


def test_supervising_units_api_scoped(
    client, districts, unit_inspectors, office_user, liaison
):
    # given / when
    client.force_login(office_user)
    office = client.get("/api/v1/supervising-units/").json()
    rooms = client.get("/api/v1/supervising-units/", {"kind": "room"}).json()
    client.force_login(unit_inspectors["room"])
    room = client.get("/api/v1/supervising-units/").json()
    client.force_login(liaison)
    outsider = client.get("/api/v1/supervising-units/").json()

    # then
    assert office["count"] == 6
    assert {r["name"] for r in rooms["results"]} == {"第一监督检查室", "第二监督检查室"}
    assert {r["name"] for r in room["results"]} == {"第一监督检查室", "派驻第一纪检组"}
    room_row = next(r for r in room["results"] if r["kind"] == "room")
    assert {c["name"] for c in room_row["covers"]} == {"派驻第一纪检组", "凤桥镇"}
    assert outsider["count"] == 0
