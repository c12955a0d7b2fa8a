"""Excel/CSV import and xlsx export of the four responsibility lists.

An import is all-or-nothing: every row is checked first (unknown department or
regulation, a bad type value, a duplicate in the file or in the list), and only a
file without a single bad row is written, in one transaction.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from config.tabular import ImportReport, Row, map_headers
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

# (column header, field key) per kind, in file order; export writes the same.
COLUMNS = {
    Kind.LEAD: [
        ("法规名称", "regulation"),
        ("牵头部门", "department"),
        ("配合部门", "partner_departments"),
        ("主要职责", "duty"),
        ("分管区领导", "leader_in_charge"),
        ("适用范围", "scope"),
        ("默认流程", "default_flow"),
    ],
    Kind.DRIVER: [
        ("机制名称", "mechanism"),
        ("机制类型", "driver_type"),
        ("责任部门", "department"),
        ("配合部门", "partner_departments"),
        ("相关法规", "regulation"),
        ("主要内容", "duty"),
        ("频次", "frequency"),
    ],
    Kind.SAFEGUARD: [
        ("要素类型", "element_type"),
        ("保障要求", "requirement"),
        ("责任部门", "department"),
        ("配合部门", "partner_departments"),
        ("相关法规", "regulation"),
        ("主要内容", "duty"),
    ],
    Kind.SUPERVISION: [
        ("派驻纪检组", "inspection_group"),
        ("被监督牵头部门", "department"),
        ("法规名称", "regulation"),
        ("监督重点", "focus"),
        ("监督方式", "method"),
        ("监督周期", "period"),
        ("备注", "duty"),
    ],
}
REQUIRED_COLUMNS = {
    Kind.LEAD: ["regulation", "department"],
    Kind.DRIVER: ["mechanism", "driver_type", "department"],
    Kind.SAFEGUARD: ["element_type", "requirement", "department"],
    Kind.SUPERVISION: ["inspection_group", "department", "regulation"],
}
# Other spellings people use for the same column.
EXTRA_ALIASES = {
    "regulation": ["法规", "党内法规", "法规名称", "相关法规"],
    "department": ["责任单位", "责任部门", "牵头部门", "牵头执行部门", "被监督部门"],
    "partner_departments": ["配合部门", "配合单位"],
    "duty": ["主要职责", "职责", "主要内容", "内容"],
}
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
_SEPARATORS = re.compile(r"[、,，;；/\n]+")


def _choice_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[value] = value
        lookup[label] = value
    return lookup


def _aliases(kind: str) -> dict[str, str]:
    aliases = {}
    for header, key in COLUMNS[kind]:
        aliases[header] = key
        aliases[key] = key
    for key, names in EXTRA_ALIASES.items():
        if key in dict(COLUMNS[kind]).values():
            for name in names:
                aliases.setdefault(name, key)
    return aliases


def _header_of(kind: str) -> dict[str, str]:
    return {key: header for header, key in COLUMNS[kind]}


class _Lookups:
    """Departments and regulations the file names, loaded with a few queries."""

    def __init__(self, rows: list[Row]):
        self.departments: dict[str, Department] = {}
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
        self.regulations: dict[str, list[Regulation]] = {}
        for regulation in Regulation.objects.filter(title__in=titles, is_deleted=False):
            self.regulations.setdefault(regulation.title, []).append(regulation)

    def department(self, text: str) -> Department | None:
        return self.departments.get(text.strip())

    def department_error(self, text: str) -> str:
        if text.strip() in self.ambiguous:
            return f"有多个名为“{text.strip()}”的单位，请填写单位编码"
        return f"没有名称或编码为“{text.strip()}”的单位"

    def regulation(self, title: str) -> tuple[Regulation | None, str]:
        """The regulation of that title, preferring the one in force; or a reason."""
        found = self.regulations.get(title.strip(), [])
        if not found:
            return None, f"法规目录中没有“{title}”"
        in_force = [r for r in found if r.status == Regulation.Status.IN_FORCE]
        candidates = in_force or found
        if len(candidates) > 1:
            return None, f"法规目录中有多部“{title}”，请先在目录中区分"
        return candidates[0], ""


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
    header_of = _header_of(kind)
    rows = map_headers(rows, _aliases(kind))
    report = ImportReport()
    present = set().union(*(row.keys() for row in rows)) if rows else set()
    for key in REQUIRED_COLUMNS[kind]:
        if key not in present:
            report.error(1, header_of[key], "缺少该列")
    if not rows:
        report.error(1, "", "文件中没有数据行")
    if report.errors:
        return report

    lookups = _Lookups(rows)
    driver_types = _choice_lookup(ResponsibilityList.DriverType)
    element_types = _choice_lookup(ResponsibilityList.SafeguardType)
    existing = {
        tuple(sorted(duplicate_filter(r).items()))
        for r in ResponsibilityList.objects.filter(kind=kind, is_active=True)
    }
    seen_in_file: dict[tuple, int] = {}
    prepared: list[tuple[ResponsibilityList, list[Department]]] = []

    for row in rows:
        errors_before = len(report.errors)

        def bad(key, message, row=row):
            report.error(row.number, header_of.get(key, ""), message)

        fields = {}
        department_text = row.get("department", "")
        department = lookups.department(department_text) if department_text else None
        if department_text and department is None:
            bad("department", lookups.department_error(department_text))
        partners = []
        for name in _SEPARATORS.split(row.get("partner_departments", "")):
            if not name.strip():
                continue
            partner = lookups.department(name)
            if partner is None:
                bad("partner_departments", lookups.department_error(name))
            elif partner not in partners:
                partners.append(partner)
        title = row.get("regulation", "")
        if title:
            regulation, reason = lookups.regulation(title)
            if regulation is None:
                bad("regulation", reason)
            fields["regulation"] = regulation
        group_text = row.get("inspection_group", "")
        if group_text:
            group = lookups.department(group_text)
            if group is None:
                bad("inspection_group", lookups.department_error(group_text))
            fields["inspection_group"] = group
        if "driver_type" in row and row["driver_type"]:
            value = driver_types.get(row["driver_type"])
            if value is None:
                allowed = "、".join(ResponsibilityList.DriverType.labels)
                bad("driver_type", f"“{row['driver_type']}”不是有效值（{allowed}）")
            fields["driver_type"] = value or ""
        if "element_type" in row and row["element_type"]:
            value = element_types.get(row["element_type"])
            if value is None:
                allowed = "、".join(ResponsibilityList.SafeguardType.labels)
                bad("element_type", f"“{row['element_type']}”不是有效值（{allowed}）")
            fields["element_type"] = value or ""
        if kind == Kind.LEAD:
            flow = FLOW_WORDS.get(row.get("default_flow", "").strip())
            if flow is None:
                bad("default_flow", f"“{row['default_flow']}”不是有效值（一般、简易）")
            fields["default_flow"] = flow or ResponsibilityList.Flow.GENERAL
        for key in ("duty", "leader_in_charge", "scope", "mechanism", "frequency"):
            if key in header_of:
                fields[key] = row.get(key, "")
        for key in ("requirement", "focus", "method", "period"):
            if key in header_of:
                fields[key] = row.get(key, "")
        if len(report.errors) > errors_before:
            continue  # lookups failed: the field checks below would only repeat it

        candidate = ResponsibilityList(kind=kind, department=department, **fields)
        try:
            responsibility_validate(
                candidate,
                partner_departments=partners,
                check_duplicates=False,
                require_in_force=True,
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                for message in messages:
                    bad(key, message)
            continue
        identity = tuple(sorted(duplicate_filter(candidate).items()))
        if identity in seen_in_file:
            bad("", f"与第{seen_in_file[identity]}行重复")
            continue
        seen_in_file[identity] = row.number
        if identity in existing:
            if kind == Kind.LEAD:
                bad("regulation", "该法规已有牵头执行部门")
            else:
                bad("", "清单中已有相同的条目")
            continue
        prepared.append((candidate, partners))

    report.rows = [
        {header: row.get(key, "") for header, key in COLUMNS[kind]}
        | {"_row": row.number}
        for row in rows
    ]
    if report.ok and commit:
        with transaction.atomic():
            for candidate, partners in prepared:
                _save_row(candidate, partner_departments=partners, user=user)
        report.created = len(prepared)
        report.committed = True
    return report


def _display(row: ResponsibilityList, key: str) -> str:
    if key == "regulation":
        return row.regulation.title if row.regulation_id else ""
    if key in {"department", "inspection_group"}:
        value = getattr(row, key)
        return value.name if value else ""
    if key == "partner_departments":
        return "、".join(p.name for p in row.partner_departments.all())
    if key == "default_flow":
        return "简易" if row.default_flow == ResponsibilityList.Flow.SIMPLE else "一般"
    if key == "driver_type":
        return row.get_driver_type_display() if row.driver_type else ""
    if key == "element_type":
        return row.get_element_type_display() if row.element_type else ""
    return getattr(row, key) or ""


def responsibility_export_table(*, kind: str, rows) -> tuple[list[str], list[list]]:
    """Headers and values of one list, in the same columns the import reads.

    `rows` should come from selectors.responsibility_list (related rows preloaded).
    """
    headers = [header for header, _ in COLUMNS[kind]]
    values = [[_display(row, key) for _, key in COLUMNS[kind]] for row in rows]
    return headers, values
