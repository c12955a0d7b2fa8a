"""config.hooks: how a lower app calls the apps above it."""

import pytest

from config.hooks import Hook
from evaluation.services.rounds import (
    round_sheets_recount_for_departments,
    round_sheets_recount_for_project,
)
from notices.services import (
    notification_confirm_for_receipt,
    notification_send_for_launch,
)
from org import hooks as org_hooks
from regulations import hooks as regulation_hooks
from responsibilities.selectors import (
    regulation_deletion_refusal as responsibilities_refusal,
)
from responsibilities.selectors import regulation_responsibilities
from responsibilities.services.lists import responsibility_carry_to_revision
from workflows import hooks as workflow_hooks
from workflows.selectors import regulation_deletion_refusal as workflows_refusal


def test_hook_calls_registered_functions_once_each_in_order():
    # given
    hook = Hook("sample", arguments=("value",))
    calls = []

    def first(*, value):
        calls.append(("first", value))
        return 1

    def second(*, value):
        calls.append(("second", value))
        return 2

    hook.register(first)
    hook.register(second)
    hook.register(first)  # ready() may run twice
    # when
    answers = hook(value=7)
    # then
    assert answers == [1, 2]
    assert calls == [("first", 7), ("second", 7)]


def test_hook_refuses_arguments_it_does_not_declare():
    # given
    hook = Hook("sample", arguments=("value",))
    hook.register(lambda *, value: value)
    # when / then
    with pytest.raises(TypeError, match="sample"):
        hook(value=1, other=2)


def test_hook_lets_errors_through_so_a_transaction_rolls_back():
    # given
    hook = Hook("sample", arguments=())

    def broken():
        raise ValueError("boom")

    hook.register(broken)
    # when / then
    with pytest.raises(ValueError, match="boom"):
        hook()


def test_hooks_are_filled_in_by_the_apps_above():
    # then: the apps above registered their services at start
    assert workflow_hooks.project_launched._functions == [notification_send_for_launch]
    assert workflow_hooks.receipt_confirmed._functions == [
        notification_confirm_for_receipt
    ]
    assert workflow_hooks.project_withdrawn._functions == [
        round_sheets_recount_for_project
    ]
    assert org_hooks.departments_moved._functions == [
        round_sheets_recount_for_departments
    ]
    assert regulation_hooks.regulation_responsibilities._functions == [
        regulation_responsibilities
    ]
    assert regulation_hooks.carry_to_revision._functions == [
        responsibility_carry_to_revision
    ]
    # list rows are checked before projects, as the office reads the refusal
    assert regulation_hooks.deletion_refusal._functions == [
        responsibilities_refusal,
        workflows_refusal,
    ]
