"""Regulations on config.statemachine: moves as data, the history row as the
event, and the detail page's revise/repeal buttons from the machine."""

import pytest
from django.urls import reverse

from config.errors import InvalidTransition
from regulations.models import Regulation
from regulations.services import (
    REGULATION_MACHINE,
    regulation_repeal,
    regulation_revise,
)
from tests.factories import RegulationFactory

pytestmark = pytest.mark.django_db
S = Regulation.Status


def test_regulation_repeal_writes_the_history_row_as_event(office_user):
    # given
    regulation = RegulationFactory()

    # when
    regulation_repeal(regulation=regulation, user=office_user, reason="已失效")

    # then the latest history row says who, to what and why
    latest = regulation.history.first()
    assert latest.status == S.REPEALED
    assert latest.history_user == office_user
    assert latest.history_change_reason == "已失效"
    assert latest.prev_record.status == S.IN_FORCE


def test_regulation_repeal_twice_keeps_the_chinese_refusal(office_user):
    regulation = RegulationFactory()
    regulation_repeal(regulation=regulation, user=office_user)
    before = regulation.history.count()
    with pytest.raises(InvalidTransition) as caught:
        regulation_repeal(regulation=regulation, user=office_user)
    assert caught.value.message == "“已废止”的法规不能改为“已废止”"
    assert regulation.history.count() == before


def test_regulation_stale_copy_cannot_be_repealed_after_a_revision(office_user):
    # given a copy read before someone revised the regulation
    regulation = RegulationFactory()
    stale = Regulation.objects.get(pk=regulation.pk)
    regulation_revise(regulation=regulation, user=office_user, data={"title": "新"})

    # when / then the machine refuses the revise the copy still seems to allow
    with pytest.raises(InvalidTransition, match="已被他人修改"):
        REGULATION_MACHINE.apply(stale, action="revise", actor=office_user)
    assert Regulation.objects.get(pk=regulation.pk).status == S.AMENDED


def test_regulation_deleted_row_is_not_moved(office_user):
    # given a regulation deleted after it was read
    regulation = RegulationFactory()
    Regulation.objects.filter(pk=regulation.pk).update(is_deleted=True)

    # when / then the guard keeps the move off it
    with pytest.raises(InvalidTransition):
        REGULATION_MACHINE.apply(regulation, action="repeal", actor=office_user)
    assert Regulation.objects.get(pk=regulation.pk).status == S.IN_FORCE


@pytest.mark.parametrize(
    ("status", "revise", "repeal"),
    [(S.IN_FORCE, True, True), (S.AMENDED, False, True), (S.REPEALED, False, False)],
)
def test_regulation_detail_buttons_follow_the_machine(
    client, office_user, status, revise, repeal
):
    # given
    regulation = RegulationFactory(status=status)
    client.force_login(office_user)

    # when
    page = client.get(reverse("regulations:detail", args=[regulation.pk]))

    # then
    html = page.content.decode()
    assert (reverse("regulations:revise", args=[regulation.pk]) in html) is revise
    assert (reverse("regulations:repeal", args=[regulation.pk]) in html) is repeal
