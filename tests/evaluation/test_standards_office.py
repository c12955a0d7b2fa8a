"""Scoring standards per office (issue 13): the default (全市默认, office
NULL) and a district's override (本区调整). Run on SQLite and on PostgreSQL
(DATABASE_URL)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from config.errors import DomainError
from evaluation import selectors, services
from evaluation.models import Evaluation, ScoringStandard
from org.models import Department, Office, Role
from tests import factories
from tests.evaluation.conftest import make_project, make_step

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 3, 25)


def _district(code, name):
    """A second district office with its office staff and one department."""
    office = factories.make_district_office(code, name, prefix=name, sort_order=10)
    staff = factories.make_office_staff(
        office, code=f"{code}-QWB", username=f"office_{code}"
    )
    department = factories.DepartmentFactory(
        code=f"{code}-D", name=f"{name}区部门", kind="district", office=office
    )
    return office, staff, department


@pytest.fixture
def home(office_user):
    """The default office (its staff: office_user) and one department of it."""
    department = factories.DepartmentFactory(code="NH-D", name="南湖区部门")
    return Office.default(), office_user, department


@pytest.fixture
def xz(home):
    return _district("xz", "秀洲")


@pytest.fixture
def jx(home):
    return _district("jx", "嘉兴")


def _general():
    return services.standard_ensure_default(flow_code="general")


def _training_marks(standard):
    step = standard.steps.get(code="training")
    return step.base_points, step.high_points


def _propose_one(office, staff, department):
    """A round of `office` over one project: its department does 培训 on time,
    rated 合格 (so the mark is the standard's 基点)."""
    project = make_project(lead=department)
    make_step(
        project,
        department,
        "training",
        due_on=D(2026, 3, 2),
        approved_on=D(2026, 3, 2),
        rating="pass",
    )
    round_ = services.round_create(year=2026, office=office, actor=staff)
    services.round_propose_all(round=round_, actor=staff, today=TODAY)
    return round_, Evaluation.objects.get(round=round_, department=department)


def test_standards_current_is_the_default_until_an_office_adjusts(xz, jx):
    # given the default standard and no override
    default = _general()
    office, staff, _ = xz

    # when 秀洲 adjusts its general standard
    override = services.standard_override_create(
        office=office, flow_code="general", actor=staff
    )

    # then 秀洲 gets its override, 嘉兴 and the default office the default
    assert selectors.standards_current(office=office)["general"] == override
    assert selectors.standards_current(office=jx[0])["general"] == default
    assert selectors.standards_current(office=Office.default())["general"] == default
    assert selectors.standards_current(office=None)["general"] == default


def test_standard_override_create_copies_the_default_as_version_1(xz):
    # given the default general standard
    default = _general()
    office, staff, _ = xz

    # when
    override = services.standard_override_create(
        office=office, flow_code="general", actor=staff
    )

    # then a copy of the office, version 1, current; the default stays current
    assert (override.office, override.version, override.is_current) == (office, 1, True)
    assert _training_marks(override) == _training_marks(default)
    assert override.rules.count() == default.rules.count() > 0
    assert override.indicators.count() == default.indicators.count()
    default.refresh_from_db()
    assert default.is_current and default.office is None
    with pytest.raises(DomainError):  # a second one is refused
        services.standard_override_create(
            office=office, flow_code="general", actor=staff
        )
    assert ScoringStandard.objects.filter(office=office).count() == 1


def test_propose_two_districts_with_different_marks_score_differently(home, xz):
    # given 秀洲 lowers 培训's marks in its override; the default office keeps
    # the default's
    default = _general()
    office, staff, department = xz
    override = services.standard_override_create(
        office=office, flow_code="general", actor=staff
    )
    services.standard_update(
        standard=override,
        actor=staff,
        steps={"training": (Decimal("5"), Decimal("6"))},
    )

    # when each office proposes the same shape of project
    home_round, home_sheet = _propose_one(*home)
    xz_round, xz_sheet = _propose_one(office, staff, department)

    # then each round uses its office's standard, and the scores differ
    assert home_round.standards.get(flow_code="general") == default
    assert xz_round.standards.get(flow_code="general") == override
    base, high = _training_marks(default)
    assert (home_sheet.proposed_total, home_sheet.max_total) == (base, high)
    assert (xz_sheet.proposed_total, xz_sheet.max_total) == (Decimal("5"), Decimal("6"))
    assert home_sheet.standard_id == default.pk
    assert xz_sheet.standard_id == override.pk


def _standard_reads(office, staff, quarter, batch_size):
    """Propose a fresh round of `office` (quarter `quarter`) with the standard
    left to proposal; the number of reads of the standards table."""
    round_ = services.round_create(
        year=2026, quarter=quarter, office=office, actor=staff
    )
    round_.standards.clear()  # proposal resolves it
    with CaptureQueriesContext(connection) as queries:
        services.round_propose_all(
            round=round_, actor=staff, today=TODAY, batch_size=batch_size
        )
    reads = sum('FROM "evaluation_scoringstandard"' in q["sql"] for q in queries)
    return round_, reads


def test_propose_resolves_the_standard_once_per_round(xz):
    # given 秀洲's override and three projects of 秀洲
    office, staff, department = xz
    override = services.standard_override_create(
        office=office, flow_code="general", actor=staff
    )
    for n in range(3):
        dept = factories.DepartmentFactory(
            code=f"xz-E{n}", kind="district", office=office
        )
        project = make_project(lead=dept)
        make_step(project, dept, "training", approved_on=D(2026, 3, 2))

    # when one round proposes them in one batch and another in three
    one, reads_one = _standard_reads(office, staff, 1, batch_size=50)
    three, reads_three = _standard_reads(office, staff, 2, batch_size=1)

    # then the standard is read as often for three batches as for one, and
    # both rounds took the override for all their sheets
    assert reads_three == reads_one
    for round_ in (one, three):
        assert list(round_.standards.all()) == [override]
        assert set(
            Evaluation.objects.filter(round=round_).values_list(
                "standard_id", flat=True
            )
        ) == {override.pk}


def test_standard_override_edit_after_use_makes_an_office_version(xz):
    # given 秀洲's override used by its round
    office, staff, department = xz
    default = _general()
    override = services.standard_override_create(
        office=office, flow_code="general", actor=staff
    )
    round_, _ = _propose_one(office, staff, department)

    # when 秀洲 edits it
    new = services.standard_update(
        standard=override,
        actor=staff,
        steps={"training": (Decimal("7"), Decimal("9"))},
    )

    # then its version 2 is current, the round keeps version 1, the default
    # is untouched
    assert (new.office, new.version, new.is_current) == (office, 2, True)
    override.refresh_from_db()
    assert not override.is_current
    assert round_.standards.get(flow_code="general") == override
    default.refresh_from_db()
    assert default.is_current and default.version == 1
    assert _training_marks(default) != (Decimal("7"), Decimal("9"))


def test_standard_override_drop_returns_to_the_default_and_keeps_rows(xz):
    # given 秀洲's override, used by a round
    office, staff, department = xz
    default = _general()
    override = services.standard_override_create(
        office=office, flow_code="general", actor=staff
    )
    round_, _ = _propose_one(office, staff, department)
    count = ScoringStandard.objects.count()

    # when
    now = services.standard_override_drop(
        office=office, flow_code="general", actor=staff
    )

    # then the default applies again, nothing deleted, the round keeps its own
    assert now == default
    assert selectors.standards_current(office=office)["general"] == default
    assert ScoringStandard.objects.count() == count
    override.refresh_from_db()
    assert not override.is_current
    assert round_.standards.get(flow_code="general") == override
    with pytest.raises(DomainError):  # nothing left to drop
        services.standard_override_drop(office=office, flow_code="general", actor=staff)

    # and adjusting again starts the office's next version
    again = services.standard_override_create(
        office=office, flow_code="general", actor=staff
    )
    assert again.version == 2


def test_standard_override_the_default_office_has_none(home):
    # given the default office's staff
    office, staff, _ = home
    _general()

    # when / then: its standard is the default, edited directly
    with pytest.raises(DomainError):
        services.standard_override_create(
            office=office, flow_code="general", actor=staff
        )
    assert not ScoringStandard.objects.filter(office__isnull=False).exists()


def test_standard_constraint_refuses_two_current_defaults():
    # given the current default general standard
    _general()

    # when / then another current default of the flow is refused
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoringStandard.objects.create(flow_code="general", version=2, name="x")


def test_standard_constraint_refuses_a_default_version_twice():
    # given
    first = _general()

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoringStandard.objects.create(
            flow_code="general", version=first.version, name="x", is_current=False
        )


def test_standard_constraint_allows_one_current_override_per_office(xz, jx):
    # given the current default
    _general()

    # when both districts hold a current version 1 of their own
    for office in (xz[0], jx[0]):
        ScoringStandard.objects.create(
            office=office, flow_code="general", version=1, name="本区"
        )

    # then the three are current together; a second current one per office
    # is refused
    assert ScoringStandard.objects.filter(is_current=True).count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoringStandard.objects.create(
            office=xz[0], flow_code="general", version=2, name="本区"
        )


def test_standard_override_outsider_office_cannot_edit_it(xz, jx):
    # given 秀洲's override
    office, staff, _ = xz
    override = services.standard_override_create(
        office=office, flow_code="general", actor=staff
    )
    marks = _training_marks(override)
    outsider = jx[1]

    # when / then 嘉兴's staff may neither edit, nor drop it, nor adjust 秀洲's
    with pytest.raises(PermissionDenied):
        services.standard_update(
            standard=override,
            actor=outsider,
            steps={"training": (Decimal("1"), Decimal("2"))},
        )
    with pytest.raises(PermissionDenied):
        services.standard_override_drop(
            office=office, flow_code="general", actor=outsider
        )
    with pytest.raises(PermissionDenied):
        services.standard_bodies_set(standard=override, bodies=[], actor=outsider)
    override.refresh_from_db()
    assert override.is_current and _training_marks(override) == marks
    assert ScoringStandard.objects.count() == 2


def test_standard_default_only_the_default_office_edits_it(home, xz):
    # given the default standard
    default = _general()
    marks = _training_marks(default)

    # when a district's staff edits it: refused, nothing changed
    with pytest.raises(PermissionDenied):
        services.standard_update(
            standard=default,
            actor=xz[1],
            steps={"training": (Decimal("1"), Decimal("2"))},
        )
    assert _training_marks(default) == marks

    # then the default office's staff may
    services.standard_update(
        standard=default,
        actor=home[1],
        steps={"training": (Decimal("1"), Decimal("2"))},
    )
    assert _training_marks(default) == (Decimal("1"), Decimal("2"))


def test_standard_edit_page_outsider_gets_403(client, xz, jx):
    # given 秀洲's override
    office, staff, _ = xz
    override = services.standard_override_create(
        office=office, flow_code="general", actor=staff
    )
    marks = _training_marks(override)
    client.force_login(jx[1])

    # when 嘉兴's staff posts an edit of it
    response = client.post(
        f"/evaluation/standards/{override.pk}/edit/",
        {"base_training": "1", "high_training": "2"},
    )

    # then
    assert response.status_code == 403
    assert _training_marks(override) == marks


def test_standards_page_city_user_reads_and_cannot_write(client, xz):
    # given a city office over 秀洲, with 秀洲's override
    office, staff, _ = xz
    city = Office.objects.create(
        code="jxs", name="市委办", number_prefix="市", kind=Office.Kind.CITY
    )
    Office.objects.filter(pk=office.pk).update(parent=city)
    city_dept = factories.DepartmentFactory(
        code="SWB", kind=Department.Kind.OFFICE, office=city
    )
    reader = factories.make_user(Role.OFFICE, city_dept, username="city")
    override = services.standard_override_create(
        office=office, flow_code="general", actor=staff
    )
    client.force_login(reader)

    # when
    page = client.get("/evaluation/standards/?office=xz")
    drop = client.post(
        "/evaluation/standards/override/",
        {"flow": "general", "action": "drop", "office": "xz"},
    )

    # then it reads 秀洲's standards, without forms; writing is refused
    assert page.status_code == 200
    text = page.content.decode()
    assert ">本区调整</span>" in text and ">恢复全市默认</button>" not in text
    assert 'name="base_training"' not in text
    assert drop.status_code == 403
    override.refresh_from_db()
    assert override.is_current


def test_standards_page_district_adjusts_then_returns_to_default(client, xz):
    # given 秀洲's staff on the standards page, with the default only
    office, staff, _ = xz
    default = _general()
    client.force_login(staff)
    before = client.get("/evaluation/standards/").content.decode()

    # when they adjust the general standard, then drop back
    client.post(
        "/evaluation/standards/override/", {"flow": "general", "action": "create"}
    )
    adjusted = client.get("/evaluation/standards/").content.decode()
    override = ScoringStandard.objects.get(office=office)
    client.post(
        "/evaluation/standards/override/", {"flow": "general", "action": "drop"}
    )

    # then the page first offers 按本区调整 with the default read-only, then
    # shows the override editable with 恢复全市默认
    assert ">按本区调整</button>" in before and ">全市默认</span>" in before
    assert 'name="base_training"' not in before
    assert ">恢复全市默认</button>" in adjusted and ">本区调整</span>" in adjusted
    assert f"/evaluation/standards/{override.pk}/edit/" in adjusted
    assert 'name="base_training"' in adjusted
    assert selectors.standards_current(office=office)["general"] == default


def test_standards_page_bad_override_request_changes_nothing(client, xz):
    # given 秀洲's staff
    office, staff, _ = xz
    _general()
    client.force_login(staff)

    # when they post an unknown flow, then an unknown action
    client.post("/evaluation/standards/override/", {"flow": "nope", "action": "create"})
    unknown = client.post(
        "/evaluation/standards/override/", {"flow": "general", "action": "x"}
    )

    # then nothing was made
    assert unknown.status_code == 404
    assert not ScoringStandard.objects.filter(office=office).exists()


def test_standard_override_create_leaves_out_other_offices_departments(home, xz):
    # given the default standard's 三家联评 bodies, one marked by a department
    # of the default office
    _, home_staff, home_department = home
    default = services.standard_bodies_set(
        standard=_general(),
        bodies=[
            {"name": "区委办", "kind": "record", "weight": "0.7"},
            {
                "name": "组织部",
                "kind": "marks",
                "weight": "0.3",
                "department": home_department,
            },
        ],
        actor=home_staff,
    )
    office, staff, _ = xz

    # when 秀洲 adjusts it
    override = services.standard_override_create(
        office=office, flow_code="general", actor=staff
    )

    # then the bodies and weights are copied, without the other office's
    # department (秀洲's office enters that body's marks)
    bodies = {b.name: (b.weight, b.department_id) for b in override.bodies.all()}
    assert bodies == {
        "区委办": (Decimal("0.70"), None),
        "组织部": (Decimal("0.30"), None),
    }
    assert default.bodies.get(name="组织部").department == home_department
