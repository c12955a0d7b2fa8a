import datetime

import pytest
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from workflows import calendar, selectors, services
from workflows.models import FlowTemplate, Step, StepTemplate

pytestmark = pytest.mark.django_db


def _codes(flow):
    return list(
        StepTemplate.objects.filter(flow=flow)
        .order_by("order")
        .values_list("code", flat=True)
    )


def test_default_flows_seeded_with_parallel_training_and_measures():
    general = FlowTemplate.objects.get(code="general")
    simple = FlowTemplate.objects.get(code="simple")
    assert _codes(general) == [
        "launch",
        "training",
        "supporting_measures",
        "filing",
        "evaluation",
        "bulletin",
        "closure",
    ]
    assert _codes(simple) == ["launch", "implementation", "evaluation_closure"]
    parallel = StepTemplate.objects.filter(parallel=True).values_list("code", flat=True)
    assert list(parallel) == ["supporting_measures"]
    assert StepTemplate.objects.get(flow=general, code="training").name == "培训"


def test_step_template_add_move_delete(office_user, liaison):
    flow = FlowTemplate.objects.get(code="simple")
    values = {
        "code": "review",
        "name": "复查",
        "duration_days": 5,
        "base_points": 5,
        "high_points": 6,
        "evidence_kinds": ["report", "bogus"],
    }
    # the liaison may not edit
    with pytest.raises(NotAllowed):
        services.step_template_add(flow=flow, actor=liaison, **values)
    # add appends
    added = services.step_template_add(flow=flow, actor=office_user, **values)
    assert _codes(flow)[-1] == "review"
    assert added.evidence_kinds == ["report"]
    # a duplicate code or high < base is refused
    with pytest.raises(DomainError, match="已有代码"):
        services.step_template_add(flow=flow, actor=office_user, **values)
    with pytest.raises(DomainError, match="高点"):
        services.step_template_add(
            flow=flow, actor=office_user, **{**values, "code": "x", "high_points": 1}
        )
    # move up swaps with the neighbour
    services.step_template_move(step_template=added, actor=office_user, up=True)
    assert _codes(flow) == ["launch", "implementation", "review", "evaluation_closure"]
    # delete closes the gap
    services.step_template_delete(step_template=added, actor=office_user)
    assert _codes(flow) == ["launch", "implementation", "evaluation_closure"]
    assert list(
        StepTemplate.objects.filter(flow=flow)
        .order_by("order")
        .values_list("order", flat=True)
    ) == [1, 2, 3]


def test_step_list_light_red_yellow_green_and_approved(launch, dept_a, office_user):
    # given steps of a project starting in the future
    today = timezone.localdate()
    project = launch(starts_on=today + datetime.timedelta(days=30))
    steps = list(Step.objects.filter(project=project, department=dept_a))
    late, soon, edge, later, done = steps[:5]
    yesterday = today - datetime.timedelta(days=1)
    Step.objects.filter(pk=late.pk).update(due_on=yesterday)
    Step.objects.filter(pk=soon.pk).update(due_on=today)
    Step.objects.filter(pk=edge.pk).update(due_on=calendar.add_working_days(today, 3))
    Step.objects.filter(pk=later.pk).update(due_on=calendar.add_working_days(today, 4))
    Step.objects.filter(pk=done.pk).update(due_on=yesterday, status="approved")
    # when
    lights = dict(selectors.step_list(user=office_user).values_list("pk", "light"))
    # then: N = 3 working days by default
    assert lights[late.pk] == "red"
    assert lights[soon.pk] == "yellow"
    assert lights[edge.pk] == "yellow"
    assert lights[later.pk] == "green"
    assert lights[done.pk] == "green"
    # and the project shows its worst light
    project_row = selectors.project_list(user=office_user).get(pk=project.pk)
    assert project_row.light == "red"
    assert project_row.steps_red == 1
    counts = selectors.step_light_counts(user=office_user, year=project.year)
    # 2 office rows + the lead's 5 + the partner's 3
    assert counts == {"red": 1, "yellow": 2, "green": 7}


def test_step_list_yellow_window_follows_setting(launch, dept_a, office_user, settings):
    today = timezone.localdate()
    project = launch(starts_on=today + datetime.timedelta(days=30))
    step = Step.objects.filter(project=project, department=dept_a).first()
    Step.objects.filter(pk=step.pk).update(due_on=calendar.add_working_days(today, 5))
    settings.TRAFFIC_LIGHT_YELLOW_DAYS = 3
    assert selectors.step_get(user=office_user, pk=step.pk).light == "green"
    settings.TRAFFIC_LIGHT_YELLOW_DAYS = 5
    assert selectors.step_get(user=office_user, pk=step.pk).light == "yellow"


def test_selectors_scope_inspector_and_liaison(
    launch, dept_a, dept_a_child, liaison, outsider, inspector, leader
):
    # given a project of dept_a with its child village as partner
    project = launch(partner_departments=[dept_a_child])
    # then: the inspector supervises dept_a (and its subtree), the leader sees
    # all, the outsider nothing
    # dept_a's 5 steps and its village's 3; the leader also sees the office's 2
    assert selectors.step_list(user=inspector).count() == 8
    assert selectors.step_list(user=leader).count() == 10
    assert selectors.step_list(user=liaison).count() == 8
    assert selectors.step_list(user=outsider).count() == 0
    assert not selectors.project_list(user=outsider).exists()
    inbox = selectors.inbox_for(user=liaison)
    assert {s.department_id for s in inbox["steps"]} == {dept_a.pk}
    assert [r.project_id for r in inbox["receipts"]] == [project.pk]
