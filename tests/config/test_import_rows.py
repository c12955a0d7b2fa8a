"""The declarative import/export spec of config.tabular: Column, import_rows,
export_table. Apps' importers (catalogue, four lists) are tested in their apps."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import models

from config.columns import Column, choice_code, export_table, import_rows
from config.tabular import Row, parse_date


class Colour(models.TextChoices):
    RED = "red", "红色"
    GREEN = "green", "绿色"


COLUMNS = (
    Column("名称", "name", aliases=("名字",), required=True, blank=False, max_length=4),
    Column("颜色", "colour", required=True, choices=Colour, default=Colour.RED),
    Column(
        "日期", "day", parse=parse_date, default=None, invalid="日期“{text}”无法识别"
    ),
)


def _rows(header, *values):
    return [
        Row(zip(header, row, strict=True), number=number)
        for number, row in enumerate(values, start=2)
    ]


def test_import_rows_reads_each_cell_through_its_column():
    # given: an alias header, an English field name, a label, a code, a blank
    rows = _rows(
        ["名字", "colour", "日期"],
        ["甲", "绿色", "2026年3月1日"],
        ["乙", "GREEN", ""],
        ["丙", "", "2026/3/2"],
    )
    # when
    report = import_rows(rows, COLUMNS, commit=False)
    # then
    assert report.ok and not report.committed
    assert report.rows == [
        {"row": 2, "name": "甲", "colour": "green", "day": dt.date(2026, 3, 1)},
        {"row": 3, "name": "乙", "colour": "green", "day": None},
        {"row": 4, "name": "丙", "colour": "red", "day": dt.date(2026, 3, 2)},
    ]


def test_import_rows_names_each_bad_cell_by_the_users_own_header():
    # given: a blank required name, a too long name, an unknown colour, a bad date
    rows = _rows(
        ["名字", "颜色", "day"],
        ["", "蓝色", "2026-02-30"],
        ["太长的名字", "红色", "昨天"],
    )
    # when
    report = import_rows(rows, COLUMNS, commit=True, write=lambda rows: 1 / 0)
    # then: nothing written, every reason named by row and the user's header
    assert not report.committed
    assert [str(e) for e in report.errors] == [
        "第2行「名字」：名称不能为空",
        "第2行「颜色」：“蓝色”不是有效值（红色、绿色）",
        "第2行「day」：日期“2026-02-30”无法识别",
        "第3行「名字」：不能超过4个字（现有5个）",
        "第3行「day」：日期“昨天”无法识别",
    ]
    assert report.bad_rows == [2, 3]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("each", ["第1行「名称」：缺少该列", "第1行「颜色」：缺少该列"]),
        ("list", ["第1行：缺少必填列：名称、颜色"]),
    ],
)
def test_import_rows_reports_missing_required_columns(style, expected):
    rows = _rows(["日期"], ["2026-03-01"])
    report = import_rows(rows, COLUMNS, commit=True, missing_columns=style)
    assert [str(e) for e in report.errors] == expected
    assert report.rows == []


def test_import_rows_without_data_rows_says_only_that():
    report = import_rows([], COLUMNS, commit=True)
    assert [str(e) for e in report.errors] == ["第1行：文件中没有数据行"]


def test_import_rows_looks_up_every_item_of_a_many_column():
    # given: a lookup that knows two units; the cell lists three, one twice
    known = {"甲局": "A", "乙局": "B"}

    def unit(text):
        if text not in known:
            raise ValueError(f"没有“{text}”")
        return known[text]

    columns = (Column("单位", "units", lookup="unit", many=True),)
    rows = _rows(["单位"], ["甲局、乙局，甲局"], ["丙局;甲局"], [""])
    # when
    report = import_rows(rows, columns, commit=False, lookups={"unit": unit})
    # then
    assert [r["units"] for r in report.rows] == [["A", "B"], ["A"], []]
    assert [str(e) for e in report.errors] == ["第3行「单位」：没有“丙局”"]


def test_import_rows_check_row_adds_rules_across_cells_and_rows():
    # given: a rule that sees whether the row's cells were all read
    seen = {}

    def check_row(row):
        if not row.valid:
            return
        first = seen.setdefault(row["name"], row.number)
        if first != row.number:
            yield "name", f"与第{first}行重复"
        if row["colour"] == Colour.GREEN and row["day"] is None:
            yield "", "绿色须有日期"

    rows = _rows(
        ["名称", "颜色", "日期"],
        ["甲", "绿色", ""],
        ["乙", "红色", "坏日期"],
        ["甲", "红色", ""],
    )
    # when
    report = import_rows(rows, COLUMNS, commit=False, check_row=check_row)
    # then: row 3's bad date kept it from the rule; errors come in row order
    assert [str(e) for e in report.errors] == [
        "第2行：绿色须有日期",
        "第3行「日期」：日期“坏日期”无法识别",
        "第4行「名称」：与第2行重复",
    ]


def test_import_rows_preview_shapes_the_report_rows():
    rows = _rows(["名称", "颜色"], ["甲", "绿色"])
    report = import_rows(
        rows,
        COLUMNS,
        commit=False,
        preview=lambda row: {"_row": row.number, "名称": row.raw["name"]},
    )
    assert report.rows == [{"_row": 2, "名称": "甲"}]


def test_import_rows_writes_every_row_in_one_transaction(db):
    # given
    rows = _rows(["名称", "颜色"], ["甲", "红色"], ["乙", "绿色"])

    def write(cleaned):
        for row in cleaned:
            Group.objects.create(name=row["name"])
        return len(cleaned)

    # when
    report = import_rows(rows, COLUMNS, commit=True, write=write)
    # then
    assert report.committed and report.created == 2
    assert report.summary() == "导入成功：新增2条"
    assert set(Group.objects.values_list("name", flat=True)) == {"甲", "乙"}


def test_import_rows_failing_write_leaves_nothing_behind(db):
    # given: a write that fails after its first row
    rows = _rows(["名称", "颜色"], ["甲", "红色"], ["乙", "绿色"])

    def write(cleaned):
        Group.objects.create(name=cleaned[0]["name"])
        raise RuntimeError("disk full")

    # when
    with pytest.raises(RuntimeError):
        import_rows(rows, COLUMNS, commit=True, write=write)
    # then
    assert not Group.objects.exists()


def test_import_rows_preview_never_writes(db):
    rows = _rows(["名称", "颜色"], ["甲", "红色"])
    report = import_rows(rows, COLUMNS, commit=False, write=lambda rows: 1 / 0)
    assert report.ok and not report.committed and report.created == 0


def test_choice_code_accepts_labels_and_codes_in_any_case():
    assert choice_code(Colour, " 绿 色 ") == "green"
    assert choice_code(Colour, "RED") == "red"
    assert choice_code(Colour, "蓝色") is None


def test_export_table_writes_labels_and_the_columns_own_values():
    # given
    columns = (
        *COLUMNS,
        Column("备注", "note", export=lambda obj: f"#{obj.name}"),
    )
    things = [
        SimpleNamespace(name="甲", colour="green", day=dt.date(2026, 3, 1)),
        SimpleNamespace(name="乙", colour="", day=None),
    ]
    # when
    headers, rows = export_table(things, columns)
    # then: the headers the import reads back, the labels of choices
    assert headers == ["名称", "颜色", "日期", "备注"]
    assert list(rows) == [
        ["甲", "绿色", dt.date(2026, 3, 1), "#甲"],
        ["乙", "", "", "#乙"],
    ]
