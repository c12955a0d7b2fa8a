import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from regulations.models import Regulation
from tests.factories import RegulationFactory, ResponsibilityFactory

from .conftest import xlsx_upload

pytestmark = pytest.mark.django_db

FORM = {
    "title": "中国共产党宣传工作条例",
    "document_number": "",
    "issuer": "中共中央",
    "level": "central",
    "form": "regulation",
    "branch": "leadership",
    "published_on": "2019-08-31",
    "effective_on": "",
    "summary": "",
    "link": "",
}


def test_regulation_list_requires_login(client):
    response = client.get(reverse("regulations:list"))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["office_user", "liaison", "inspector", "leader"])
def test_regulation_list_readable_by_every_role(client, who, request):
    # given
    RegulationFactory(title="中国共产党问责条例")
    client.force_login(request.getfixturevalue(who))
    # when
    response = client.get(reverse("regulations:list"))
    # then
    assert response.status_code == 200
    assert "中国共产党问责条例" in response.content.decode()


def test_regulation_list_search_and_filters(client, liaison):
    # given
    RegulationFactory(title="中国共产党问责条例", published_on=dt.date(2019, 8, 25))
    RegulationFactory(
        title="浙江省党内监督十项制度实施办法",
        issuer="中共浙江省委",
        level=Regulation.Level.PROVINCIAL,
        published_on=dt.date(2017, 9, 1),
    )
    RegulationFactory(title="已删除的条例", is_deleted=True)
    client.force_login(liaison)
    url = reverse("regulations:list")
    # when / then
    page = client.get(url, {"search": "浙江省委"}).content.decode()
    assert "浙江省党内监督" in page and "问责条例" not in page
    page = client.get(url, {"level": "central"}).content.decode()
    assert "问责条例" in page and "浙江省党内监督" not in page
    page = client.get(url, {"year": "2017"}).content.decode()
    assert "浙江省党内监督" in page and "问责条例" not in page
    page = client.get(url).content.decode()
    assert "已删除的条例" not in page
    # a nonsense filter value is ignored, never an error page
    assert client.get(url, {"year": "abc", "level": "x"}).status_code == 200


