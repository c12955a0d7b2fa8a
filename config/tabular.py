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

An importer usually declares its table instead: a tuple of `Column`s (header,
field, aliases, required/blank, choices, a lookup, parse), read by
`import_rows(rows, columns, commit=..., check_row=..., write=...)`, which does the
steps above; `export_table(objects, columns)` writes the same columns back out.

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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.utils.http import content_disposition_header

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


def _read_xlsx(data: bytes) -> list[Row]:
    import openpyxl

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


def write_xlsx(
    headers: list[str], rows: Iterable[Iterable], *, title: str = ""
) -> bytes:
    """An .xlsx file (bytes) with a bold header row; dates stay Excel dates."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

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


# --- declarative imports and exports ------------------------------------------

# How a cell lists several values (配合部门: "区委组织部、区司法局").
LIST_SEPARATORS = re.compile(r"[、,，;；/\n]+")


@dataclass(frozen=True)
class Column:
    """One column of an importable (and exportable) table, declared once.

    header: the Chinese header the export writes; an error names the user's own
        header for the column, or this one when the file has none.
    field: the key of the cleaned value; also accepted as a header.
    aliases: other headers people write for the same column.
    required: the file must have this column (reported on row 1).
    blank: False -> every row must fill it ("{header}不能为空").
    max_length: longer text is refused.
    choices: a Django Choices class; a cell may hold a label or a code.
    lookup: the name of a lookup given to `import_rows` (a department by name, a
        regulation by title): text -> object, ValueError(Chinese reason) if none.
    many: the cell lists several values (LIST_SEPARATORS); the value is a list
        (empty: []).
    parse: text -> value, ValueError when the text is not one.
    invalid: the message for a cell that `choices` or `parse` refused, with
        {text}, {header} and {allowed} (the choices' labels); None: the parser's.
    default: the value of an empty cell.
    export: object -> cell value for `export_table`; None: the attribute `field`
        (its label for a choices column).
    """

    header: str
    field: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    blank: bool = True
    max_length: int | None = None
    choices: Any = None
    lookup: str | None = None
    many: bool = False
    parse: Callable[[str], Any] | None = None
    invalid: str | None = None
    default: Any = ""
    export: Callable[[Any], Any] | None = None


class CleanRow(dict):
    """One row's cleaned values by field, with what `check_row` needs beside them.

    `number` is the row number in the file, `raw` the row's text by field, `valid`
    whether every cell could be read. `check_row` may leave what it built for
    `write` in `instance`.
    """

    def __init__(self, *args, number: int, raw: Row, valid: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self.raw = raw
        self.valid = valid
        self.instance: Any = None


def choice_code(choices, text: str) -> str | None:
    """The code for a Chinese label or a code (any case or spacing); None if none."""
    key = clean_header(text)
    for value, label in choices.choices:
        if key == label or key.lower() == str(value).lower():
            return value
    return None


def _header_aliases(columns: Iterable[Column]) -> dict[str, str]:
    """Accepted header -> field; a column's own header or field name wins over an
    alias another column lists."""
    columns = list(columns)
    aliases: dict[str, str] = {}
    for column in columns:
        aliases.setdefault(clean_header(column.header).lower(), column.field)
        aliases.setdefault(clean_header(column.field).lower(), column.field)
    for column in columns:
        for alias in column.aliases:
            aliases.setdefault(clean_header(alias).lower(), column.field)
    return aliases


def _file_headers(rows: list[Row], aliases: Mapping[str, str]) -> dict[str, str]:
    """Field -> the header the user's file has for it (the first one, in file order)."""
    headers: dict[str, str] = {}
    for row in rows:
        for header in row:
            field = aliases.get(clean_header(header).lower())
            if field:
                headers.setdefault(field, header)
    return headers


def _allowed(column: Column) -> str:
    if column.choices is None:
        return ""
    return "、".join(str(label) for _, label in column.choices.choices)


def _parse_cell(column: Column, text: str, lookups: Mapping[str, Callable]):
    if column.lookup:
        return lookups[column.lookup](text)
    if column.choices is not None:
        code = choice_code(column.choices, text)
        if code is None:
            raise ValueError(f"“{text}”不是有效值（{_allowed(column)}）")
        return code
    if column.parse:
        return column.parse(text)
    return text


def _read_value(column: Column, text: str, lookups) -> tuple[Any, list[str]]:
    """One value of a cell and the reasons it was refused."""
    try:
        return _parse_cell(column, text, lookups), []
    except ValueError as exc:
        if column.invalid:
            message = column.invalid.format(
                text=text, header=column.header, allowed=_allowed(column)
            )
        else:
            message = str(exc)
        return None, [message]


def _read_cell(column: Column, text: str, lookups) -> tuple[Any, list[str]]:
    """A cell's value and the reasons it was refused (none when it is good)."""
    if not text:
        empty = [] if column.many else column.default
        return empty, [] if column.blank else [f"{column.header}不能为空"]
    if column.max_length and len(text) > column.max_length:
        return text, [f"不能超过{column.max_length}个字（现有{len(text)}个）"]
    if not column.many:
        return _read_value(column, text, lookups)
    values, errors = [], []
    for item in LIST_SEPARATORS.split(text):
        if not item.strip():
            continue
        value, reasons = _read_value(column, item.strip(), lookups)
        errors += reasons
        if value is not None and value not in values:
            values.append(value)
    return values, errors


def _missing_columns(
    report: ImportReport, columns: list[Column], headers: Mapping, style: str
) -> None:
    missing = [c.header for c in columns if c.required and c.field not in headers]
    if missing and style == "list":
        report.error(1, "", f"缺少必填列：{'、'.join(missing)}")
    elif missing:
        for header in missing:
            report.error(1, header, "缺少该列")


def import_rows(
    rows: list[Row],
    columns: Iterable[Column],
    *,
    commit: bool,
    lookups: Mapping[str, Callable[[str], Any]] | None = None,
    prepare: Callable[[list[Row]], None] | None = None,
    check_row: Callable[[CleanRow], Iterable[tuple[str, str]]] | None = None,
    preview: Callable[[CleanRow], dict] | None = None,
    write: Callable[[list[CleanRow]], int] | None = None,
    missing_columns: str = "each",
) -> ImportReport:
    """Read every row through `columns`; with `commit` and no bad row, `write` all.

    Steps: no data row, or a missing required column (`missing_columns`: "each"
    column its own error, or one "list") -> a row-1 error and nothing else.
    `prepare(rows)` sees the rows by field before any is read (to load what the
    lookups need in a few queries). Each row's cells are read by their Column,
    then `check_row(row)` yields (field, message) for rules across cells or rows
    ("" for the whole row). `report.rows` holds `preview(row)` (default: the
    values plus "row"). Side effects: only `write(rows)`, in one transaction,
    when `commit` and no row is bad; it returns the number of rows created.
    """
    columns = list(columns)
    report = ImportReport()
    if not rows:
        report.error(1, "", "文件中没有数据行")
        return report
    aliases = _header_aliases(columns)
    headers = _file_headers(rows, aliases)
    _missing_columns(report, columns, headers, missing_columns)
    if not report.ok:
        return report
    rows = map_headers(rows, aliases)
    if prepare:
        prepare(rows)
    spec_headers = {c.field: c.header for c in columns}

    def fail(number: int, key: str, message: str) -> None:
        report.error(number, headers.get(key) or spec_headers.get(key, ""), message)

    cleaned = [_clean_row(row, columns, lookups or {}, fail) for row in rows]
    for row in cleaned:
        for key, message in check_row(row) if check_row else ():
            fail(row.number, key, message)
        report.rows.append(preview(row) if preview else {"row": row.number, **row})
    report.errors.sort(key=lambda e: e.row)
    if report.ok and commit and write:
        with transaction.atomic():
            report.created = write(cleaned)
        report.committed = True
    return report


def _clean_row(row: Row, columns: list[Column], lookups, fail) -> CleanRow:
    clean = CleanRow(number=row.number, raw=row)
    for column in columns:
        value, reasons = _read_cell(column, row.get(column.field, ""), lookups)
        clean[column.field] = value
        for message in reasons:
            fail(row.number, column.field, message)
        clean.valid = clean.valid and not reasons
    return clean


def export_value(column: Column, obj) -> Any:
    """One cell of an export: `column.export(obj)`, else the attribute (a label)."""
    if column.export:
        return column.export(obj)
    value = getattr(obj, column.field)
    if column.choices is not None:
        return dict(column.choices.choices).get(value, value or "")
    return "" if value is None else value


def export_table(
    objects: Iterable, columns: Iterable[Column]
) -> tuple[list[str], Iterable[list]]:
    """Headers and rows (lazily, one per object) in the columns the import reads."""
    columns = list(columns)
    headers = [column.header for column in columns]
    return headers, ([export_value(c, obj) for c in columns] for obj in objects)
