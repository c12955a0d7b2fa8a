"""All-or-nothing table imports and xlsx exports, shared by every app with a list.

Import, in three parts (the catalogue and the four responsibility lists use it):

    rows = read_rows(uploaded_file)           # .xlsx or .csv -> list of Row (a dict)
    rows = map_headers(rows, {"名称": "title", "title": "title", ...})
    report = ImportReport()
    for row in rows:                          # validate EVERY row first
        if not row.get("title"):
            report.error(row.number, "名称", "名称不能为空")
        ...
    if report.ok and commit:                  # write only when no row is bad,
        with transaction.atomic(): ...        # in one transaction

An importer usually declares its table instead, with `config.columns`: a tuple of
`Column`s read by `import_rows(rows, columns, ...)`, which does the steps above.

`Row.number` is the row number the user sees in the file (the header is row 1), so an
error report can name it even when blank rows were skipped. Values are stripped text;
dates typed as dates in Excel come out as "YYYY-MM-DD", whole numbers without ".0".
`parse_date` accepts the date spellings people type in Chinese offices.

For a preview -> confirm flow, `stash_upload` keeps the uploaded bytes in the session
and `unstash_upload` gives them back as a file for the confirming request, so nothing
is written before the user confirms and the file need not be uploaded twice.

Export: `write_xlsx(headers, rows)` -> bytes, `xlsx_response(headers, rows,
filename="法规目录.xlsx")` -> an HttpResponse download with an RFC 5987 Chinese name.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from config.errors import DomainError

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Generous for a district (~200 regulations, a few hundred list rows); a cap keeps
# a mistaken upload from tying up a worker.
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

_SPACES = re.compile(r"[\s\u3000\ufeff]+")


class Row(dict):
    """One data row: header -> stripped text, plus the row number in the file."""

    def __init__(self, *args, number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number


@dataclass(frozen=True)
class RowError:
    """One reason one row was refused; `row` is the number the user sees."""

    row: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return f"第{self.row}行「{self.column}」：{self.message}"
        return f"第{self.row}行：{self.message}"


@dataclass
class ImportReport:
    """What an import found: the rows it understood and every error, row by row.

    `rows` holds whatever the importer wants to preview (cleaned values per row);
    `created` / `updated` are counts set when the import was written.
    """

    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def summary(self) -> str:
        """A one-line Chinese summary for a flash message."""
        if self.committed:
            return f"导入成功：新增{self.created}条" + (
                f"，更新{self.updated}条" if self.updated else ""
            )
        if self.errors:
            return (
                f"共{len(self.rows)}行，其中{len(self.bad_rows)}行有错误"
                f"（{len(self.errors)}处），未写入任何数据"
            )
        return f"共{len(self.rows)}行，校验通过，尚未写入"


class ImportRejected(DomainError):
    """An import with bad rows: nothing was written. Carries the full report."""

    code = "import_rejected"

    def __init__(self, report: ImportReport):
        super().__init__(report.summary())
        self.report = report


def clean_header(name) -> str:
    """Header text without any spaces (ASCII, full-width, BOM)."""
    return _SPACES.sub("", str(name or ""))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_from_matrix(matrix: Iterable[Iterable]) -> list[Row]:
    rows: list[Row] = []
    headers: list[str] | None = None
    for number, values in enumerate(matrix, start=1):
        texts = [_cell_text(v) for v in values]
        if headers is None:
            if not any(texts):
                continue  # leading blank rows before the header
            headers = [clean_header(t) for t in texts]
            continue
        if not any(texts):
            continue
        if len(rows) >= MAX_ROWS:
            raise DomainError(f"文件行数过多：最多导入{MAX_ROWS}行，请分批导入")
        row = Row(number=number)
        for header, text in zip(headers, texts, strict=False):
            if header:
                row[header] = text
        rows.append(row)
    if headers is None:
        raise DomainError("文件是空的：第一行应为表头，从第二行起为数据")
    return rows


# A zip bomb is small on the wire and huge in memory: its parts' sizes are
# checked in the zip directory before openpyxl inflates anything.
XLSX_MAX_UNCOMPRESSED = 50 * 1024 * 1024
XLSX_MAX_SHARED_STRINGS_BYTES = 20 * 1024 * 1024
XLSX_MAX_SHARED_STRINGS = 200_000
XLSX_MAX_PARTS = 1_000
_SST_COUNT = re.compile(rb'uniqueCount="(\d+)"|count="(\d+)"')


def _check_xlsx_size(data: bytes) -> None:
    too_big = DomainError(
        "该 Excel 文件解压后过大，请删除多余的工作表、格式或空行后再导入"
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DomainError("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏") from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > XLSX_MAX_PARTS:
            raise too_big
        if sum(part.file_size for part in parts) > XLSX_MAX_UNCOMPRESSED:
            raise too_big
        for part in parts:
            if not part.filename.lower().endswith("sharedstrings.xml"):
                continue
            if part.file_size > XLSX_MAX_SHARED_STRINGS_BYTES:
                raise too_big
            try:
                with archive.open(part) as stream:
                    head = stream.read(1024)
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                raise DomainError("无法读取该 Excel 文件，请确认未损坏") from exc
            for match in _SST_COUNT.finditer(head):
                if int(match.group(1) or match.group(2)) > XLSX_MAX_SHARED_STRINGS:
                    raise too_big


def _read_xlsx(data: bytes) -> list[Row]:
    _check_xlsx_size(data)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DomainError("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏") from exc
    try:
        sheet = workbook.worksheets[0]
        return _rows_from_matrix(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[Row]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost any byte string
        raise DomainError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码")
    try:
        return _rows_from_matrix(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise DomainError(f"CSV 文件格式有误：{exc}") from exc


def read_rows(uploaded_file) -> list[Row]:
    """Read an uploaded .xlsx or .csv into rows keyed by the header row.

    Raises DomainError (Chinese message) on a file that cannot be read. Blank rows
    are skipped; each Row keeps its number as shown in Excel.
    """
    if uploaded_file is None:
        raise DomainError("请选择要导入的文件")
    name = (getattr(uploaded_file, "name", "") or "").lower()
    if getattr(uploaded_file, "size", 0) and uploaded_file.size > MAX_BYTES:
        raise DomainError(f"文件过大：最大 {MAX_BYTES // (1024 * 1024)} MB")
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise DomainError(f"文件过大：最大 {MAX_BYTES // (1024 * 1024)} MB")
    if name.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DomainError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入")
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(data)
    raise DomainError("只能导入 .xlsx 或 .csv 文件")


def map_headers(rows: Iterable[Row], aliases: Mapping[str, str]) -> list[Row]:
    """Rename headers to field keys; `aliases` maps each accepted header to a key.

    Matching ignores spaces and ASCII case; headers not in `aliases` are dropped.
    """
    lookup = {clean_header(k).lower(): v for k, v in aliases.items()}
    mapped = []
    for row in rows:
        new = Row(number=row.number)
        for header, value in row.items():
            key = lookup.get(clean_header(header).lower())
            if key is not None and not new.get(key):
                new[key] = value
        mapped.append(new)
    return mapped


def missing_headers(rows: list[Row], required: Iterable[str]) -> list[str]:
    """Field keys of `required` that no row carries (after map_headers)."""
    present = set().union(*(row.keys() for row in rows)) if rows else set()
    return [key for key in required if key not in present]


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
]


def parse_date(value) -> dt.date | None:
    """A date from a cell: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日, an Excel
    date cell or an Excel serial number. Empty -> None. Raises ValueError otherwise.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    # "2019-08-30 00:00:00" as written by some exports: drop the time of day
    text = re.sub(r"[\sT]+\d{1,2}:\d{2}(:\d{2})?$", "", str(value).strip())
    text = _SPACES.sub("", text)
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)  # ValueError on 2019-02-30
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        serial = int(float(text))
        # Serial numbers between 1954 and 2064: anything else is not a date.
        if 20000 <= serial <= 60000:
            return _EXCEL_EPOCH + dt.timedelta(days=serial)
    raise ValueError(f"unrecognised date {value!r}")


