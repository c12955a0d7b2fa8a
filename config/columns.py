"""Declarative tables: an importer or export declares its columns once.

    COLUMNS = (
        Column("名称", "title", aliases=("法规名称",), required=True, blank=False),
        Column("效力层级", "level", choices=Regulation.Level, required=True),
        Column("发布日期", "published_on", parse=parse_date, default=None,
               invalid="日期“{text}”无法识别"),
        Column("牵头部门", "department", lookup="department", default=None),
    )
    report = import_rows(rows, COLUMNS, commit=commit, lookups={...},
                         check_row=..., write=...)
    headers, values = export_table(objects, COLUMNS)

`import_rows` is the all-or-nothing import of config.tabular done once: headers
matched by name or alias, missing columns, each cell read by its Column, row-level
rules from `check_row`, a Chinese `ImportReport` naming every bad row, and a write
in one transaction only when no row is bad. Apps keep only what is theirs: the
column list, the lookups, the rules across cells or rows and the write.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from config.tabular import ImportReport, Row, clean_header, map_headers

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