def test_regulation_list_paginates_with_constant_queries(
    client, liaison, django_assert_max_num_queries
):
    RegulationFactory.create_batch(30)
    client.force_login(liaison)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("regulations:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.num_pages == 2
    assert client.get(reverse("regulations:list"), {"page": 2}).status_code == 200


def test_regulation_create_by_office(client, office_user):
    # given
    client.force_login(office_user)
    # when
    response = client.post(reverse("regulations:create"), FORM)
    # then
    regulation = Regulation.objects.get(title=FORM["title"])
    assert response.status_code == 302
    assert response["Location"] == reverse("regulations:detail", args=[regulation.pk])
    assert regulation.published_on == dt.date(2019, 8, 31)
    assert regulation.created_by == office_user


def test_regulation_create_duplicate_shows_chinese_error(client, office_user):
    RegulationFactory(title=FORM["title"], document_number="")
    client.force_login(office_user)
    response = client.post(reverse("regulations:create"), FORM)
    assert response.status_code == 200
    assert "同名称、同文号" in response.content.decode()
    assert Regulation.objects.filter(title=FORM["title"]).count() == 1


@pytest.mark.parametrize("who", ["liaison", "inspector", "leader"])
def test_regulation_writes_forbidden_to_others(client, who, request):
    # given
    regulation = RegulationFactory()
    client.force_login(request.getfixturevalue(who))
    # when / then
    assert client.get(reverse("regulations:create")).status_code == 403
    assert client.post(reverse("regulations:create"), FORM).status_code == 403
    assert (
        client.post(reverse("regulations:edit", args=[regulation.pk]), FORM).status_code
        == 403
    )
    assert (
        client.post(
            reverse("regulations:revise", args=[regulation.pk]), FORM
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("regulations:delete", args=[regulation.pk])).status_code
        == 403
    )
    assert client.get(reverse("regulations:import")).status_code == 403
    assert not Regulation.objects.filter(title=FORM["title"]).exists()
    assert not Regulation.objects.filter(is_deleted=True).exists()


def test_regulation_pages_forbidden_to_api_client(client, api_client_user):
    client.force_login(api_client_user)
    assert client.get(reverse("regulations:list")).status_code == 403


def test_regulation_edit_by_office_and_history_page(client, office_user):
    # given
    regulation = RegulationFactory(title="中国共产党宣传工作条例", issuer="中共中央")
    client.force_login(office_user)
    # when
    response = client.post(
        reverse("regulations:edit", args=[regulation.pk]),
        {**FORM, "issuer": "中共中央办公厅"},
    )
    # then
    assert response.status_code == 302
    regulation.refresh_from_db()
    assert regulation.issuer == "中共中央办公厅"
    page = client.get(reverse("regulations:history", args=[regulation.pk]))
    text = page.content.decode()
    assert "制定机关" in text and "中共中央办公厅" in text and "office" in text


def test_regulation_revise_page_creates_new_version(client, office_user):
    # given
    old = RegulationFactory(title="中国共产党纪律处分条例", document_number="2018版")
    client.force_login(office_user)
    # when
    lead = ResponsibilityFactory(regulation=old)
    form_page = client.get(reverse("regulations:revise", args=[old.pk]))
    assert form_page.context["form"]["title"].value() == old.title
    response = client.post(
        reverse("regulations:revise", args=[old.pk]),
        {
            **FORM,
            "title": old.title,
            "document_number": "2023版",
            "carry_responsibilities": "on",
        },
    )
    # then
    new = Regulation.objects.get(document_number="2023版")
    assert response["Location"] == reverse("regulations:detail", args=[new.pk])
    old.refresh_from_db()
    assert old.status == Regulation.Status.AMENDED
    lead.refresh_from_db()
    assert lead.regulation == new
    detail = client.get(reverse("regulations:detail", args=[new.pk])).content.decode()
    assert "版本沿革" in detail and "已被修改" in detail
    assert lead.department.name in detail


def test_regulation_detail_shows_its_responsibilities(client, liaison, dept_a):
    # given: dept A leads the regulation
    responsibility = ResponsibilityFactory(department=dept_a, duty="牵头组织学习宣传")
    client.force_login(liaison)
    # when
    response = client.get(
        reverse("regulations:detail", args=[responsibility.regulation.pk])
    )
    # then
    text = response.content.decode()
    assert "区委组织部" in text and "牵头组织学习宣传" in text


def test_regulation_detail_of_deleted_is_404(client, liaison):
    regulation = RegulationFactory(is_deleted=True)
    client.force_login(liaison)
    assert (
        client.get(reverse("regulations:detail", args=[regulation.pk])).status_code
        == 404
    )


def test_regulation_export_is_xlsx_of_the_filtered_rows(client, liaison):
    # given
    RegulationFactory(title="中国共产党问责条例", published_on=dt.date(2019, 8, 25))
    RegulationFactory(title="浙江省实施办法", level=Regulation.Level.PROVINCIAL)
    client.force_login(liaison)
    # when
    response = client.get(reverse("regulations:export"), {"level": "central"})
    # then
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("名称", "文号", "制定机关", "效力层级")
    assert [r[0] for r in rows[1:]] == ["中国共产党问责条例"]
    assert rows[1][3] == "中央党内法规"
    assert rows[1][7] == dt.datetime(2019, 8, 25)


def test_regulation_export_reimports_cleanly(client, office_user):
    # given: an export of the catalogue
    RegulationFactory(title="中国共产党问责条例", published_on=dt.date(2019, 8, 25))
    client.force_login(office_user)
    exported = client.get(reverse("regulations:export")).content
    Regulation.objects.all().update(is_deleted=True)
    # when: the same file goes back in
    response = client.post(
        reverse("regulations:import"),
        {"file": SimpleUploadedFile("导出.xlsx", exported)},
    )
    # then
    assert response.status_code == 200
    assert response.context["report"].ok


def test_regulation_import_preview_then_confirm(client, office_user):
    # given
    client.force_login(office_user)
    upload = xlsx_upload(
        [
            ["名称", "制定机关", "效力层级", "名称类别", "发布日期"],
            ["中国共产党问责条例", "中共中央", "中央党内法规", "条例", "2019/8/25"],
        ]
    )
    # when: upload
    response = client.post(reverse("regulations:import"), {"file": upload})
    # then: a preview, nothing written yet
    assert response.status_code == 200
    assert "确认导入 1 条" in response.content.decode()
    assert not Regulation.objects.exists()
    # when: confirm
    response = client.post(reverse("regulations:import"), {"confirm": "1"})
    # then
    assert response.status_code == 302
    assert Regulation.objects.get().published_on == dt.date(2019, 8, 25)
    # a second confirm finds no file: nothing is written twice
    client.post(reverse("regulations:import"), {"confirm": "1"})
    assert Regulation.objects.count() == 1


def test_regulation_import_with_bad_rows_shows_errors_and_writes_nothing(
    client, office_user
):
    # given
    client.force_login(office_user)
    upload = xlsx_upload(
        [
            ["名称", "制定机关", "效力层级", "名称类别", "发布日期"],
            ["中国共产党问责条例", "中共中央", "中央党内法规", "条例", "2019/8/25"],
            ["中国共产党问责条例", "中共中央", "中央党内法规", "条例", "2019/8/25"],
            ["干部教育培训工作条例", "中共中央", "中央党内法规", "条例", "去年"],
            ["信访工作条例", "中共中央", "超级法规", "条例", ""],
        ]
    )
    # when
    response = client.post(reverse("regulations:import"), {"file": upload})
    # then
    text = response.content.decode()
    assert response.status_code == 400
    assert "第3行「名称」：与第2行重复" in text
    assert "第4行「发布日期」" in text
    assert "第5行「效力层级」：未知的效力层级“超级法规”" in text
    assert "确认导入" not in text
    # and a confirm without a clean preview writes nothing
    client.post(reverse("regulations:import"), {"confirm": "1"})
    assert not Regulation.objects.exists()


def test_regulation_import_unreadable_file_is_a_form_error(client, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("regulations:import"),
        {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage")},
    )
    assert response.status_code == 200
    assert "无法读取" in response.content.decode()


def test_regulation_import_new_bad_upload_discards_earlier_clean_one(
    client, office_user
):
    # given: a clean preview, then a bad file uploaded instead
    client.force_login(office_user)
    header = ["名称", "制定机关", "效力层级", "名称类别"]
    good = xlsx_upload([header, ["中国共产党问责条例", "中共中央", "central", "条例"]])
    bad = xlsx_upload([header, ["信访工作条例", "中共中央", "超级法规", "条例"]])
    client.post(reverse("regulations:import"), {"file": good})
    client.post(reverse("regulations:import"), {"file": bad})
    # when: a confirm is posted anyway
    response = client.post(reverse("regulations:import"), {"confirm": "1"})
    # then: neither file was written
    assert response.status_code == 302
    assert not Regulation.objects.exists()


def test_regulation_attachment_uploaded_and_downloaded(
    client, office_user, liaison, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(office_user)
    pdf = SimpleUploadedFile("条例原文.pdf", b"%PDF-1.4 text", "application/pdf")
    client.post(reverse("regulations:create"), {**FORM, "attachment": pdf})
    regulation = Regulation.objects.get(title=FORM["title"])
    # when: any reader downloads it
    client.force_login(liaison)
    response = client.get(reverse("regulations:attachment", args=[regulation.pk]))
    # then
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 text"


def test_regulation_attachment_refuses_other_file_types(client, office_user):
    client.force_login(office_user)
    exe = SimpleUploadedFile("virus.exe", b"MZ")
    response = client.post(reverse("regulations:create"), {**FORM, "attachment": exe})
    assert response.status_code == 200
    assert not Regulation.objects.exists()


def test_regulation_repeal_and_delete_buttons_for_office(client, office_user):
    # given
    kept = RegulationFactory()
    used = ResponsibilityFactory().regulation
    client.force_login(office_user)
    # when
    client.post(reverse("regulations:repeal", args=[kept.pk]))
    deleted = client.post(reverse("regulations:delete", args=[kept.pk]))
    refused = client.post(reverse("regulations:delete", args=[used.pk]), follow=True)
    # then
    kept.refresh_from_db()
    assert kept.status == Regulation.Status.REPEALED and kept.is_deleted
    assert deleted["Location"] == reverse("regulations:list")
    used.refresh_from_db()
    assert not used.is_deleted
    assert "已列入责任清单" in refused.content.decode()


def test_regulation_repeal_needs_post(client, office_user):
    regulation = RegulationFactory()
    client.force_login(office_user)
    response = client.get(reverse("regulations:repeal", args=[regulation.pk]))
    assert response.status_code == 405
    regulation.refresh_from_db()
    assert regulation.status == Regulation.Status.IN_FORCE
