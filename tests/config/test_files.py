"""xlsx imports refuse zip bombs before loading; exports write formula-like text
as text (no formula injection)."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config.errors import DomainError
from config.tabular import read_rows, write_xlsx
from tests import factories


def _with_extra_part(name: str, content: bytes) -> bytes:
    """A real one-row workbook plus one more (highly compressible) part."""
    source = io.BytesIO(write_xlsx(["标题"], [["条例"]]))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for item in old.infolist():
            new.writestr(item, old.read(item))
        new.writestr(name, content)
    return out.getvalue()


def test_read_rows_refuses_an_xlsx_that_inflates_beyond_the_limit():
    # given 300 KB on the wire, 300 MB inflated
    data = _with_extra_part("xl/media/padding.bin", b"\0" * (300 * 1024 * 1024))
    assert len(data) < 1024 * 1024
    # when / then refused from the zip directory, nothing inflated
    with pytest.raises(DomainError, match="解压后过大"):
        read_rows(SimpleUploadedFile("法规.xlsx", data))


def test_read_rows_refuses_too_many_shared_strings():
    # given a shared-strings part announcing a million strings
    sst = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        b' count="1000000" uniqueCount="1000000"></sst>'
    )
    data = _with_extra_part("xl/sharedStrings.xml", sst)
    # when / then
    with pytest.raises(DomainError, match="解压后过大"):
        read_rows(SimpleUploadedFile("法规.xlsx", data))


def test_read_rows_still_reads_an_ordinary_xlsx():
    rows = read_rows(SimpleUploadedFile("法规.xlsx", write_xlsx(["标题"], [["条例"]])))
    assert [row["标题"] for row in rows] == ["条例"]


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://evil.example","点击")', "+1+1", "-2+3", "@SUM(A1)"]
)
def test_write_xlsx_writes_formula_like_text_as_text(text):
    # when
    data = write_xlsx(["标题", "数"], [[text, -5]])
    # then the cell is a string holding exactly the text; numbers stay numbers
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == text
    assert sheet["B2"].value == -5


def test_regulation_export_keeps_a_formula_title_as_text(client, office_user):
    # given a regulation whose title starts with "="
    factories.RegulationFactory(title="=1+1 条例")
    client.force_login(office_user)
    # when
    response = client.get("/regulations/export/")
    # then
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    titles = [
        cell for row in sheet.iter_rows() for cell in row if cell.value == "=1+1 条例"
    ]
    assert titles and all(cell.data_type == "s" for cell in titles)
