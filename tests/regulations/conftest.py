import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories


@pytest.fixture
def make_regulation(db):
    return factories.RegulationFactory


def xlsx_upload(matrix, name="法规.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in matrix:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_upload(text: str, name="法规.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding))
