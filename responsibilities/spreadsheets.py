"""Excel/CSV import and xlsx export of the four responsibility lists.

Each list's table is declared once as `config.tabular.Column`s (COLUMN_SPECS): the
export writes those columns and the import reads them back. An import is
all-or-nothing: every row is checked first (unknown department or regulation, a
bad type value, a duplicate in the file or in the list), and only a file without
a single bad row is written, in one transaction.
"""

from django.core.exceptions import ValidationError

from config.columns import CleanRow, Column, export_table, import_rows
from config.tabular import ImportReport, Row
from org.models import Department
from regulations.models import Regulation
from responsibilities.models import ResponsibilityList
from responsibilities.services.lists import (
    _require_office,
    _save_row,
    duplicate_filter,
    responsibility_validate,
)

Kind = ResponsibilityList.Kind

# Other spellings people use for the same column.
REGULATION_ALIASES = ("法规", "党内法规", "法规名称", "相关法规")
DEPARTMENT_ALIASES = ("责任单位", "责任部门", "牵头部门", "牵头执行部门", "被监督部门")
PARTNER_ALIASES = ("配合部门", "配合单位")
DUTY_ALIASES = ("主要职责", "职责", "主要内容", "内容")

FLOW_WORDS = {
    "": ResponsibilityList.Flow.GENERAL,
    "general": ResponsibilityList.Flow.GENERAL,
    "一般": ResponsibilityList.Flow.GENERAL,
    "一般流程": ResponsibilityList.Flow.GENERAL,
    "七步法": ResponsibilityList.Flow.GENERAL,
    "simple": ResponsibilityList.Flow.SIMPLE,
    "简易": ResponsibilityList.Flow.SIMPLE,
    "简易流程": ResponsibilityList.Flow.SIMPLE,
    "三步法": ResponsibilityList.Flow.SIMPLE,
}


def _flow(text: str) -> str:
    flow = FLOW_WORDS.get(text.strip())
    if flow is None:
        raise ValueError(f"“{text}”不是有效值（一般、简易）")
    return flow


def _flow_label(row: ResponsibilityList) -> str:
    return "简易" if row.default_flow == ResponsibilityList.Flow.SIMPLE else "一般"


def _regulation_title(row: ResponsibilityList) -> str:
    return row.regulation.title if row.regulation_id else ""


def _department_name(row: ResponsibilityList) -> str:
    return row.department.name if row.department_id else ""


def _group_name(row: ResponsibilityList) -> str:
    return row.inspection_group.name if row.inspection_group_id else ""


def _partner_names(row: ResponsibilityList) -> str:
    return "、".join(p.name for p in row.partner_departments.all())


def _regulation(header: str, **kwargs) -> Column:
    return Column(
        header,
        "regulation",
        aliases=REGULATION_ALIASES,
        lookup="regulation",
        default=None,
        export=_regulation_title,
        **kwargs,
    )


def _department(header: str) -> Column:
    return Column(
        header,
        "department",
        aliases=DEPARTMENT_ALIASES,
        required=True,
        lookup="department",
        default=None,
        export=_department_name,
    )


PARTNERS = Column(
    "配合部门",
    "partner_departments",
    aliases=PARTNER_ALIASES,
    lookup="department",
    many=True,
    export=_partner_names,
)


def _duty(header: str) -> Column:
    return Column(header, "duty", aliases=DUTY_ALIASES)


# Each list's columns in file order; the export writes the same.
COLUMN_SPECS: dict[str, tuple[Column, ...]] = {
    Kind.LEAD: (
        _regulation("法规名称", required=True),
        _department("牵头部门"),
        PARTNERS,
        _duty("主要职责"),
        Column("分管区领导", "leader_in_charge"),
        Column("适用范围", "scope"),
        Column(
            "默认流程",
            "default_flow",
            parse=_flow,
            default=ResponsibilityList.Flow.GENERAL,
            export=_flow_label,
        ),
    ),
    Kind.DRIVER: (
        Column("机制名称", "mechanism", required=True),
        Column(
            "机制类型",
            "driver_type",
            required=True,
            choices=ResponsibilityList.DriverType,
        ),
        _department("责任部门"),
        PARTNERS,
        _regulation("相关法规"),
        _duty("主要内容"),
        Column("频次", "frequency"),
    ),
    Kind.SAFEGUARD: (
        Column(
            "要素类型",
            "element_type",
            required=True,
            choices=ResponsibilityList.SafeguardType,
        ),
        Column("保障要求", "requirement", required=True),
        _department("责任部门"),
        PARTNERS,
        _regulation("相关法规"),
        _duty("主要内容"),
    ),
    Kind.SUPERVISION: (
        Column(
            "派驻纪检组",
            "inspection_group",
            required=True,
            lookup="department",
            default=None,
            export=_group_name,
        ),
        _department("被监督牵头部门"),
        _regulation("法规名称", required=True),
        Column("监督重点", "focus"),
        Column("监督方式", "method"),
        Column("监督周期", "period"),
        Column("备注", "duty", aliases=DUTY_ALIASES),
    ),
}
# (column header, field key) and the required keys per kind, for the pages.
COLUMNS = {
    kind: [(c.header, c.field) for c in spec] for kind, spec in COLUMN_SPECS.items()
}
REQUIRED_COLUMNS = {
    kind: [c.field for c in spec if c.required] for kind, spec in COLUMN_SPECS.items()
}


