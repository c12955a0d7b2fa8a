"""The one state-machine helper every status change in the project goes through.

Each model with a status declares a `StateMachine`: its allowed moves as data
(`Move`: the statuses an action may start from and the status it ends in), how
to write its event row, and the Chinese refusal texts. `StateMachine.apply` is
the only code that writes a status field:

1. it refuses a move that the table does not allow from the status the caller
   read (`InvalidTransition`, HTTP 409 in the API);
2. it changes the row with a conditional UPDATE (`status = <what we read>`), so
   when two people act at once exactly one wins and the other is refused;
3. it writes one event row (who, when, from, to, why) through `record`;
4. it runs `after_move` (rows kept in step with the status, e.g. a project's
   receipts) in the same transaction;
5. it schedules the side effects with `transaction.on_commit`.

`StateMachine.apply_many` is the bulk path (a round's publication closing its
projects): the same conditional UPDATE for many rows at once, skipping those no
longer in a status the move starts from, and one event row per moved row
(`record_many`: one INSERT).

Views and templates ask `allowed()` / `actions_from()` (in templates the `may`
filter of `{% load statemachine %}`) what may happen next instead of re-encoding
the tables. `config` imports no app: the machines live in the apps' services,
pass their own models in and `register()`; `autodiscover()` imports every app's
`services` so REGISTRY is complete. tests/config/test_statemachine.py checks
that every model with a status has a machine, that its admin shows the status
read-only, and (tests/status_writes.py) that no other code writes a status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.module_loading import autodiscover_modules

from config.errors import InvalidTransition

STALE_MESSAGE = "该事项刚刚已被他人处理，请刷新页面后查看最新状态。"


@dataclass(frozen=True)
class Move:
    """One allowed action: from any of `sources` to `target`."""

    sources: Iterable[str]
    target: str
    label: str = ""
    # Chinese refusal; may use {status} (the current status label), {target}
    # (the label of the status it would end in), {label} and {noun}. Empty:
    # the machine's `refusal`.
    refusal: str = ""

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))


# record(obj, action, from_status, to_status, actor, reason) writes the event row
Recorder = Callable[[Any, str, str, str, Any, str], None]


@dataclass
class StateMachine:
    model: type[models.Model]
    moves: Mapping[str, Move]
    record: Recorder
    noun: str = "该事项"  # used in the default refusal text
    status_field: str = "status"
    # extra conditions the row must meet for the UPDATE (e.g. is_deleted=False)
    guard: Mapping[str, Any] = field(default_factory=dict)
    stale_message: str = STALE_MESSAGE
    # the refusal of a move that names none of its own
    refusal: str = "{noun}当前为“{status}”，不能{label}。"
    # record_many([(obj, from_status), ...], action, to_status, actor, reason)
    # writes the event rows of a bulk move at once (apply_many); optional
    record_many: Callable[[list, str, str, Any, str], None] | None = None
    # after_move([obj, ...], to_status): what must change with the status in
    # the same transaction (denormalised copies of it); called once per apply
    # and once per apply_many with every moved row; optional
    after_move: Callable[[list, str], None] | None = None

    # -- questions ---------------------------------------------------------
    def allowed(self, obj_or_status, action: str) -> bool:
        """May `action` be done now (by status alone; roles are the selectors')."""
        status = self._status_of(obj_or_status)
        move = self.moves.get(action)
        return move is not None and status in move.sources

    def actions_from(self, obj_or_status) -> list[str]:
        """The actions allowed from the object's (or a) status, in table order."""
        status = self._status_of(obj_or_status)
        return [a for a, move in self.moves.items() if status in move.sources]

    def target(self, action: str) -> str:
        """The status `action` ends in."""
        return self.moves[action].target

    def label(self, action: str) -> str:
        move = self.moves.get(action)
        return (move.label if move else "") or action

    def status_label(self, status: str) -> str:
        choices = getattr(self.model, "Status", None)
        if choices is not None and status in choices.values:
            return str(choices(status).label)
        return str(status)

    # -- the move ----------------------------------------------------------
    def apply(
        self,
        obj: models.Model,
        *,
        action: str,
        actor=None,
        reason: str = "",
        fields: Mapping[str, Any] | None = None,
        on_commit: Callable[[], None] | Iterable[Callable[[], None]] | None = None,
        expected: str | None = None,
    ) -> models.Model:
        """Move `obj` by `action` and update it in place; return it.

        Side effects: one conditional UPDATE, one event row via `record`,
        `after_move` (same transaction), the `on_commit` callables scheduled
        after the surrounding transaction commits. Raises InvalidTransition
        when the move is not allowed from the status read (`expected`, else
        `obj`'s) or someone else moved it first.
        """
        if not isinstance(obj, self.model):
            raise TypeError(f"{action} applies to {self.model.__name__}")
        move = self.moves.get(action)
        if move is None:
            raise KeyError(f"{self.model.__name__} has no action {action!r}")
        current = expected if expected is not None else getattr(obj, self.status_field)
        if current not in move.sources:
            raise InvalidTransition(self.refusal_for(action, current))
        if fields and self.status_field in fields:
            raise ValueError("the move sets the status; `fields` may not")
        values = {self.status_field: move.target, **(fields or {})}
        with transaction.atomic():
            changed = self.model._default_manager.filter(
                pk=obj.pk, **{self.status_field: current}, **self.guard
            ).update(**values)
            if changed != 1:
                raise InvalidTransition(self.stale_message)
            computed = []
            for name, value in values.items():
                if hasattr(value, "resolve_expression"):
                    computed.append(name)
                else:
                    setattr(obj, name, value)
            if computed:
                obj.refresh_from_db(fields=computed)
            self.record(obj, action, current, move.target, actor, reason)
            if self.after_move is not None:
                self.after_move([obj], move.target)
            _schedule(on_commit)
        return obj

    def apply_many(
        self,
        objs: Iterable[models.Model],
        *,
        action: str,
        actor=None,
        reason: str = "",
        fields: Mapping[str, Any] | None = None,
        on_commit: Callable[[], None] | Iterable[Callable[[], None]] | None = None,
    ) -> list[models.Model]:
        """Move by `action` those of `objs` still in a status it may start
        from, and return them (updated in place); the others are skipped, not
        refused: a bulk move (a round's publication) acts on what is still
        there. `fields` are plain values (no expressions).

        A bounded number of queries however many rows: one SELECT ... FOR
        UPDATE of the rows (their status as it is in the database now), one
        conditional UPDATE (`status = <what we read>`) per distinct status
        read, and the event rows through `record_many` (one bulk INSERT; one
        row per moved object, as `apply` writes), falling back to `record`
        per row, then `after_move` once with every moved row. Side effects:
        those, and `on_commit` after commit.
        """
        move = self.moves.get(action)
        if move is None:
            raise KeyError(f"{self.model.__name__} has no action {action!r}")
        if fields and self.status_field in fields:
            raise ValueError("the move sets the status; `fields` may not")
        if any(hasattr(v, "resolve_expression") for v in (fields or {}).values()):
            raise ValueError("apply_many takes plain values, not expressions")
        by_pk = {obj.pk: obj for obj in objs}
        if not by_pk:
            return []
        values = {self.status_field: move.target, **(fields or {})}
        manager = self.model._default_manager
        with transaction.atomic():
            current = dict(
                manager.select_for_update(no_key=True)
                .filter(
                    pk__in=list(by_pk),
                    **{f"{self.status_field}__in": list(move.sources)},
                    **self.guard,
                )
                .order_by("pk")
                .values_list("pk", self.status_field)
            )
            by_status: dict[str, list] = {}
            for pk, status in current.items():
                by_status.setdefault(status, []).append(pk)
            moved = []
            for status, pks in sorted(by_status.items()):
                changed = manager.filter(
                    pk__in=pks, **{self.status_field: status}, **self.guard
                ).update(**values)
                if changed != len(pks):  # the rows are locked: never, bar a bug
                    raise InvalidTransition(self.stale_message)
                for pk in pks:
                    obj = by_pk[pk]
                    for name, value in values.items():
                        setattr(obj, name, value)
                    moved.append((obj, status))
            if moved:
                if self.record_many is not None:
                    self.record_many(moved, action, move.target, actor, reason)
                else:
                    for obj, status in moved:
                        self.record(obj, action, status, move.target, actor, reason)
                if self.after_move is not None:
                    self.after_move([obj for obj, _ in moved], move.target)
                _schedule(on_commit)
        return [obj for obj, _ in moved]

    def refusal_for(self, action: str, current: str) -> str:
        """The Chinese text refusing `action` from status `current`."""
        move = self.moves[action]
        return (move.refusal or self.refusal).format(
            status=self.status_label(current),
            target=self.status_label(move.target),
            label=move.label or action,
            noun=self.noun,
        )

    def _status_of(self, obj_or_status) -> str:
        if isinstance(obj_or_status, models.Model):
            return getattr(obj_or_status, self.status_field)
        return obj_or_status


# Every machine registers here so a test can list the models with a status and
# check that nothing else writes it (see tests/config/test_statemachine.py).
REGISTRY: dict[type[models.Model], StateMachine] = {}


def register(machine: StateMachine) -> StateMachine:
    """Add `machine` to REGISTRY (one machine per model) and return it."""
    REGISTRY[machine.model] = machine
    return machine


def machine_for(model_or_obj) -> StateMachine:
    """The registered machine of a model (class or instance)."""
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    if model not in REGISTRY:
        autodiscover()
    return REGISTRY[model]


def autodiscover() -> None:
    """Import every installed app's `services` (module or package), where the
    machines are declared, so REGISTRY lists them all. By name, like the admin's
    autodiscover: `config` still imports no app."""
    autodiscover_modules("services")


def _schedule(on_commit) -> None:
    """Run the move's side effects (one callable or several) after commit."""
    if on_commit is None:
        return
    for callback in [on_commit] if callable(on_commit) else list(on_commit):
        transaction.on_commit(callback)
