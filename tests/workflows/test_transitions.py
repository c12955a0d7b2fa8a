import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.errors import DomainError, InvalidTransition, NotAllowed
from tests.factories import make_user
from workflows import services
from workflows.models import Event, ExecutionProject, Receipt, Step
from workflows.services.transitions import STEP_MACHINE, _transition

pytestmark = pytest.mark.django_db
S = Step.Status


def _step(project, dept, code="training"):
    return Step.objects.get(project=project, department=dept, code=code)


def _submit(step, user, text="已完成"):
    return services.step_submit(step=step, actor=user, text=text)


def test_step_transitions_table_allows_exactly_the_documented_moves():
    # given / then: the allowed moves are data
    allowed = {
        action: (sorted(move.sources), move.target)
        for action, move in STEP_MACHINE.moves.items()
    }
    unfinished = ["open", "returned", "submitted", "waiting"]
    assert allowed == {
        "open": (["waiting"], "open"),
        "submit": (["open", "returned"], "submitted"),
        "approve": (["submitted"], "approved"),
        "return": (["submitted"], "returned"),
        "office_done": (unfinished, "approved"),
        "cancel": (unfinished, "cancelled"),
    }


@pytest.mark.parametrize(
    "action", ["open", "submit", "approve", "return"], ids=lambda a: a
)
@pytest.mark.parametrize("status", list(S.values))
def test_step_transition_every_move_from_every_status(
    launch, dept_a, office_user, action, status
):
    # given a step forced into `status`
    project = launch()
    step = _step(project, dept_a)
    Step.objects.filter(pk=step.pk).update(status=status)
    step.refresh_from_db()
    sources, target = (
        STEP_MACHINE.moves[action].sources,
        STEP_MACHINE.moves[action].target,
    )
    events = Event.objects.filter(step=step).count()
    # when / then
    if status in sources:
        _transition(step, action=action, actor=office_user)
        step.refresh_from_db()
        assert step.status == target
        event = Event.objects.filter(step=step).last()
        assert (event.action, event.from_status, event.to_status) == (
            action,
            status,
            target,
        )
    else:
        with pytest.raises(InvalidTransition):
            _transition(step, action=action, actor=office_user)
        step.refresh_from_db()
        assert step.status == status
        assert Event.objects.filter(step=step).count() == events


def test_step_submit_approve_opens_next_stage_including_parallel(
    launch, dept_a, liaison, office_user
):
    # given a launched general project: the launch did the office's 执行发起
    project = launch()
    # then the lead's training and the parallel supporting_measures are open
    assert _step(project, dept_a, "training").status == S.OPEN
    assert _step(project, dept_a, "supporting_measures").status == S.OPEN
    assert _step(project, dept_a, "filing").status == S.WAITING
    # when only training is approved, filing still waits for its parallel twin
    training = _step(project, dept_a, "training")
    _submit(training, liaison)
    services.step_approve(step=training, actor=office_user)
    assert _step(project, dept_a, "filing").status == S.WAITING
    measures = _step(project, dept_a, "supporting_measures")
    _submit(measures, liaison)
    services.step_approve(step=measures, actor=office_user)
    assert _step(project, dept_a, "filing").status == S.OPEN


def test_step_return_requires_reason_then_resubmit(
    launch, dept_a, liaison, office_user
):
    # given a submitted step
    project = launch()
    step = _step(project, dept_a)
    _submit(step, liaison)
    # when returning without a reason
    with pytest.raises(DomainError, match="退回原因"):
        services.step_return(step=step, actor=office_user, reason="  ")
    step.refresh_from_db()
    assert step.status == S.SUBMITTED
    # when returning with a reason
    services.step_return(step=step, actor=office_user, reason="缺少会议记录")
    # then
    step.refresh_from_db()
    assert (step.status, step.return_count) == (S.RETURNED, 1)
    assert Event.objects.filter(step=step, action="return").last().reason == (
        "缺少会议记录"
    )
    # and the department resubmits
    _submit(step, liaison, text="已补充会议记录")
    step.refresh_from_db()
    assert step.status == S.SUBMITTED
    assert step.evidence.count() == 2


def test_step_approve_last_step_completes_project(
    office_user, liaison, regulation, dept_a
):
    # given a simple project with dept_a only
    project = services.project_launch(
        regulation=regulation,
        year=2026,
        lead_department=dept_a,
        flow_code="simple",
        starts_on=datetime.date(2026, 3, 2),
        actor=office_user,
    )
    # when each of dept_a's steps is submitted and approved in turn
    for code in ["implementation", "evaluation_closure"]:
        step = _step(project, dept_a, code)
        assert step.status == S.OPEN
        project.refresh_from_db()
        assert project.status == ExecutionProject.Status.ACTIVE
        _submit(step, liaison)
        services.step_approve(step=step, actor=office_user)
    # then: 三步法 has no 通报, so the last approval closes the project
    project.refresh_from_db()
    assert project.status == ExecutionProject.Status.CLOSED
    assert project.get_status_display() == "已闭环"
    assert project.completed_at is not None
    assert Event.objects.filter(project=project, action="close").count() == 1


