"""A liaison's one inbox: a 告知单 and its 回执 are one item, signed together."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notices.models import Notice
from tests import factories
from workflows.models import Receipt, Step
from workflows.services import receipt_confirm

pytestmark = pytest.mark.django_db


def _notified_project(department):
    """A project with the department's 回执 and the 告知单 that asks for it."""
    project = factories.ExecutionProjectFactory(lead_department=department)
    receipt = factories.ReceiptFactory(
        project=project, due_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    notice = factories.NoticeFactory(
        kind=Notice.Kind.NOTIFICATION,
        department=department,
        project=project,
        receipt=receipt,
        status=Notice.Status.SENT,
        due_on=receipt.due_on,
    )
    return project, receipt, notice


def _items(page: str) -> list[str]:
    return re.findall(r'name="items" value="(\w+)"', page)


def test_inbox_lists_a_notice_and_its_receipt_as_one_item(client, liaison, dept_a):
    # given two 告知单 with their 回执, and a 回执 no 告知单 asks for
    (p1, _r1, n1), (p2, _r2, n2) = _notified_project(dept_a), _notified_project(dept_a)
    bare = factories.ReceiptFactory(
        project=factories.ExecutionProjectFactory(lead_department=dept_a)
    )
    client.force_login(liaison)

    # when the liaison opens 我的待办
    page = client.get("/inbox/").content.decode()

    # then three items, each once, each linking to its notice or project
    assert sorted(_items(page)) == sorted([f"n{n1.pk}", f"n{n2.pk}", f"r{bare.pk}"])
    assert page.count('data-row="sign"') == 3
    for notice, project in ((n1, p1), (n2, p2)):
        assert f'href="/notices/{notice.pk}/"' in page
        assert f'href="/workflows/projects/{project.pk}/"' in page
    assert f'href="/workflows/projects/{bare.project_id}/"' in page


def test_inbox_signing_the_selection_confirms_notices_and_their_receipts(
    client, liaison, dept_a
):
    # given two notified projects and a bare receipt
    (_p1, r1, n1), (_p2, r2, n2) = _notified_project(dept_a), _notified_project(dept_a)
    bare = factories.ReceiptFactory(
        project=factories.ExecutionProjectFactory(lead_department=dept_a)
    )
    client.force_login(liaison)

    # when it ticks the first 告知单 and the bare receipt and signs them
    response = client.post(
        "/inbox/confirm/", {"items": [f"n{n1.pk}", f"r{bare.pk}"]}, follow=True
    )

    # then both are signed, the 告知单's 回执 with it; the other waits
    assert "已签收2项" in response.content.decode()
    n1.refresh_from_db(), n2.refresh_from_db()
    assert n1.status == Notice.Status.CONFIRMED and n1.confirmed_by == liaison
    assert Receipt.objects.get(pk=r1.pk).confirmed_at is not None
    assert Receipt.objects.get(pk=bare.pk).confirmed_by == liaison
    assert n2.status == Notice.Status.SENT
    assert Receipt.objects.get(pk=r2.pk).confirmed_at is None
    assert _items(response.content.decode()) == [f"n{n2.pk}"]


def test_inbox_sign_all_signs_every_item(client, liaison, dept_a):
    # given two notified projects and a bare receipt
    _notified_project(dept_a), _notified_project(dept_a)
    factories.ReceiptFactory(
        project=factories.ExecutionProjectFactory(lead_department=dept_a)
    )
    client.force_login(liaison)

    # when it taps 全部签收
    response = client.post("/inbox/confirm/", {"all": "1"}, follow=True)

    # then everything is signed: no notice and no receipt is left
    assert "已签收3项" in response.content.decode()
    assert not Notice.objects.filter(department=dept_a, status="sent").exists()
    assert not Receipt.objects.filter(confirmed_at__isnull=True).exists()
    assert "没有待签收的事项" in response.content.decode()


def test_inbox_a_receipt_confirmed_elsewhere_leaves_the_inbox_with_its_notice(
    client, liaison, dept_a, django_capture_on_commit_callbacks
):
    # given a notified project whose 回执 is confirmed on the step page
    _project, receipt, notice = _notified_project(dept_a)
    with django_capture_on_commit_callbacks(execute=True):
        receipt_confirm(receipt=receipt, actor=liaison)
    client.force_login(liaison)

    # when the liaison opens 我的待办 after the commit hooks ran
    page = client.get("/inbox/").content.decode()

    # then neither the 回执 nor its 告知单 is left to sign
    assert _items(page) == []
    notice.refresh_from_db()
    assert notice.status == Notice.Status.CONFIRMED


def test_inbox_outsider_sees_and_signs_none_of_another_departments_items(
    client, outsider, dept_a
):
    # given dept_a's notified project and bare receipt
    _p, receipt, notice = _notified_project(dept_a)
    bare = factories.ReceiptFactory(
        project=factories.ExecutionProjectFactory(lead_department=dept_a)
    )
    client.force_login(outsider)

    # when dept_b's liaison opens its inbox and posts dept_a's items
    page = client.get("/inbox/").content.decode()
    client.post("/inbox/confirm/", {"items": [f"n{notice.pk}", f"r{bare.pk}"]})
    client.post("/inbox/confirm/", {"all": "1"})

    # then it saw none of them and signed nothing
    assert _items(page) == []
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert not Receipt.objects.filter(confirmed_at__isnull=False).exists()


def test_inbox_is_a_liaisons_page(client, office_user):
    client.force_login(office_user)
    assert client.get("/inbox/").status_code == 403
    assert client.post("/inbox/confirm/", {"all": "1"}).status_code == 403


def test_inbox_takes_a_fixed_number_of_queries(
    client, liaison, dept_a, django_assert_max_num_queries
):
    # given many items
    for _ in range(8):
        _notified_project(dept_a)
        factories.ReceiptFactory(
            project=factories.ExecutionProjectFactory(lead_department=dept_a)
        )
    client.force_login(liaison)

    # when / then
    with django_assert_max_num_queries(16):
        page = client.get("/inbox/").content.decode()
    assert len(_items(page)) == 16


def _inbox_items(department, n: int) -> None:
    """`n` of each thing 我的待办 shows: a 告知单 with its 回执, a warning on a
    returned step, a bare 回执, an open step."""
    for _ in range(n):
        _notified_project(department)
        returned = factories.StepFactory(
            project=factories.ExecutionProjectFactory(lead_department=department),
            status=Step.Status.RETURNED,
            return_count=1,
        )
        factories.NoticeFactory(step=returned, status=Notice.Status.SENT)
        factories.ReceiptFactory(
            project=factories.ExecutionProjectFactory(lead_department=department)
        )
        factories.StepFactory(
            project=factories.ExecutionProjectFactory(lead_department=department)
        )


def test_inbox_reads_the_same_queries_for_one_row_or_many(client, liaison, dept_a):
    # given one item of each kind
    _inbox_items(dept_a, 1)
    client.force_login(liaison)
    client.get("/inbox/")  # the calendar and other per-process reads

    # when the page is read, then again with six of each
    with CaptureQueriesContext(connection) as one:
        client.get("/inbox/")
    _inbox_items(dept_a, 5)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/inbox/").content.decode()

    # then as many queries (no row reads its own), and no COUNT for the
    # navigation's badges: the page counted its rows
    assert len(_items(page)) == 18
    assert page.count("退回原因：材料不全") == 6
    assert page.count("/workflows/steps/") >= 18
    assert len(many.captured_queries) == len(one.captured_queries)
    assert not [q for q in many.captured_queries if "COUNT(" in q["sql"]]
