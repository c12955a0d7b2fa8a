"""One upload policy for evidence and 落实表 files: allowed types by name and
content, a size per file, a count per submission."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config.errors import DomainError
from config.uploads import check_uploads
from notices.models import Notice
from notices.services import assignment_issue
from tests import factories
from tests.notices.conftest import make_project

REAL = {
    "记录.pdf": b"%PDF-1.7\n...",
    "方案.docx": b"PK\x03\x04\x14\x00...",
    "台账.xlsx": b"PK\x03\x04\x14\x00...",
    "旧表.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...",
    "照片.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "截图.png": b"\x89PNG\r\n\x1a\n\x00\x00",
    "说明.txt": "已按要求完成学习。".encode(),
    "说明-gbk.txt": "已按要求完成学习。".encode("gb18030"),
}


@pytest.mark.parametrize("name", list(REAL))
def test_check_uploads_accepts_real_files(name):
    check_uploads([SimpleUploadedFile(name, REAL[name])])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "类型不允许"),
        ("报告.pdf", b"MZ\x90\x00 a renamed program", "内容与扩展名"),
        ("照片.jpg", b"%PDF-1.7", "内容与扩展名"),
        ("表格.xlsx", b"<html><script>alert(1)</script>", "内容与扩展名"),
        ("说明.txt", b"<script>alert(1)</script>", "内容与扩展名"),
        ("说明.txt", b"\x7fELF\x02\x01", "内容与扩展名"),
        ("页面.html", b"<html></html>", "类型不允许"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_check_uploads_refuses_by_name_and_content(name, content, message):
    with pytest.raises(DomainError, match=message) as refused:
        check_uploads([SimpleUploadedFile(name, content)])
    assert refused.value.code == "invalid_file"


def test_check_uploads_refuses_more_than_the_count(settings):
    settings.UPLOAD_MAX_FILES = 3
    files = [SimpleUploadedFile(f"{i}.txt", b"ok") for i in range(4)]
    with pytest.raises(DomainError, match="最多上传3个文件"):
        check_uploads(files)


def test_check_uploads_refuses_a_file_over_the_size(settings):
    settings.EVIDENCE_MAX_FILE_SIZE = 1024
    with pytest.raises(DomainError, match="超过大小限制"):
        check_uploads([SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 2000)])


def _report(api, notice, files):
    return api.post(
        f"/api/v1/notices/{notice.pk}/report/",
        {
            "measures": "整改措施",
            "result": "已整改",
            "person_responsible": "王五",
            "completed_on": "2026-01-10",
            "files": files,
        },
        format="multipart",
    )


@pytest.fixture
def assignment(dept_a, office_user):
    return assignment_issue(
        department=dept_a,
        title="交办事项",
        body="内容",
        due_on=datetime.date(2026, 12, 31),
        actor=office_user,
    )


def test_report_files_refuse_sixty_programs(api, liaison, assignment):
    # given the issue's probe: 60 .exe files on a 落实表
    api.force_authenticate(liaison)
    files = [SimpleUploadedFile(f"{i}.exe", b"MZ\x90\x00") for i in range(60)]
    # when
    response = _report(api, assignment, files)
    # then
    assert response.status_code == 400
    assert "最多上传" in response.json()["detail"]
    assignment.refresh_from_db()
    assert assignment.status != Notice.Status.ANSWERED


def test_report_files_refuse_a_renamed_program(api, liaison, assignment):
    api.force_authenticate(liaison)
    response = _report(api, assignment, [SimpleUploadedFile("台账.pdf", b"MZ\x90")])
    assert response.status_code == 400
    assert "内容与扩展名" in response.json()["detail"]


def test_report_files_accept_a_real_pdf(api, liaison, assignment):
    api.force_authenticate(liaison)
    response = _report(api, assignment, [SimpleUploadedFile("台账.pdf", b"%PDF-1.4")])
    assert response.status_code == 201, response.content


def test_evidence_refuses_a_renamed_program(api, liaison, dept_a):
    # given an open step
    step = factories.StepFactory(
        project=make_project(lead=dept_a),
        department=dept_a,
        due_on=datetime.date(2026, 4, 1),
    )
    api.force_authenticate(liaison)
    # when
    response = api.post(
        f"/api/v1/steps/{step.pk}/submit/",
        {"text": "材料", "files[]": [SimpleUploadedFile("会议记录.docx", b"MZ\x90")]},
        format="multipart",
    )
    # then
    assert response.status_code == 400
    assert "内容与扩展名" in response.json()["detail"]
    assert not step.evidence.exists()
