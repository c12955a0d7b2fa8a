"""Writes to the catalogue: create, edit, revise, repeal, soft delete, import.

Edits keep history through django-simple-history (`Regulation.history`): every save
records who changed what, and the status moves below add a history row with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import DomainError, InvalidTransition
from config.tabular import ImportReport, Row, clean_header, parse_date
from regulations import hooks
from regulations.models import Regulation

Status = Regulation.Status

# Allowed status moves. A regulation is amended only by a revision that replaces
# it; a repealed one stays repealed (a mistaken repeal is corrected in the admin
# history, not by a move back).
TRANSITIONS: dict[str, set[str]] = {
    Status.IN_FORCE: {Status.AMENDED, Status.REPEALED},
    Status.AMENDED: {Status.REPEALED},
    Status.REPEALED: set(),
}

# Fields a user may set on create/edit. `status` is set only at creation (or by
# import); afterwards it changes through the moves above.
EDITABLE_FIELDS = (
    "title",
    "document_number",
    "issuer",
    "level",
    "form",
    "branch",
    "published_on",
    "effective_on",
    "summary",
    "link",
    "attachment",
)
# Fields a revision inherits from the version it replaces unless given.
INHERITED_ON_REVISE = ("title", "issuer", "level", "form", "branch", "link")


def _actor(user):
    """The user to record in history (None for the system, e.g. demo data)."""
    return user if user is not None and user.is_authenticated else None


def _save(regulation: Regulation, *, user, reason: str = "") -> Regulation:
    """Validate and save; history records `user` and `reason`."""
    regulation.full_clean(validate_unique=False, validate_constraints=False)
    _check_unique(regulation)
    regulation._history_user = _actor(user)
    regulation._change_reason = reason or None
    try:
        with transaction.atomic():
            regulation.save()
    except IntegrityError as exc:  # a concurrent twin slipped past _check_unique
        raise _duplicate_error() from exc
    return regulation


def _duplicate_error() -> ValidationError:
    return ValidationError(
        {"title": ["目录中已有同名称、同文号的法规；如为新版本，请使用“修订”。"]}
    )


def _check_unique(regulation: Regulation) -> None:
    twins = Regulation.objects.filter(
        title=regulation.title,
        document_number=regulation.document_number,
        is_deleted=False,
    )
    if regulation.pk:
        twins = twins.exclude(pk=regulation.pk)
    if not regulation.is_deleted and twins.exists():
        raise _duplicate_error()


_TEXT = {"document_number", "branch", "summary", "link", "title", "issuer"}


def _apply(regulation: Regulation, data: Mapping, fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
            setattr(regulation, name, "" if value is None and name in _TEXT else value)


def regulation_create(*, user, data: Mapping) -> Regulation:
    """Add a regulation to the catalogue.

    Side effects: one Regulation row and its first history row (by `user`).
    Raises ValidationError (field -> Chinese messages) on bad or duplicate data.
    """
    regulation = Regulation(created_by=user if user and user.pk else None)
    _apply(regulation, data, EDITABLE_FIELDS)
    if data.get("status"):
        regulation.status = data["status"]
    return _save(regulation, user=user, reason="新增")


def regulation_update(*, regulation: Regulation, user, data: Mapping) -> Regulation:
    """Edit the catalogue fields of a regulation (not its status).

    Side effects: saves the row; one history row records the changed fields.
    """
    if regulation.is_deleted:
        raise DomainError("该法规已删除，不能编辑")
    if "status" in data and data["status"] not in (None, "", regulation.status):
        raise DomainError(
            "时效状态不能直接修改：请使用“修订”（已被修改）或“废止”", code="status"
        )
    _apply(regulation, data, EDITABLE_FIELDS)
    return _save(regulation, user=user, reason="编辑")


def _transition(
    regulation: Regulation, *, to: str, user, reason: str, expected: str | None = None
) -> Regulation:
    """The one way a status changes: a conditional UPDATE, then a history row.

    The UPDATE only matches while the row still has the status we read, so two
    concurrent revisions of the same regulation cannot both mark it amended.
    """
    current = expected or regulation.status
    if to not in TRANSITIONS.get(current, set()):
        raise InvalidTransition(
            f"“{Status(current).label}”的法规不能改为“{Status(to).label}”"
        )
    changed = Regulation.objects.filter(
        pk=regulation.pk, status=current, is_deleted=False
    ).update(status=to, updated_at=timezone.now())
    if changed != 1:
        raise InvalidTransition("该法规的时效状态已被他人修改，请刷新后重试")
    regulation.refresh_from_db()
    # The history row is the event: who, when, from (previous row), to, why.
    regulation._history_user = _actor(user)
    regulation._change_reason = reason
    regulation.save(update_fields=["updated_at"])
    return regulation


def regulation_revise(
    *,
    regulation: Regulation,
    user,
    data: Mapping,
    carry_responsibilities: bool = True,
) -> Regulation:
    """Add a new version that replaces `regulation`; the old one becomes amended.

    Fields not given are inherited from the old version (title, issuer, level,
    form, branch, link). Side effects, in one transaction: a new in-force
    Regulation with `replaces=regulation`; the old one's status in_force -> amended
    with a history row; with `carry_responsibilities`, the old version's active
    rows of the four lists move to the new version (each with a history row), so
    the new version keeps its lead department (`regulations.hooks.carry_to_revision`).
    Execution projects stay with the version they executed.
    """
    if regulation.is_deleted:
        raise DomainError("该法规已删除，不能修订")
    if regulation.status != Status.IN_FORCE:
        raise InvalidTransition(
            f"只有现行有效的法规可以修订，该法规为“{regulation.get_status_display()}”"
        )
    merged = {name: getattr(regulation, name) for name in INHERITED_ON_REVISE}
    merged.update({k: v for k, v in data.items() if v not in (None, "")})
    merged.pop("status", None)
    with transaction.atomic():
        # Mark the old version first: the conditional UPDATE is the lock that
        # keeps two revisions from racing.
        _transition(
            regulation,
            to=Status.AMENDED,
            user=user,
            reason="已被修订",
            expected=Status.IN_FORCE,
        )
        new = Regulation(created_by=user if user and user.pk else None)
        _apply(new, merged, EDITABLE_FIELDS)
        new.replaces = regulation
        new.status = Status.IN_FORCE
        _save(new, user=user, reason=f"修订：取代 #{regulation.pk}")
        if carry_responsibilities:
            hooks.carry_to_revision(old=regulation, new=new, user=_actor(user))
    return new


def regulation_repeal(*, regulation: Regulation, user, reason: str = "") -> Regulation:
    """Mark a regulation repealed (已废止).

    Side effects: status change and a history row.
    """
    if regulation.is_deleted:
        raise DomainError("该法规已删除")
    return _transition(
        regulation,
        to=Status.REPEALED,
        user=user,
        reason=reason or "废止",
    )


def regulation_delete(*, regulation: Regulation, user) -> Regulation:
    """Remove a regulation from the catalogue: a soft delete, nothing is erased.

    Refused while an app above still uses it (active list rows, execution
    projects: `regulations.hooks.deletion_refusal`); mark it repealed instead.
    Side effects: is_deleted=True and a history row.
    """
    if regulation.is_deleted:
        return regulation
    for refusal in hooks.deletion_refusal(regulation=regulation):
        if refusal:
            raise DomainError(refusal)
    regulation.is_deleted = True
    regulation._history_user = _actor(user)
    regulation._change_reason = "删除"
    regulation.save()
    return regulation


# --- import -------------------------------------------------------------------

# Accepted headers -> field. Chinese as the export writes them, and the English
# names of the shared data file.
IMPORT_COLUMNS: dict[str, str] = {
    "名称": "title",
    "法规名称": "title",
    "title": "title",
    "文号": "document_number",
    "document_number": "document_number",
    "制定机关": "issuer",
    "issuer": "issuer",
    "效力层级": "level",
    "level": "level",
    "名称类别": "form",
    "form": "form",
    "板块": "branch",
    "branch": "branch",
    "时效状态": "status",
    "status": "status",
    "发布日期": "published_on",
    "published_on": "published_on",
    "施行日期": "effective_on",
    "effective_on": "effective_on",
    "摘要": "summary",
    "summary": "summary",
    "原文链接": "link",
    "link": "link",
}
# The Chinese column name used in error messages when the file has none.
COLUMN_LABELS = {
    "title": "名称",
    "document_number": "文号",
    "issuer": "制定机关",
    "level": "效力层级",
    "form": "名称类别",
    "branch": "板块",
    "status": "时效状态",
    "published_on": "发布日期",
    "effective_on": "施行日期",
    "summary": "摘要",
    "link": "原文链接",
}
# The export writes these columns in this order; import reads them back.
EXPORT_FIELDS = (
    "title",
    "document_number",
    "issuer",
    "level",
    "form",
    "branch",
    "status",
    "published_on",
    "effective_on",
    "summary",
    "link",
)
REQUIRED = ("title", "issuer", "level", "form")
CHOICES = {
    "level": Regulation.Level,
    "form": Regulation.Form,
    "branch": Regulation.Branch,
    "status": Regulation.Status,
}


def choice_code(choices, text: str) -> str | None:
    """The code for a Chinese label or a code (any case); None if unknown."""
    key = clean_header(text)
    for value, label in choices.choices:
        if key == label or key.lower() == value:
            return value
    return None


def _clean_row(row: Row, report: ImportReport, header_of: dict[str, str]) -> dict:
    def fail(field: str, message: str) -> None:
        report.error(row.number, header_of.get(field, COLUMN_LABELS[field]), message)

    cleaned: dict = {"row": row.number}
    for field in REQUIRED:
        if not row.get(field):
            fail(field, f"{COLUMN_LABELS[field]}不能为空")
    for field in ("title", "document_number", "issuer", "summary", "link"):
        value = row.get(field, "")
        limit = Regulation._meta.get_field(field).max_length
        if limit and len(value) > limit:
            fail(field, f"不能超过{limit}个字（现有{len(value)}个）")
        cleaned[field] = value
    for field, choices in CHOICES.items():
        text = row.get(field, "")
        if not text:
            cleaned[field] = Status.IN_FORCE if field == "status" else ""
            continue
        code = choice_code(choices, text)
        if code is None:
            allowed = "、".join(label for _, label in choices.choices)
            fail(field, f"未知的{COLUMN_LABELS[field]}“{text}”，应为：{allowed}")
        cleaned[field] = code or ""
    for field in ("published_on", "effective_on"):
        text = row.get(field, "")
        try:
            cleaned[field] = parse_date(text)
        except ValueError:
            cleaned[field] = None
            fail(
                field,
                f"日期“{text}”无法识别，请写作 2019-08-30、2019/8/30 或 2019年8月30日",
            )
    if cleaned["link"]:
        try:
            Regulation._meta.get_field("link").run_validators(cleaned["link"])
        except ValidationError:
            fail("link", "原文链接不是有效的网址")
    if (
        cleaned["published_on"]
        and cleaned["effective_on"]
        and cleaned["effective_on"] < cleaned["published_on"]
    ):
        fail("effective_on", "施行日期早于发布日期")
    return cleaned


def regulation_import(*, rows: list[Row], user, commit: bool) -> ImportReport:
    """Check every row of an uploaded table; write all of them or none.

    `rows` come from `config.tabular.read_rows` (Chinese or English headers, see
    IMPORT_COLUMNS). Each bad row is reported with its number in the file, its
    column and the reason: missing name, duplicate in the file or in the catalogue
    (same 名称 and 文号), a date that cannot be read, an unknown level/form/branch/
    status. Side effects: only when `commit` and no row is bad, one transaction
    creates every row (each with a history row by `user`). Otherwise nothing.
    """
    report = ImportReport()
    header_of: dict[str, str] = {}
    lookup = {clean_header(k).lower(): v for k, v in IMPORT_COLUMNS.items()}
    for header in rows[0].keys() if rows else ():
        field = lookup.get(clean_header(header).lower())
        if field and field not in header_of:
            header_of[field] = header
    if not rows:
        report.error(1, "", "文件中没有数据行")
        return report
    missing = [COLUMN_LABELS[f] for f in REQUIRED if f not in header_of]
    if missing:
        report.error(1, "", f"缺少必填列：{'、'.join(missing)}")
        return report

    seen: dict[tuple[str, str], int] = {}
    for raw in rows:
        row = Row(number=raw.number)
        for header, value in raw.items():
            field = lookup.get(clean_header(header).lower())
            if field and field not in row:
                row[field] = value
        cleaned = _clean_row(row, report, header_of)
        report.rows.append(cleaned)
        key = (cleaned["title"], cleaned["document_number"])
        if cleaned["title"]:
            if key in seen:
                report.error(
                    row.number,
                    header_of["title"],
                    f"与第{seen[key]}行重复（名称、文号相同）",
                )
            else:
                seen[key] = row.number

    # One query for all duplicates against the catalogue.
    titles = {title for title, _ in seen}
    existing = set(
        Regulation.objects.filter(title__in=titles, is_deleted=False).values_list(
            "title", "document_number"
        )
    )
    for cleaned in report.rows:
        if (cleaned["title"], cleaned["document_number"]) in existing:
            report.error(
                cleaned["row"],
                header_of["title"],
                "目录中已有同名称、同文号的法规",
            )
    report.errors.sort(key=lambda e: e.row)

    if not commit or not report.ok:
        return report
    try:
        with transaction.atomic():
            for cleaned in report.rows:
                regulation = Regulation(created_by=user if user and user.pk else None)
                for field in EXPORT_FIELDS:
                    setattr(regulation, field, cleaned[field])
                regulation._history_user = _actor(user)
                regulation._change_reason = "导入"
                regulation.save()
    except IntegrityError as exc:
        # Someone added one of these titles between the check and the write.
        raise DomainError("导入时目录已被他人修改，出现重复的法规，请重新导入") from exc
    report.created = len(report.rows)
    report.committed = True
    return report
