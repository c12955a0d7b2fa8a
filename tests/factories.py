"""factory_boy factories shared by the whole suite (exposed as fixtures in conftest).

Each app's issue may append factories here for its own models.
"""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from evaluation.models import EvaluationRound
from evaluation.services.standards import standard_ensure_default
from notices.models import ImplementationReport, Notice
from notices.services.warned import warned_levels_record
from org.models import Department, Membership, Office, Role
from regulations.models import Regulation
from responsibilities.models import ResponsibilityList
from workflows.flows import DEFAULT_FLOWS
from workflows.models import Event, ExecutionProject, FlowTemplate, Receipt, Step


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Department.Kind.DISTRICT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-12345")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_user(role: str, department: Department | None = None, **kwargs):
    """A user with a membership of `role` in `department`."""
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, role=role, department=department)
    if role == Role.OFFICE:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def make_city_office() -> Office:
    """嘉兴市委办, the city office above the districts (reads them, writes none)."""
    return Office.objects.create(
        code="jiaxing", name="嘉兴市委办", kind=Office.Kind.CITY, number_prefix="嘉"
    )


def make_district_office(
    code: str, name: str, *, parent: Office | None = None, prefix=None, sort_order=2
) -> Office:
    """A second district office, e.g. ("xiuzhou", "秀洲") → 秀洲区委办 numbering
    its notices 秀洲执规…"""
    return Office.objects.create(
        code=code,
        name=f"{name}区委办",
        kind=Office.Kind.DISTRICT,
        parent=parent,
        number_prefix=prefix or f"{name}执规",
        sort_order=sort_order,
    )


def make_office_staff(office: Office, *, code: str, username: str):
    """The office's own 区委办 unit and one staff user of it."""
    unit = DepartmentFactory(
        code=code, name=office.name, kind=Department.Kind.OFFICE, office=office
    )
    return make_user(Role.OFFICE, unit, username=username)


class RegulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regulation

    title = factory.Sequence(lambda n: f"中国共产党测试条例{n}")
    issuer = "中共中央"
    level = Regulation.Level.CENTRAL
    form = Regulation.Form.REGULATION
    branch = Regulation.Branch.ORGANIZATION


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsibilityList

    kind = ResponsibilityList.Kind.LEAD
    regulation = factory.SubFactory(RegulationFactory)
    department = factory.SubFactory(DepartmentFactory)
    duty = "牵头抓好贯彻执行"


