"""三家联评 and the survey of 多元互评: bodies' marks combine with their weights,
a round waits for every body, and a survey sheet imports all or nothing."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from config.errors import DomainError, NotAllowed
from config.tabular import read_rows
from evaluation import selectors, services
from evaluation.models import (
    BodyMark,
    CreditRecord,
    EvaluatingBody,
    EvaluationRound,
    SurveyResult,
)
from org.models import Role
from tests import factories
from tests.evaluation.conftest import approved_on_time, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def discipline(db):
    return factories.DepartmentFactory(code="JW", name="区纪委监委")


@pytest.fixture
def joint_round(office_user, dept_a, dept_b, discipline):
    """dept_a and dept_b 10/12 each (83.33); bodies 区委办 60%, 组织部 20%,
    纪委监委 20% on the general flow's standard."""
    for department in (dept_a, dept_b):
        approved_on_time(make_project(lead=department), department)
    round_ = services.round_create(year=2026, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    standard = round_.standards.get(flow_code="general")
    EvaluatingBody.objects.create(
        standard=standard,
        name="区委办",
        kind=EvaluatingBody.Kind.RECORD,
        weight=Decimal("0.6"),
        order=1,
    )
    EvaluatingBody.objects.create(
        standard=standard,
        name="区委组织部",
        department=dept_a,
        weight=Decimal("0.2"),
        order=2,
    )
    EvaluatingBody.objects.create(
        standard=standard,
        name="区纪委监委",
        department=discipline,
        weight=Decimal("0.2"),
        order=3,
    )
    return round_


def _body(name):
    return EvaluatingBody.objects.get(name=name)


@pytest.fixture
def organization_leader(dept_a):
    return factories.make_user(Role.LEADER, dept_a, username="leader_zzb")


@pytest.fixture
def discipline_inspector(discipline):
    return factories.make_user(Role.INSPECTOR, discipline, username="inspector_jw")


def test_joint_three_bodies_combine_with_weights(
    office_user,
    joint_round,
    dept_a,
    dept_b,
    organization_leader,
    discipline_inspector,
):
    # given 组织部 marks dept_a 90, dept_b 70; 纪委监委 marks dept_a 80, dept_b 100
    for department, mark in ((dept_a, 90), (dept_b, 70)):
        services.body_mark_enter(
            round=joint_round,
            body=_body("区委组织部"),
            department=department,
            mark=mark,
            comment="作风扎实",
            actor=organization_leader,
        )
    for department, mark in ((dept_a, 80), (dept_b, 100)):
        services.body_mark_enter(
            round=joint_round,
            body=_body("区纪委监委"),
            department=department,
            mark=mark,
            actor=discipline_inspector,
        )

    # when
    services.round_review(round=joint_round, actor=office_user)
    services.round_publish(round=joint_round, actor=office_user)

    # then record-based 100 x 10/12 = 83.33 for both:
    # dept_a: 0.6 x 83.33 + 0.2 x 90 + 0.2 x 80  = 49.998 + 18 + 16 = 84.00
    # dept_b: 0.6 x 83.33 + 0.2 x 70 + 0.2 x 100 = 49.998 + 14 + 20 = 84.00
    credit = {c.department_id: c.score for c in CreditRecord.objects.all()}
    assert credit[dept_a.pk] == Decimal("84.00")
    assert credit[dept_b.pk] == Decimal("84.00")
    district = selectors.rankings(year=2026, kind="district")
    row = next(r for r in district if r["department_id"] == dept_a.pk)
    assert row["total"] == Decimal("84.00")
    assert row["bodies"]["区委组织部"] == Decimal("90")


def test_joint_weights_change_the_order(
    office_user, joint_round, dept_a, dept_b, organization_leader
):
    # given only 组织部 marks (dept_a 100, dept_b 50); 纪委监委 recorded missing
    services.body_mark_enter(
        round=joint_round,
        body=_body("区委组织部"),
        department=dept_a,
        mark=100,
        actor=organization_leader,
    )
    services.body_mark_enter(
        round=joint_round,
        body=_body("区委组织部"),
        department=dept_b,
        mark=50,
        actor=office_user,  # the office enters on the body's behalf
    )
    services.body_missing_record(
        round=joint_round,
        body=_body("区纪委监委"),
        reason="本季度未开展评价",
        actor=office_user,
    )

    # when
    rows = {
        r["department_id"]: r["score"]
        for r in services.combined_scores(
            joint_round.evaluations.all(), round_=joint_round
        )
    }

    # then the missing body drops out, the others scale to 100% (0.6 + 0.2):
    # dept_a: (0.6 x 83.33 + 0.2 x 100) / 0.8 = (49.998 + 20) / 0.8 = 87.50
    # dept_b: (0.6 x 83.33 + 0.2 x 50) / 0.8 = (49.998 + 10) / 0.8 = 75.00
    assert rows[dept_a.pk] == Decimal("87.50")
    assert rows[dept_b.pk] == Decimal("75.00")


def test_joint_review_refused_while_a_body_is_missing(
    office_user, joint_round, dept_a, dept_b, organization_leader
):
    # given 组织部 marked both, 纪委监委 nobody
    for department in (dept_a, dept_b):
        services.body_mark_enter(
            round=joint_round,
            body=_body("区委组织部"),
            department=department,
            mark=90,
            actor=organization_leader,
        )

    # when / then
    with pytest.raises(DomainError, match="“区纪委监委”还有2个单位未评分"):
        services.round_review(round=joint_round, actor=office_user)
    joint_round.refresh_from_db()
    assert joint_round.status == EvaluationRound.Status.DRAFT

    # when the office records why, the round may be reviewed
    services.body_missing_record(
        round=joint_round,
        body=_body("区纪委监委"),
        reason="换届期间未评",
        actor=office_user,
    )
    services.round_review(round=joint_round, actor=office_user)
    joint_round.refresh_from_db()
    assert joint_round.status == EvaluationRound.Status.REVIEWED


def test_joint_marks_only_by_the_bodys_people_or_the_office(
    joint_round, dept_a, liaison, discipline_inspector, organization_leader
):
    body = _body("区委组织部")
    # an inspector of another body is refused
    with pytest.raises(NotAllowed):
        services.body_mark_enter(
            round=joint_round,
            body=body,
            department=dept_a,
            mark=80,
            actor=discipline_inspector,
        )
    # a liaison of the body's own department has no marking role
    with pytest.raises(NotAllowed):
        services.body_mark_enter(
            round=joint_round, body=body, department=dept_a, mark=80, actor=liaison
        )
    # the record body is computed, not entered
    with pytest.raises(DomainError, match="系统计算"):
        services.body_mark_enter(
            round=joint_round,
            body=_body("区委办"),
            department=dept_a,
            mark=80,
            actor=organization_leader,
        )
    with pytest.raises(DomainError, match="0到100"):
        services.body_mark_enter(
            round=joint_round,
            body=body,
            department=dept_a,
            mark=101,
            actor=organization_leader,
        )
    # only the office records a missing body
    with pytest.raises(NotAllowed):
        services.body_missing_record(
            round=joint_round, body=body, reason="无", actor=organization_leader
        )
    assert not BodyMark.objects.exists()


def _sheet(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["单位名称", "满意", "基本满意", "不满意"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "survey.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_survey_import_counts_in_the_combined_score(
    office_user, joint_round, dept_a, dept_b, organization_leader, discipline_inspector
):
    # given a survey body of 20% (the office now 40%) and both bodies' marks 80
    EvaluatingBody.objects.filter(name="区委办").update(weight=Decimal("0.4"))
    EvaluatingBody.objects.create(
        standard=joint_round.standards.get(flow_code="general"),
        name="群众企业评价",
        kind=EvaluatingBody.Kind.SURVEY,
        weight=Decimal("0.2"),
        order=4,
    )
    for body, actor in (
        ("区委组织部", organization_leader),
        ("区纪委监委", discipline_inspector),
    ):
        for department in (dept_a, dept_b):
            services.body_mark_enter(
                round=joint_round,
                body=_body(body),
                department=department,
                mark=80,
                actor=actor,
            )
    with pytest.raises(DomainError, match="“群众企业评价”还有2个单位未评分"):
        services.round_review(round=joint_round, actor=office_user)

    # when the survey sheet is imported: dept_a 45+5 of 50, dept_b 30+10 of 50
    rows = read_rows(_sheet([["区委组织部", 45, 5, 0], [dept_b.name, 30, 10, 10]]))
    report = services.survey_import(
        round=joint_round, rows=rows, actor=office_user, commit=True
    )

    # then rate 100% and 80%;
    # dept_a: 0.4 x 83.33 + 0.2 x 80 + 0.2 x 80 + 0.2 x 100 = 33.332 + 52 = 85.33
    # dept_b: 0.4 x 83.33 + 0.2 x 80 + 0.2 x 80 + 0.2 x 80  = 33.332 + 48 = 81.33
    assert report.committed and report.created == 2
    scores = {
        r["department_id"]: r["score"]
        for r in services.combined_scores(
            joint_round.evaluations.all(), round_=joint_round
        )
    }
    assert scores[dept_a.pk] == Decimal("85.33")
    assert scores[dept_b.pk] == Decimal("81.33")
    services.round_review(round=joint_round, actor=office_user)


def test_survey_import_is_all_or_nothing(office_user, joint_round, dept_a, liaison):
    # given a sheet with an unknown unit, a bad count and a duplicate
    rows = read_rows(
        _sheet(
            [
                ["区委组织部", 10, 2, 1],
                ["不存在的局", 1, 1, 1],
                ["区委组织部", "很多", 0, 0],
            ]
        )
    )

    # when
    report = services.survey_import(
        round=joint_round, rows=rows, actor=office_user, commit=True
    )

    # then nothing is written and each bad row is named in Chinese
    assert not report.committed
    assert not SurveyResult.objects.exists()
    messages = [str(e) for e in report.errors]
    assert "第3行「单位名称」：找不到单位“不存在的局”" in messages
    assert any(m.startswith("第4行「满意」：“很多”不是人数") for m in messages)
    assert "第4行「单位名称」：与第2行重复" in messages
    # and only the office imports
    with pytest.raises(NotAllowed):
        services.survey_import(
            round=joint_round, rows=rows, actor=liaison, commit=False
        )


def test_joint_page_enters_a_mark_and_edits_weights(
    client, office_user, joint_round, dept_a, organization_leader, discipline
):
    # given the 组织部 leader on the round's 三家联评 page
    client.force_login(organization_leader)
    url = f"/evaluation/rounds/{joint_round.pk}/joint/"
    body = _body("区委组织部")
    assert client.get(url).status_code == 200

    # when the leader enters a mark
    client.post(
        url,
        {"action": "mark", "body": body.pk, "department": dept_a.pk, "mark": "88"},
    )

    # then it is stored under the body
    assert BodyMark.objects.get(body=body, department=dept_a).mark == Decimal("88")

    # when the office edits the weights on the standard page (the version is used
    # by the round, so a new version holds them)
    client.force_login(office_user)
    standard = body.standard
    ids = {b.name: b.pk for b in standard.bodies.all()}
    client.post(
        f"/evaluation/standards/{standard.pk}/edit/",
        {
            f"weight_{ids['区委办']}": "50",
            f"weight_{ids['区委组织部']}": "25",
            f"weight_{ids['区纪委监委']}": "25",
        },
    )
    current = type(standard).objects.get(flow_code="general", is_current=True)
    assert current.pk != standard.pk
    assert {b.name: b.weight for b in current.bodies.all()} == {
        "区委办": Decimal("0.50"),
        "区委组织部": Decimal("0.25"),
        "区纪委监委": Decimal("0.25"),
    }
    # and the round keeps the weights it used
    assert standard.bodies.get(name="区委办").weight == Decimal("0.60")
