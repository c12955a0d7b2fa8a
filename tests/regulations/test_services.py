import pytest
from django.core.exceptions import ValidationError

from config.errors import DomainError, InvalidTransition
from regulations import selectors, services
from regulations.models import Regulation
from tests.factories import RegulationFactory, ResponsibilityFactory

pytestmark = pytest.mark.django_db

DATA = {
    "title": "中国共产党纪律处分条例",
    "document_number": "中发〔2018〕25号",
    "issuer": "中共中央",
    "level": "central",
    "form": "regulation",
    "branch": "supervision",
}


def test_regulation_create_records_history_by_user(office_user):
    # when
    regulation = services.regulation_create(user=office_user, data=DATA)
    # then
    assert regulation.status == Regulation.Status.IN_FORCE
    assert regulation.created_by == office_user
    record = regulation.history.get()
    assert record.history_user == office_user
    assert record.history_type == "+"


def test_regulation_create_refuses_duplicate_title_and_number(office_user):
    # given
    services.regulation_create(user=office_user, data=DATA)
    # when / then
    with pytest.raises(ValidationError) as caught:
        services.regulation_create(user=office_user, data=DATA)
    assert "同名称、同文号" in caught.value.message_dict["title"][0]
    assert Regulation.objects.count() == 1


def test_regulation_create_refuses_unknown_level(office_user):
    with pytest.raises(ValidationError) as caught:
        services.regulation_create(user=office_user, data={**DATA, "level": "galactic"})
    assert "level" in caught.value.message_dict
    assert not Regulation.objects.exists()


def test_regulation_revise_marks_old_amended_and_links_chain(office_user):
    # given
    old = services.regulation_create(user=office_user, data=DATA)
    # when
    new = services.regulation_revise(
        regulation=old,
        user=office_user,
        data={"document_number": "中发〔2023〕22号", "published_on": "2023-12-19"},
    )
    # then
    old.refresh_from_db()
    assert old.status == Regulation.Status.AMENDED
    assert new.status == Regulation.Status.IN_FORCE
    assert new.replaces == old
    assert new.title == old.title and new.issuer == old.issuer
    assert selectors.revision_chain(regulation=new) == [old, new]
    assert selectors.revision_chain(regulation=old) == [old, new]
    # the status move is in the history, by whom and why
    latest = old.history.first()
    assert latest.status == Regulation.Status.AMENDED
    assert latest.history_user == office_user
    assert latest.history_change_reason == "已被修订"


def test_regulation_revise_twice_is_refused(office_user):
    # given
    old = services.regulation_create(user=office_user, data=DATA)
    services.regulation_revise(
        regulation=old, user=office_user, data={"document_number": "二版"}
    )
    # when / then: the caller still holds the stale in-force copy
    stale = Regulation.objects.get(pk=old.pk)
    stale.status = Regulation.Status.IN_FORCE
    with pytest.raises(InvalidTransition):
        services.regulation_revise(
            regulation=stale, user=office_user, data={"document_number": "三版"}
        )
    assert Regulation.objects.filter(replaces=old).count() == 1


def test_regulation_revise_with_duplicate_number_writes_nothing(office_user):
    # given: the new version would repeat the old title and number
    old = services.regulation_create(user=office_user, data=DATA)
    # when
    with pytest.raises(ValidationError):
        services.regulation_revise(
            regulation=old,
            user=office_user,
            data={"document_number": DATA["document_number"]},
        )
    # then: the old version is still in force (one transaction)
    old.refresh_from_db()
    assert old.status == Regulation.Status.IN_FORCE
    assert Regulation.objects.count() == 1


def test_regulation_repeal_then_revise_is_refused(office_user):
    regulation = RegulationFactory()
    services.regulation_repeal(regulation=regulation, user=office_user)
    assert regulation.status == Regulation.Status.REPEALED
    with pytest.raises(InvalidTransition):
        services.regulation_revise(regulation=regulation, user=office_user, data={})
    with pytest.raises(InvalidTransition):
        services.regulation_repeal(regulation=regulation, user=office_user)


def test_regulation_update_cannot_change_status(office_user):
    regulation = RegulationFactory()
    with pytest.raises(DomainError):
        services.regulation_update(
            regulation=regulation, user=office_user, data={"status": "repealed"}
        )
    regulation.refresh_from_db()
    assert regulation.status == Regulation.Status.IN_FORCE


def test_regulation_update_history_shows_changed_field(office_user):
    # given
    regulation = services.regulation_create(user=office_user, data=DATA)
    # when
    services.regulation_update(
        regulation=regulation, user=office_user, data={"issuer": "中共中央办公厅"}
    )
    # then
    entries = selectors.regulation_history(regulation=regulation)
    assert entries[0]["user"] == office_user
    assert entries[0]["changes"] == [
        {
            "field": "issuer",
            "label": "制定机关",
            "old": "中共中央",
            "new": "中共中央办公厅",
        }
    ]


def test_regulation_delete_is_soft_and_hides_it(office_user):
    # given
    regulation = RegulationFactory()
    # when
    services.regulation_delete(regulation=regulation, user=office_user)
    # then: the row and its history are kept, but nobody lists it
    assert Regulation.objects.filter(pk=regulation.pk, is_deleted=True).exists()
    assert regulation not in selectors.regulation_list(user=office_user)
    assert regulation.history.first().history_change_reason == "删除"
    # and the same title may be registered again
    services.regulation_create(
        user=office_user,
        data={
            "title": regulation.title,
            "issuer": "中共中央",
            "level": "central",
            "form": "regulation",
        },
    )


def test_regulation_delete_refused_when_used_by_a_list(office_user):
    # given
    responsibility = ResponsibilityFactory()
    # when / then
    with pytest.raises(DomainError):
        services.regulation_delete(
            regulation=responsibility.regulation, user=office_user
        )
    assert not Regulation.objects.filter(is_deleted=True).exists()


def test_regulation_revise_moves_active_responsibilities_to_new_version(
    office_user, dept_a
):
    # given: department A leads the old version; an inactive row stays behind
    lead = ResponsibilityFactory(department=dept_a)
    old = lead.regulation
    retired = ResponsibilityFactory(regulation=old, kind="driver", is_active=False)
    # when
    new = services.regulation_revise(
        regulation=old, user=office_user, data={"document_number": "新版"}
    )
    # then
    lead.refresh_from_db()
    retired.refresh_from_db()
    assert lead.regulation == new
    assert retired.regulation == old
    assert lead.history.first().history_user == office_user


def test_regulation_revise_can_leave_responsibilities_behind(office_user):
    lead = ResponsibilityFactory()
    old = lead.regulation
    services.regulation_revise(
        regulation=old,
        user=office_user,
        data={"document_number": "新版"},
        carry_responsibilities=False,
    )
    lead.refresh_from_db()
    assert lead.regulation == old
