"""Find code that writes a status field without `config.statemachine`.

Every status change goes through `StateMachine.apply` (STYLE.md rule 3). This
module reads the project's source with `ast` (not a regex, so reads and filters
such as `filter(status=...)` or `Response(status=201)` are not mistaken for
writes) and reports each place that writes a status directly:

- a queryset `.update(status=...)`, or `.update(**values)` where `values` is a
  dict built in the same function with a "status" key;
- `bulk_update(objs, [..."status"...])`, `save(update_fields=[..."status"...])`
  (or any call with such `update_fields`) and `update_or_create(defaults=
  {"status": ...})`;
- `obj.status = ...` (or `setattr(obj, "status", ...)`) followed in the same
  function by `obj.save(...)`, unless `obj` was built there by a constructor
  (`Model(...)`: a new row starts in its initial status, that is no move).

Creating a row with its initial status (`objects.create(status=...)`) is not a
move and is not reported. Migrations, tests and the helper itself are skipped.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "venv", "migrations", "tests", "node_modules", "var", ".git"}
SKIP_FILES = {Path("config/statemachine.py")}
STATUS = "status"


@dataclass(frozen=True)
class StatusWrite:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def source_files(root: Path = ROOT):
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if SKIP_DIRS.intersection(rel.parts[:-1]) or rel in SKIP_FILES:
            continue
        yield rel, path


def _names_status(node: ast.AST) -> bool:
    """A list/tuple/set literal that names the status field."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(isinstance(e, ast.Constant) and e.value == STATUS for e in node.elts)
    return False


def _dict_has_status(node: ast.AST) -> bool:
    if isinstance(node, ast.Dict):
        return any(isinstance(k, ast.Constant) and k.value == STATUS for k in node.keys)
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "dict":
        return any(k.arg == STATUS for k in node.keywords)
    return False


def _target_name(node: ast.AST) -> str | None:
    """`a.b` for the object whose `.status` is assigned (`a.b.status = ...`)."""
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every expression
        return None


class _FunctionScan(ast.NodeVisitor):
    """Scan one function body (nested functions are scanned on their own)."""

    def __init__(self, path: str):
        self.path = path
        self.found: list[StatusWrite] = []
        self.status_dicts: set[str] = set()
        self.constructed: set[str] = set()
        self.assigned: dict[str, int] = {}  # object -> line of `obj.status = `

    def report(self, node: ast.AST, what: str) -> None:
        self.found.append(StatusWrite(self.path, node.lineno, what))

    def visit_FunctionDef(self, node):  # nested: its own scope
        return

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                if _dict_has_status(node.value):
                    self.status_dicts.add(target.id)
                if isinstance(node.value, ast.Call):
                    func = node.value.func
                    name = getattr(func, "id", None) or getattr(func, "attr", "")
                    if name[:1].isupper():
                        self.constructed.add(target.id)
            elif isinstance(target, ast.Subscript):
                key = target.slice
                if (
                    isinstance(target.value, ast.Name)
                    and isinstance(key, ast.Constant)
                    and key.value == STATUS
                ):
                    self.status_dicts.add(target.value.id)
            elif isinstance(target, ast.Attribute) and target.attr == STATUS:
                owner = _target_name(target.value)
                if owner and owner.split(".")[0] not in self.constructed:
                    self.assigned.setdefault(owner, node.lineno)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        method = func.attr if isinstance(func, ast.Attribute) else None
        keywords = {k.arg: k.value for k in node.keywords}
        if method == "update":
            if STATUS in keywords:
                self.report(node, f".update(status=...) {ast.unparse(node)[:80]}")
            for k in node.keywords:
                if k.arg is None and (
                    _dict_has_status(k.value)
                    or (
                        isinstance(k.value, ast.Name)
                        and k.value.id in self.status_dicts
                    )
                ):
                    self.report(node, f".update(**{{status}}) {ast.unparse(node)[:80]}")
        elif method == "update_or_create":
            defaults = keywords.get("defaults")
            if defaults is not None and _dict_has_status(defaults):
                self.report(node, "update_or_create(defaults={'status': ...})")
        elif method == "bulk_update":
            fields = node.args[1] if len(node.args) > 1 else keywords.get("fields")
            if fields is not None and _names_status(fields):
                self.report(node, "bulk_update(..., ['status'])")
        update_fields = keywords.get("update_fields")
        if update_fields is not None and _names_status(update_fields):
            # save(update_fields=...), bulk_create(update_conflicts=True, ...)
            self.report(node, f"{method}(update_fields=[..., 'status'])")
        if method == "save":
            owner = _target_name(func.value)
            if owner in self.assigned and (
                update_fields is None or _names_status(update_fields)
            ):
                line = self.assigned.pop(owner)
                self.found.append(
                    StatusWrite(self.path, line, f"{owner}.status = ... then .save()")
                )
        elif getattr(func, "id", None) == "setattr" and len(node.args) >= 2:
            attr = node.args[1]
            if isinstance(attr, ast.Constant) and attr.value == STATUS:
                owner = _target_name(node.args[0])
                if owner and owner.split(".")[0] not in self.constructed:
                    self.assigned.setdefault(owner, node.lineno)
        self.generic_visit(node)


def scan_source(text: str, path: str = "<string>") -> list[StatusWrite]:
    """Every direct status write in one module's source."""
    tree = ast.parse(text)
    found: list[StatusWrite] = []
    scopes: list[ast.AST] = [tree]
    scopes += [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
    ]
    for scope in scopes:
        scan = _FunctionScan(path)
        body = scope.body if isinstance(scope.body, list) else [scope.body]
        for statement in body:
            scan.visit(statement)
        found += scan.found
    return sorted(set(found), key=lambda w: (w.path, w.line, w.what))


def scan_tree(root: Path = ROOT) -> list[StatusWrite]:
    found: list[StatusWrite] = []
    for rel, path in source_files(root):
        found += scan_source(path.read_text(encoding="utf-8"), str(rel))
    return found
