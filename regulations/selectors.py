"""Reads of the catalogue.

The catalogue is public party regulations: every role-holder reads all of it, so
scope here means "not deleted"; what a user may see of the responsibilities shown
beside a regulation is decided by `responsibilities.selectors`.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet
from django.http import Http404

from config.filters import filter_apply
from regulations import hooks
from regulations.filters import RegulationFilter
from regulations.models import Regulation


def regulation_queryset() -> QuerySet[Regulation]:
    """Every regulation still in the catalogue (soft-deleted ones never show)."""
    return Regulation.objects.filter(is_deleted=False)


def regulation_list(
    *, user, filters: Mapping | None = None, strict: bool = True
) -> QuerySet[Regulation]:
    """The catalogue filtered by search/level/form/branch/status/issuer/year
    through RegulationFilter (see filter_apply): the pages ignore a value that
    does not validate (e.g. year=abc), the API (`strict`) answers 400."""
    qs = regulation_queryset().select_related("replaces")
    return filter_apply(RegulationFilter, qs, filters, strict=strict)


def regulation_get(*, user, pk) -> Regulation:
    """One regulation, or 404 when it does not exist or was deleted."""
    try:
        return regulation_queryset().select_related("replaces", "created_by").get(pk=pk)
    except (Regulation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该法规") from exc


def revision_chain(*, regulation: Regulation) -> list[Regulation]:
    """All versions of a regulation, oldest first (deleted versions left out).

    Chains are a handful of versions long; one query per version is fine here
    (a detail page, never a list).
    """
    older: list[Regulation] = []
    current = regulation
    seen = {regulation.pk}
    while current.replaces_id and current.replaces_id not in seen:
        current = Regulation.objects.get(pk=current.replaces_id)
        seen.add(current.pk)
        older.append(current)
    newer: list[Regulation] = []
    current = regulation
    while True:
        nxt = (
            regulation_queryset()
            .filter(replaces_id=current.pk)
            .exclude(pk__in=seen)
            .order_by("id")
            .first()
        )
        if nxt is None:
            break
        seen.add(nxt.pk)
        newer.append(nxt)
        current = nxt
    chain = [r for r in reversed(older) if not r.is_deleted]
    return chain + [regulation] + newer


def regulation_responsibilities(*, regulation: Regulation, user) -> list:
    """The rows of the four lists for this regulation that the user may see.

    The lists sit above the catalogue, so they answer through
    `regulations.hooks.regulation_responsibilities` (filled in by responsibilities).
    """
    answers = hooks.regulation_responsibilities(regulation=regulation, user=user)
    return [row for rows in answers for row in rows]


def regulation_history(*, regulation: Regulation) -> list[dict]:
    """Who changed which fields when, newest first, from simple-history's rows.

    Each entry: {"record", "user", "date", "type", "reason", "changes": [
    {"field", "label", "old", "new"}]}; values are shown with their Chinese labels.
    """
    records = list(
        regulation.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )
    )
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=_NOT_SHOWN)
            for change in delta.changes:
                field = Regulation._meta.get_field(change.field)
                changes.append(
                    {
                        "field": change.field,
                        "label": field.verbose_name,
                        "old": _display(field, change.old),
                        "new": _display(field, change.new),
                    }
                )
        entries.append(
            {
                "record": record,
                "user": record.history_user,
                "date": record.history_date,
                "type": _TYPES.get(record.history_type, record.history_type),
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    return entries


_NOT_SHOWN = ["updated_at", "created_at", "created_by"]
_TYPES = {"+": "新增", "~": "修改", "-": "删除"}


def _display(field, value) -> str:
    if value in (None, ""):
        return "（空）"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.name == "replaces":
        return f"#{value}"
    if field.name == "is_deleted":
        return "是" if value else "否"
    return str(value)
