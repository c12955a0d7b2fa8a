"""factory_boy factories shared by the whole suite (exposed as fixtures in conftest).

Each app's issue may append factories here for its own models.
"""

import factory
from django.contrib.auth import get_user_model

from org.models import Department, Membership, Role
from regulations.models import Regulation
from responsibilities.models import ResponsibilityList


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