def test_step_actions_refused_for_wrong_people(
    launch, dept_a, liaison, outsider, office_user, inspector
):
    # given an open step of dept_a
    project = launch()
    step = _step(project, dept_a)
    # then: office, outsiders and inspectors cannot submit for dept_a
    for user in (office_user, outsider, inspector):
        with pytest.raises(NotAllowed):
            _submit(step, user)
    _submit(step, liaison)
    # and liaisons cannot review
    for user in (liaison, outsider, inspector):
        with pytest.raises(NotAllowed):
            services.step_approve(step=step, actor=user)
        with pytest.raises(NotAllowed):
            services.step_return(step=step, actor=user, reason="x")
    step.refresh_from_db()
    assert step.status == S.SUBMITTED


def test_receipt_confirm_is_idempotent_and_own_department_only(
    launch, dept_a, liaison, outsider
):
    # given
    project = launch()
    receipt = Receipt.objects.get(project=project, department=dept_a)
    # when
    with pytest.raises(NotAllowed):
        services.receipt_confirm(receipt=receipt, actor=outsider)
    services.receipt_confirm(receipt=receipt, actor=liaison)
    first = receipt.confirmed_at
    services.receipt_confirm(receipt=receipt, actor=liaison)
    # then
    receipt.refresh_from_db()
    assert receipt.confirmed_at == first is not None
    assert Event.objects.filter(project=project, action="receipt").count() == 1


def test_step_submit_confirms_receipt(launch, dept_a, liaison):
    project = launch()
    _submit(_step(project, dept_a), liaison)
    assert Receipt.objects.get(project=project, department=dept_a).confirmed_at


def test_step_conditional_update_second_reviewer_gets_invalid_transition(
    launch, dept_a, liaison, office_user
):
    # given two office users who both loaded the same submitted step
    project = launch()
    step = _step(project, dept_a)
    _submit(step, liaison)
    other = make_user("office", office_user.membership.department, username="office2")
    seen_by_first = Step.objects.get(pk=step.pk)
    seen_by_second = Step.objects.get(pk=step.pk)
    # when the first approves and the second returns on a stale copy
    services.step_approve(step=seen_by_first, actor=office_user)
    with pytest.raises(InvalidTransition):
        services.step_return(step=seen_by_second, actor=other, reason="材料不全")
    # then exactly one result
    step.refresh_from_db()
    assert (step.status, step.return_count) == (S.APPROVED, 0)
    assert (
        Event.objects.filter(step=step, action__in=["approve", "return"]).count() == 1
    )


def test_step_transition_uses_conditional_update(launch, dept_a, liaison):
    # given an open step
    project = launch()
    step = _step(project, dept_a)
    # when
    with CaptureQueriesContext(connection) as ctx:
        _submit(step, liaison)
    # then the step row is changed only where it is still open
    updates = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('UPDATE "workflows_step"')
    ]
    assert len(updates) == 1
    where = updates[0].split("WHERE", 1)[1]
    assert '"status" = ' in where and "open" in where


def test_step_submit_evidence_files_written_under_media_root(
    launch, dept_a, liaison, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = str(tmp_path)
    project = launch()
    step = _step(project, dept_a)
    upload = SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4 test", "application/pdf")
    # when
    evidence = services.step_submit(
        step=step, actor=liaison, text="部署会议", files=[upload]
    )
    # then
    record = evidence.files.get()
    assert record.original_name == "会议记录.pdf"
    path = tmp_path / record.file.name
    assert path.is_file() and path.read_bytes() == b"%PDF-1.4 test"
    assert str(path).startswith(str(tmp_path / "evidence"))


@pytest.mark.parametrize(
    "name,size,message",
    [
        ("病毒.exe", 10, "类型不允许"),
        ("大文件.pdf", 2048, "超过大小限制"),
    ],
)
def test_step_submit_bad_file_changes_nothing(
    launch, dept_a, liaison, settings, tmp_path, name, size, message
):
    # given a 1 KB limit
    settings.MEDIA_ROOT = str(tmp_path)
    settings.EVIDENCE_MAX_FILE_SIZE = 1024
    project = launch()
    step = _step(project, dept_a)
    good = SimpleUploadedFile("ok.txt", b"ok")
    bad = SimpleUploadedFile(name, b"x" * size)
    # when
    with pytest.raises(DomainError, match=message):
        services.step_submit(step=step, actor=liaison, text="x", files=[good, bad])
    # then nothing written
    step.refresh_from_db()
    assert step.status == S.OPEN
    assert not step.evidence.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_step_flag_for_bulletin_once(launch, dept_a):
    # given an open step
    project = launch()
    step = _step(project, dept_a)
    # when flagged twice
    assert services.step_flag_for_bulletin(step=step) is True
    assert services.step_flag_for_bulletin(step=step) is False
    # then one event, status unchanged
    step.refresh_from_db()
    assert step.flagged_for_bulletin and step.status == S.OPEN
    assert Event.objects.filter(step=step, action="flag").count() == 1
