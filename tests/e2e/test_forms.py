"""Forms in a real browser: what the browser itself accepts or refuses."""

import pytest
from django.utils import timezone

from tests.factories import RegulationFactory
from workflows.models import ExecutionProject, Step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_launch_form_submits_with_the_prefilled_date(
    open_tab, expect, office_user, dept_a, dept_b
):
    # given the office on the launch form (启动日期 is prefilled, never typed)
    regulation = RegulationFactory(title="中国共产党纪律处分条例")
    tab = open_tab().login_as(office_user)
    page = tab.page
    tab.goto("/workflows/launch/")
    expect(page.get_by_label("启动日期")).to_have_value(
        timezone.localdate().isoformat()
    )

    # when it picks the regulation and the lead department, then submits
    page.get_by_label("党内法规").select_option(label=regulation.title)
    page.get_by_label("牵头执行部门").select_option(label=dept_a.name)
    page.get_by_role("button", name="发起").click()

    # then the browser accepted the form and the project exists, started today
    expect(page.get_by_text(regulation.title).first).to_be_visible()
    project = ExecutionProject.objects.get(regulation=regulation)
    assert project.starts_on == timezone.localdate()
    assert project.lead_department == dept_a
    assert tab.console_errors == []


def test_launch_form_long_department_list_picks_by_search(
    open_tab, expect, office_user, dept_a, dept_b, monkeypatch
):
    # given more departments than a plain select carries (a city's 15k)
    from config.widgets import DepartmentSelect

    monkeypatch.setattr(DepartmentSelect, "short_list", 1)
    regulation = RegulationFactory(title="中国共产党问责条例")
    tab = open_tab().login_as(office_user)
    page = tab.page
    tab.goto("/workflows/launch/")
    page.get_by_label("党内法规").select_option(label=regulation.title)

    # when the office types part of A's name and picks it from the matches
    page.get_by_role("searchbox").first.fill("组织")
    page.get_by_role("button", name=f"{dept_a.name}（{dept_a.code}）").click()
    page.get_by_role("button", name="发起").click()

    # then the project is launched with A leading, without a CSP or JS error
    expect(page.get_by_text(regulation.title).first).to_be_visible()
    project = ExecutionProject.objects.get(regulation=regulation)
    assert project.lead_department == dept_a
    assert tab.console_errors == []


def _open_step(project, department):
    return (
        Step.objects.filter(
            project=project, department=department, status=Step.Status.OPEN
        )
        .order_by("order", "id")
        .first()
    )


def test_rejected_upload_keeps_the_typed_text(
    open_tab, expect, launch_project, liaison, dept_a, media_root, tmp_path
):
    # given a liaison on an open step with a typed 工作说明
    step = _open_step(launch_project(), dept_a)
    tab = open_tab(phone=True).login_as(liaison)
    page = tab.page
    tab.goto(f"/workflows/steps/{step.pk}/")
    files = page.get_by_label("文件")
    assert ".pdf" in files.get_attribute("accept")  # the input says what it takes
    text = "已召开专题学习会，形成会议纪要并印发各支部。"
    page.get_by_label("工作说明").fill(text)

    # when it picks a file of a refused type: the browser refuses at once
    wrong = tmp_path / "会议记录.exe"
    wrong.write_bytes(b"MZ" + b"0" * 100)
    files.set_input_files(str(wrong))
    expect(page.get_by_role("alert").filter(has_text="类型不允许")).to_be_visible()
    page.get_by_role("button", name="提交", exact=True).tap()
    expect(page.get_by_label("工作说明")).to_have_value(text)

    # when it picks an allowed but empty file, which the server refuses
    empty = tmp_path / "会议记录.txt"
    empty.write_bytes(b"")
    files.set_input_files(str(empty))
    page.get_by_role("button", name="提交", exact=True).tap()

    # then the page shows the server's reason and the typed text is still there
    expect(page.locator(".alert-danger")).to_contain_text("空文件")
    expect(page.get_by_label("工作说明")).to_have_value(text)
    step.refresh_from_db()
    assert step.status == Step.Status.OPEN
    assert tab.console_errors == []


def test_oversized_upload_is_refused_before_sending(
    open_tab, expect, launch_project, liaison, dept_a, media_root, tmp_path, settings
):
    # given a 1 KB limit and a 2 KB file (the real limit is 20 MB)
    settings.EVIDENCE_MAX_FILE_SIZE = 1024
    step = _open_step(launch_project(), dept_a)
    big = tmp_path / "学习记录.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 2048)
    tab = open_tab().login_as(liaison)
    page = tab.page
    tab.goto(f"/workflows/steps/{step.pk}/")
    page.get_by_label("工作说明").fill("说明文字")

    # when it chooses the file and submits
    page.get_by_label("文件").set_input_files(str(big))
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="提交", exact=True).click()

    # then nothing is sent, the limit is named, and the text stays
    expect(page.get_by_role("alert").filter(has_text="超过大小限制")).to_be_visible()
    assert posts == []
    expect(page.get_by_label("工作说明")).to_have_value("说明文字")