def at_noon(day: datetime.date) -> datetime.datetime:
    """Noon of `day` in the local time zone (a time no working-day rule is near)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def make_accepted_assignment(department, *, due_on, completed_on, reviewed_at):
    """A 交办单 to `department` whose 落实表 the office has accepted."""
    notice = Notice.objects.create(
        kind=Notice.Kind.ASSIGNMENT,
        year=due_on.year,
        department=department,
        title="交办单",
        due_on=due_on,
        status=Notice.Status.ACCEPTED,
    )
    ImplementationReport.objects.create(
        notice=notice,
        measures="m",
        result="r",
        person_responsible="p",
        completed_on=completed_on,
        status=ImplementationReport.Status.ACCEPTED,
        reviewed_at=reviewed_at,
    )
    return notice


def flow_template(code: str) -> FlowTemplate:
    """The flow of that code; a transactional test may have flushed the seeded one."""
    flow, _ = FlowTemplate.objects.get_or_create(
        code=code, defaults={"name": DEFAULT_FLOWS[code]["name"]}
    )
    return flow


def _step_name(flow: str, code: str) -> str:
    names = {step[0]: step[1] for step in DEFAULT_FLOWS.get(flow, {}).get("steps", ())}
    return names.get(code, code)


class ExecutionProjectFactory(factory.django.DjangoModelFactory):
    """A project as launched, without its steps: add them with StepFactory.

    `partners=[...]` sets the partner departments.
    """

    class Meta:
        model = ExecutionProject
        skip_postgeneration_save = True

    regulation = factory.SubFactory(RegulationFactory)
    year = 2026
    flow = FlowTemplate.Code.GENERAL
    flow_template = factory.LazyAttribute(lambda o: flow_template(o.flow))
    lead_department = factory.SubFactory(DepartmentFactory)
    starts_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 3, 2))

    @factory.post_generation
    def partners(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.partner_departments.set(extracted)


class StepFactory(factory.django.DjangoModelFactory):
    """One department's step with the record a scan or a score reads.

    Open unless `approved_on` (a date) is given: then approved at noon that day.
    With `record` (default) the step's history is written too: one return event
    per `return_count` and an approve event when approved.
    """

    class Meta:
        model = Step
        skip_postgeneration_save = True

    class Params:
        approved_on = None

    project = factory.SubFactory(ExecutionProjectFactory)
    department = factory.LazyAttribute(lambda o: o.project.lead_department)
    code = "launch"
    name = factory.LazyAttribute(lambda o: _step_name(o.project.flow, o.code))
    order = 1
    duration_days = 5
    base_points = Decimal("10")
    high_points = Decimal("12")
    due_on = datetime.date(2026, 3, 2)
    starts_on = factory.LazyAttribute(lambda o: o.due_on - datetime.timedelta(days=7))
    status = factory.LazyAttribute(
        lambda o: Step.Status.APPROVED if o.approved_on else Step.Status.OPEN
    )
    approved_at = factory.LazyAttribute(
        lambda o: at_noon(o.approved_on) if o.approved_on else None
    )
    return_count = 0
    rating = factory.LazyAttribute(lambda o: Step.Rating.PASS if o.approved_on else "")

    @factory.post_generation
    def record(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        # Dated as it happened: rounds read the record as of their as-of date.
        for _ in range(obj.return_count):
            _event(
                obj,
                "return",
                "submitted",
                "returned",
                at=at_noon(obj.due_on),
                reason="材料不全",
            )
        if obj.approved_at:
            _event(obj, "approve", "submitted", "approved", at=obj.approved_at)


def _event(step: Step, action: str, from_status: str, to_status: str, *, at, **kw):
    event = Event.objects.create(
        project=step.project,
        step=step,
        department=step.department,
        action=action,
        from_status=from_status,
        to_status=to_status,
        **kw,
    )
    Event.objects.filter(pk=event.pk).update(created_at=at)
    return event


class ReceiptFactory(factory.django.DjangoModelFactory):
    """A department's receipt of its part of a project; `confirmed=True` signs it."""

    class Meta:
        model = Receipt

    class Params:
        confirmed = factory.Trait(
            confirmed_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
        )

    project = factory.SubFactory(ExecutionProjectFactory)
    department = factory.LazyAttribute(lambda o: o.project.lead_department)
    due_on = factory.LazyAttribute(lambda o: o.project.starts_on)
    confirmed_at = None
    # as the project machine keeps it (a factory may make a project ended)
    project_active = factory.LazyAttribute(
        lambda o: o.project.status == ExecutionProject.Status.ACTIVE
    )


class NoticeFactory(factory.django.DjangoModelFactory):
    """A notice (a warning by default) as a scan raised it, not yet delivered.

    Given a `step`, it concerns that step's department and project.
    """

    class Meta:
        model = Notice
        skip_postgeneration_save = True

    step = None
    project = factory.LazyAttribute(lambda o: o.step.project if o.step else None)
    department = factory.Maybe(
        "step",
        yes_declaration=factory.LazyAttribute(lambda o: o.step.department),
        no_declaration=factory.SubFactory(DepartmentFactory),
    )
    kind = Notice.Kind.WARNING
    year = factory.LazyAttribute(lambda o: o.project.year if o.project else 2026)
    level = 1
    title = factory.LazyAttribute(lambda o: f"{Notice.Kind(o.kind).label}{o.level}")
    # As notice_create does: a warning raises its subject's kept level.
    warned = factory.PostGeneration(
        lambda notice, create, extracted, **kwargs: (
            warned_levels_record(notices=[notice]) if create else None
        )
    )


class EvaluationRoundFactory(factory.django.DjangoModelFactory):
    """A draft round of a year (quarter 0) using the current standards of both
    flows (seeded from the flow templates when there are none)."""

    class Meta:
        model = EvaluationRound
        skip_postgeneration_save = True

    year = 2026
    quarter = EvaluationRound.Quarter.YEAR
    name = factory.LazyAttribute(
        lambda o: f"{o.year}年{EvaluationRound.Quarter(o.quarter).label}执规评价"
    )
    status = EvaluationRound.Status.DRAFT

    @factory.post_generation
    def standards(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [
                standard_ensure_default(flow_code=code, office=obj.office_id)
                for code in FlowTemplate.Code.values
            ]
        obj.standards.set(extracted)
