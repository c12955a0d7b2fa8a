"""Each 单 prints on one A4 page: Chromium's own PDF of the print page has
exactly one page (a seal and 签收人 alone on page 2 was the complaint)."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from notices import services as notice_services
from notices.models import Notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WARNING_BODY = (
    "{dept}：\n"
    "《中国共产党党内法规执行责任制规定（试行）》执行项目的“制定配套措施”步骤"
    "应于2026年10月21日前完成，你单位至今未提交佐证材料，已逾期15个工作日，"
    "请立即整改并说明原因。\n"
    "本单为第三次警示，抄送：{dept}主要负责人、区纪委监委第一派驻纪检组。"
    "逾期事项将列入通报，并在年度党内法规执行评价中按评分标准扣分。\n"
    "请于2026年12月07日前报送落实表，写明整改落实措施、落实结果、责任人和完成日期，"
    "并附会议记录、工作文件等佐证材料。"
)


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def notices(launch_project, office_user, liaison, dept_a, media_root):
    """A 告知单 (from the launch), a 交办单 and a third-level 警示单 of dept_a,
    with a 落实表 answering the 警示单."""
    project = launch_project()
    notification = Notice.objects.get(
        kind=Notice.Kind.NOTIFICATION, department=dept_a, project=project
    )
    assignment = notice_services.assignment_issue(
        department=dept_a,
        title="关于落实党内法规专项检查发现问题的交办单",
        body=WARNING_BODY.format(dept=dept_a.name),
        due_on=timezone.localdate() + datetime.timedelta(days=10),
        actor=office_user,
        project=project,
    )
    warning = notice_services.notice_create(
        kind=Notice.Kind.WARNING,
        department=dept_a,
        title="警示：执行步骤逾期未完成（第三次警示）",
        body=WARNING_BODY.format(dept=dept_a.name),
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        actor=office_user,
        project=project,
        level=3,
        cc_text=f"{dept_a.name}主要负责人 张三、区纪委监委第一派驻纪检组",
    )
    warning.refresh_from_db()  # delivered on commit: pending -> sent
    report = notice_services.report_submit(
        notice=warning,
        actor=liaison,
        measures="一、召开部务会专题研究整改；\n二、制定配套措施并印发；\n"
        "三、明确专人跟踪落实，每周报告进展。",
        result="配套措施已于11月印发，相关佐证材料已上传。",
        person_responsible="李四",
        completed_on=timezone.localdate(),
    )
    return {
        "告知单": f"/notices/{notification.pk}/print/",
        "交办单": f"/notices/{assignment.pk}/print/",
        "警示单": f"/notices/{warning.pk}/print/",
        "落实表": f"/notices/reports/{report.pk}/print/",
    }


def test_print_pages_make_one_page_a4_pdfs(open_tab, office_user, notices):
    # given the office's browser
    tab = open_tab().login_as(office_user)
    counts = {}
    for name, path in notices.items():
        # when Chromium prints each 单 to an A4 PDF
        tab.goto(path)
        assert name in tab.page.content()
        counts[name] = _pages(tab.page.pdf(format="A4"))
    # then every one is exactly one page
    assert counts == {"告知单": 1, "交办单": 1, "警示单": 1, "落实表": 1}
