import io

import pytest
from django.core.management import CommandError, call_command

from notices.models import Notice
from tests.notices.conftest import TODAY


def test_scan_notices_command_prints_counts_and_runs_once(
    project_a, dept_a, step_factory
):
    # given a step due today
    step_factory(project=project_a, department=dept_a, due_on=TODAY)
    out = io.StringIO()
    # when the command runs twice for that day
    call_command("scan_notices", "--date", TODAY.isoformat(), stdout=out)
    call_command("scan_notices", "--date", TODAY.isoformat(), stdout=out)
    # then one reminder, and the counts are printed
    assert Notice.objects.count() == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("提醒 1 条") and lines[1].startswith("提醒 0 条")


def test_scan_notices_command_bad_date(db):
    with pytest.raises(CommandError):
        call_command("scan_notices", "--date", "2026-13-40", stdout=io.StringIO())
