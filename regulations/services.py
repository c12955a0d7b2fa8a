"""Writes to the catalogue: create, edit, revise, repeal, soft delete, import.

Edits keep history through django-simple-history (`Regulation.history`): every save
records who changed what, and the status moves below add a history row with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.columns import CleanRow, Column, import_rows
from config.columns import choice_code as tabular_choice_code
from config.errors import DomainError, InvalidTransition
from config.statemachine import Move, StateMachine, register
from config.tabular import ImportReport, Row, parse_date
from regulations import hooks
from regulations.models import Regulation

Status = Regulation.Status


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


def _record_history(regulation, action, from_status, to_status, actor, reason):
    """The history row is the event: who, when, from (previous row), to, why."""
    regulation.refresh_from_db()
    regulation._history_user = _actor(actor)
    regulation._change_reason = reason
    regulation.save(update_fields=["updated_at"])


# Allowed status moves. A regulation is amended only by a revision that replaces
# it; a repealed one stays repealed (a mistaken repeal is corrected in the admin
# history, not by a move back). The conditional UPDATE only matches while the row
# still has the status we read, so two concurrent revisions of the same
# regulation cannot both mark it amended.
REGULATION_MACHINE = register(
    StateMachine(
        model=Regulation,
        noun="法规",
        moves={
            "revise": Move({Status.IN_FORCE}, Status.AMENDED, label="修订"),
            "repeal": Move({Status.IN_FORCE, Status.AMENDED}, Status.REPEALED, "废止"),
        },
        record=_record_history,
        guard={"is_deleted": False},
        refusal="“{status}”的法规不能改为“{target}”",
        stale_message="该法规的时效状态已被他人修改，请刷新后重试",
    )
)


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
    if not REGULATION_MACHINE.allowed(regulation, "revise"):
        raise InvalidTransition(
            f"只有现行有效的法规可以修订，该法规为“{regulation.get_status_display()}”"
        )
    merged = {name: getattr(regulation, name) for name in INHERITED_ON_REVISE}
    merged.update({k: v for k, v in data.items() if v not in (None, "")})
    merged.pop("status", None)
    with transaction.atomic():
        # Mark the old version first: the conditional UPDATE is the lock that
        # keeps two revisions from racing.
        REGULATION_MACHINE.apply(
            regulation,
            action="revise",
            actor=user,
            reason="已被修订",
            fields={"updated_at": timezone.now()},
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
    return REGULATION_MACHINE.apply(
        regulation,
        action="repeal",
        actor=user,
        reason=reason or "废止",
        fields={"updated_at": timezone.now()},
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

_DATE_INVALID = "日期“{text}”无法识别，请写作 2019-08-30、2019/8/30 或 2019年8月30日"


def _max_length(field: str) -> int:
    return Regulation._meta.get_field(field).max_length


def _link(text: str) -> str:
    try:
        Regulation._meta.get_field("link").run_validators(text)
    except ValidationError as exc:
        raise ValueError(text) from exc
    return text


def _choice(header: str, field: str, choices, **kwargs) -> Column:
    return Column(
        header,
        field,
        choices=choices,
        invalid=f"未知的{header}“{{text}}”，应为：{{allowed}}",
        **kwargs,
    )


def _date(header: str, field: str) -> Column:
    return Column(header, field, parse=parse_date, invalid=_DATE_INVALID, default=None)


# The catalogue's table: the export writes these columns in this order and the
# import reads them back, by the Chinese header or the English field name of the
# shared data file (regulations/data/regulations.csv).
COLUMNS: tuple[Column, ...] = (
    Column(
        "名称",
        "title",
        aliases=("法规名称",),
        required=True,
        blank=False,
        max_length=_max_length("title"),
    ),
    Column("文号", "document_number", max_length=_max_length("document_number")),
    Column(
        "制定机关",
        "issuer",
        required=True,
        blank=False,
        max_length=_max_length("issuer"),
    ),
    _choice("效力层级", "level", Regulation.Level, required=True, blank=False),
    _choice("名称类别", "form", Regulation.Form, required=True, blank=False),
    _choice("板块", "branch", Regulation.Branch),
    _choice("时效状态", "status", Regulation.Status, default=Status.IN_FORCE),
    _date("发布日期", "published_on"),
    _date("施行日期", "effective_on"),
    Column("摘要", "summary", max_length=_max_length("summary")),
    Column(
        "原文链接",
        "link",
        max_length=_max_length("link"),
        parse=_link,
        invalid="原文链接不是有效的网址",
    ),
)
# The Chinese column names, and the fields in export order (for views, templates).
COLUMN_LABELS = {column.field: column.header for column in COLUMNS}
EXPORT_FIELDS = tuple(column.field for column in COLUMNS)
choice_code = tabular_choice_code  # the demo reads its choices with it


class _CatalogueImport:
    """The rules across cells and rows, and the write, of one catalogue import."""

    def __init__(self, user):
        self.user = user
        self.seen: dict[tuple[str, str], int] = {}
        self.existing: set[tuple[str, str]] = set()

    def prepare(self, rows: list[Row]) -> None:
        # One query for every duplicate against the catalogue.
        titles = {row.get("title", "") for row in rows} - {""}
        self.existing = set(
            Regulation.objects.filter(title__in=titles, is_deleted=False).values_list(
                "title", "document_number"
            )
        )

    def check_row(self, row: CleanRow):
        published, effective = row["published_on"], row["effective_on"]
        if published and effective and effective < published:
            yield "effective_on", "施行日期早于发布日期"
        if not row["title"]:
            return
        key = (row["title"], row["document_number"])
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            yield "title", f"与第{first}行重复（名称、文号相同）"
        if key in self.existing:
            yield "title", "目录中已有同名称、同文号的法规"

    def write(self, rows: list[CleanRow]) -> int:
        user = self.user
        try:
            for row in rows:
                regulation = Regulation(created_by=user if user and user.pk else None)
                for field in EXPORT_FIELDS:
                    setattr(regulation, field, row[field])
                regulation._history_user = _actor(user)
                regulation._change_reason = "导入"
                regulation.save()
        except IntegrityError as exc:
            # Someone added one of these titles between the check and the write.
            raise DomainError(
                "导入时目录已被他人修改，出现重复的法规，请重新导入"
            ) from exc
        return len(rows)


def regulation_import(*, rows: list[Row], user, commit: bool) -> ImportReport:
    """Check every row of an uploaded table; write all of them or none.

    `rows` come from `config.tabular.read_rows` (Chinese or English headers, see
    COLUMNS). Each bad row is reported with its number in the file, its column
    and the reason: missing name, duplicate in the file or in the catalogue (same
    名称 and 文号), a date that cannot be read, an unknown level/form/branch/status.
    Side effects: only when `commit` and no row is bad, one transaction creates
    every row (each with a history row by `user`). Otherwise nothing.
    """
    catalogue = _CatalogueImport(user)
    return import_rows(
        rows,
        COLUMNS,
        commit=commit,
        prepare=catalogue.prepare,
        check_row=catalogue.check_row,
        write=catalogue.write,
        missing_columns="list",
    )