class _Lookups:
    """Departments and regulations the file names, loaded with a few queries."""

    def __init__(self):
        self.departments: dict[str, Department] = {}
        self.ambiguous: set[str] = set()
        self.regulations: dict[str, list[Regulation]] = {}

    def prepare(self, rows: list[Row]) -> None:
        by_name: dict[str, list[Department]] = {}
        for department in Department.objects.filter(is_active=True):
            self.departments[department.code] = department
            by_name.setdefault(department.name, []).append(department)
        # A name two units share (two 新民村 in two towns) must be given by code.
        self.ambiguous = {name for name, found in by_name.items() if len(found) > 1}
        for name, found in by_name.items():
            if name not in self.ambiguous:
                self.departments.setdefault(name, found[0])
        titles = {row.get("regulation", "") for row in rows} - {""}
        for regulation in Regulation.objects.filter(title__in=titles, is_deleted=False):
            self.regulations.setdefault(regulation.title, []).append(regulation)

    def department(self, text: str) -> Department:
        """The active unit of that code or (unshared) name; ValueError if none."""
        found = self.departments.get(text.strip())
        if found is not None:
            return found
        if text.strip() in self.ambiguous:
            raise ValueError(f"有多个名为“{text.strip()}”的单位，请填写单位编码")
        raise ValueError(f"没有名称或编码为“{text.strip()}”的单位")

    def regulation(self, title: str) -> Regulation:
        """The regulation of that title, preferring the one in force."""
        found = self.regulations.get(title.strip(), [])
        if not found:
            raise ValueError(f"法规目录中没有“{title}”")
        in_force = [r for r in found if r.status == Regulation.Status.IN_FORCE]
        candidates = in_force or found
        if len(candidates) > 1:
            raise ValueError(f"法规目录中有多部“{title}”，请先在目录中区分")
        return candidates[0]


class _ListImport:
    """The rules across cells and rows, and the write, of one list's import."""

    def __init__(self, kind: str, user):
        self.kind = kind
        self.user = user
        self.lookups = _Lookups()
        self.seen: dict[tuple, int] = {}
        self.existing: set[tuple] = set()

    def prepare(self, rows: list[Row]) -> None:
        self.lookups.prepare(rows)
        self.existing = {
            tuple(sorted(duplicate_filter(r).items()))
            for r in ResponsibilityList.objects.filter(kind=self.kind, is_active=True)
        }

    def check_row(self, row: CleanRow):
        if not row.valid:
            return  # a cell was refused: the checks below would only repeat it
        fields = {k: v for k, v in row.items() if k != "partner_departments"}
        candidate = ResponsibilityList(kind=self.kind, **fields)
        partners = row.get("partner_departments", [])
        try:
            responsibility_validate(
                candidate,
                partner_departments=partners,
                check_duplicates=False,
                require_in_force=True,
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                yield from ((key, message) for message in messages)
            return
        yield from self._check_duplicate(row, candidate)
        row.instance = (candidate, partners)

    def _check_duplicate(self, row: CleanRow, candidate: ResponsibilityList):
        identity = tuple(sorted(duplicate_filter(candidate).items()))
        first = self.seen.setdefault(identity, row.number)
        if first != row.number:
            yield "", f"与第{first}行重复"
        elif identity in self.existing and self.kind == Kind.LEAD:
            yield "regulation", "该法规已有牵头执行部门"
        elif identity in self.existing:
            yield "", "清单中已有相同的条目"

    def preview(self, row: CleanRow) -> dict:
        return {header: row.raw.get(key, "") for header, key in COLUMNS[self.kind]} | {
            "_row": row.number
        }

    def write(self, rows: list[CleanRow]) -> int:
        for row in rows:
            candidate, partners = row.instance
            _save_row(candidate, partner_departments=partners, user=self.user)
        return len(rows)


def responsibility_import(
    *, kind: str, rows: list[Row], user, commit: bool
) -> ImportReport:
    """Check (and with commit=True write) rows of one list from a spreadsheet.

    All-or-nothing: when any row is bad the report names each bad row and its
    reason, and nothing is written. Side effects (commit and no errors): one
    ResponsibilityList row per file row with partner links and history rows.
    """
    _require_office(user)
    if kind not in Kind.values:
        raise ValidationError({"kind": [f"未知的清单类别“{kind}”。"]})
    run = _ListImport(kind, user)
    return import_rows(
        rows,
        COLUMN_SPECS[kind],
        commit=commit,
        lookups={
            "department": run.lookups.department,
            "regulation": run.lookups.regulation,
        },
        prepare=run.prepare,
        check_row=run.check_row,
        preview=run.preview,
        write=run.write,
    )


def responsibility_export_table(*, kind: str, rows) -> tuple[list[str], list[list]]:
    """Headers and values of one list, in the same columns the import reads.

    `rows` should come from selectors.responsibility_list (related rows preloaded).
    """
    headers, values = export_table(rows, COLUMN_SPECS[kind])
    return headers, list(values)
