"""config.pages.page_errors: the one way a page shows a refused rule."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from config.errors import DomainError, InvalidTransition
from config.pages import page_errors


class _Form(forms.Form):
    name = forms.CharField()


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _flashed(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def _refuse():
    raise InvalidTransition("已发布，不能再改。")


def test_page_errors_turns_a_domain_error_into_a_flash_message():
    # given
    request, after = _request(), []
    # when
    with page_errors(request) as outcome:
        _refuse()
        after.append("ran")
    # then: the rest of the block is skipped and the reason is shown
    assert outcome.failed and outcome.message == "已发布，不能再改。"
    assert after == []
    assert _flashed(request) == [("error", "已发布，不能再改。")]


def test_page_errors_puts_the_message_on_the_form_when_given():
    # given
    request, form = _request(), _Form({"name": "x"})
    form.is_valid()
    # when
    with page_errors(request, form=form):
        raise DomainError("编号已被使用。")
    # then: on the form, not flashed
    assert form.non_field_errors() == ["编号已被使用。"]
    assert _flashed(request) == []


def test_page_errors_puts_a_validation_error_on_its_field():
    # given
    request, form = _request(), _Form({"name": "x"})
    form.is_valid()
    # when
    with page_errors(request, form=form) as outcome:
        raise ValidationError({"name": ["名称重复。"], "other": ["整体有误。"]})
    # then: a field the form has gets it; the rest is non-field
    assert form.errors["name"] == ["名称重复。"]
    assert form.non_field_errors() == ["整体有误。"]
    assert outcome.failed


def test_page_errors_without_flash_only_records_the_outcome():
    request = _request()
    with page_errors(request, flash=False) as outcome:
        raise DomainError("回执已确认。")
    assert outcome.message == "回执已确认。"
    assert _flashed(request) == []


def test_page_errors_lets_a_bug_through_and_leaves_success_alone():
    request = _request()
    with page_errors(request) as outcome:
        pass
    assert not outcome.failed and _flashed(request) == []
    with pytest.raises(KeyError), page_errors(request):
        raise KeyError("bug")