# Cells that spreadsheet programs would run as formulas (formula injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_xlsx(
    headers: list[str], rows: Iterable[Iterable], *, title: str = ""
) -> bytes:
    """An .xlsx file (bytes) with a bold header row; dates stay Excel dates."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for values in rows:
        cells = []
        for value in values:
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            elif isinstance(value, dt.datetime):
                # Excel has no time zones: write the local wall-clock time.
                cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
                cell.number_format = "yyyy-mm-dd hh:mm"
                cells.append(cell)
            elif isinstance(value, str) and value.startswith(_FORMULA_STARTS):
                # A title like "=HYPERLINK(...)" stays text, never a live formula.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append("" if value is None else value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download_response(content: bytes, *, filename: str, content_type: str):
    """An attachment download whose (Chinese) filename survives every browser."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def xlsx_response(headers: list[str], rows: Iterable[Iterable], *, filename: str):
    """`write_xlsx` as a download, e.g. filename="法规目录-2026-11-24.xlsx"."""
    title = filename.rsplit(".", 1)[0]
    return download_response(
        write_xlsx(headers, rows, title=title),
        filename=filename,
        content_type=XLSX_CONTENT_TYPE,
    )


_STASH_KEY = "tabular_stash"


def stash_upload(request, uploaded_file, *, namespace: str) -> None:
    """Keep an uploaded file in the session for a later confirm (one per namespace)."""
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read()
    if len(data) > MAX_BYTES:
        raise DomainError(f"文件过大：最大 {MAX_BYTES // (1024 * 1024)} MB")
    stash = dict(request.session.get(_STASH_KEY, {}))
    stash[namespace] = {
        "name": getattr(uploaded_file, "name", "") or "upload",
        "data": base64.b64encode(data).decode("ascii"),
    }
    request.session[_STASH_KEY] = stash


def unstash_upload(request, *, namespace: str, pop: bool = False):
    """The file kept by `stash_upload`, or None when there is none (or it expired)."""
    stash = dict(request.session.get(_STASH_KEY, {}))
    entry = stash.pop(namespace, None) if pop else stash.get(namespace)
    if pop:
        request.session[_STASH_KEY] = stash
    if not entry:
        return None
    return SimpleUploadedFile(entry["name"], base64.b64decode(entry["data"]))
