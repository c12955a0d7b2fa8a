"""The 驾驶舱 and 晾晒比学 at 1366×900 with long department names: no label is clipped
(table cells do not overflow, tables need no sideways scrolling, chart labels
stay inside their SVG)."""

import datetime

import pytest
from django.utils import timezone

from evaluation import services
from tests import factories
from tests.evaluation.conftest import approved_on_time, make_project, make_step
from workflows.models import Step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 900}
LONG_NAMES = [
    ("L1", "区委办公室（区委机要保密局、区档案馆、区地方志办公室）", "district"),
    ("L2", "区发展和改革委员会（区粮食和物资储备局、区国防动员办公室）", "district"),
    ("L3", "新嘉街道党工委（新嘉街道办事处、新嘉经济开发区管理委员会）", "town"),
]

# Every label element that clips or hides text, reported as "what: text".
CLIPPED_JS = """
() => {
  const out = [];
  const cells = document.querySelectorAll('main td, main th');
  for (const el of cells) {
    if (el.scrollWidth > el.clientWidth + 1)
      out.push('cell: ' + el.innerText.trim().slice(0, 40));
  }
  for (const box of document.querySelectorAll('main .table-responsive')) {
    if (box.scrollWidth > box.clientWidth + 1)
      out.push('table scrolls: ' + box.innerText.trim().slice(0, 40));
  }
  for (const svg of document.querySelectorAll('main svg')) {
    const view = svg.viewBox.baseVal;
    for (const text of svg.querySelectorAll('text')) {
      const b = text.getBBox();
      if (b.x < view.x - 0.5 || b.x + b.width > view.x + view.width + 0.5)
        out.push('chart label: ' + text.textContent);
    }
  }
  return out;
}
"""


@pytest.fixture
def long_names_year(office_user):
    """This year's published round over departments with long names, and an
    overdue step of a long-named department in a long-titled project."""
    year = timezone.localdate().year
    departments = [
        factories.DepartmentFactory(code=code, name=name, kind=kind)
        for code, name, kind in LONG_NAMES
    ]
    for department in departments:
        approved_on_time(make_project(lead=department, year=year), department)
    round_ = services.round_create(year=year, actor=office_user)
    services.round_propose_all(round=round_, actor=office_user)
    services.round_review(round=round_, actor=office_user)
    services.round_publish(round=round_, actor=office_user)
    regulation = factories.RegulationFactory(
        title="中国共产党党员领导干部廉洁从政若干准则实施办法（试行）及其配套规定"
    )
    project = make_project(lead=departments[0], year=year, regulation=regulation)
    make_step(
        project,
        departments[0],
        "filing",
        order=2,
        status=Step.Status.OPEN,
        due_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    return year


def test_dashboard_labels_are_not_clipped_at_1366(
    browser, live_server, office_user, long_names_year
):
    # given the office on a 1366×900 screen
    from tests.e2e.conftest import Tab

    context = browser.new_context(
        viewport=LAPTOP, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    try:
        tab = Tab(context, live_server.url).login_as(office_user)
        for path, name in (
            (f"/evaluation/?year={long_names_year}", "dashboard-1366"),
            (f"/evaluation/rankings/?year={long_names_year}", "rankings-1366"),
        ):
            # when the page is opened
            tab.goto(path)
            page = tab.page
            page.get_by_text(LONG_NAMES[0][1]).first.wait_for()
            tab.screenshot(name)
            # then every label shows whole
            assert page.evaluate(CLIPPED_JS) == [], path
        assert tab.console_errors == []
    finally:
        context.close()
