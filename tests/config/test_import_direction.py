"""Each app imports only the apps below it: the layering, one way, as data.

Every .py of every app (migrations and tests aside) is parsed, and every import
counts, at module level or inside a function: `import x`, `from x import y`,
`importlib.import_module("x")` with a literal name, and the "app.Model" string
of a ForeignKey, OneToOneField or ManyToManyField. An upper app reaches a lower
one by importing it; a lower app reaches an upper one only through a hook it
declares (config/hooks.py), which the upper app fills in its AppConfig.ready().
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# Bottom to top. config is the ground (settings, errors, the state machine,
# hooks) and imports no app; portal is the top (navigation, the demo).
LAYERS = [
    "config",
    "org",
    "regulations",
    "responsibilities",
    "workflows",
    "notices",
    "evaluation",
    "supervision",
    "portal",
]

_RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def _function_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def imported_apps(source: str, *, apps: list[str]) -> list[tuple[int, str]]:
    """(line, dotted name) of every reference in `source` to one of `apps`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                called = _function_name(node)
                if called in {"import_module", "__import__"}:
                    names = [first.value]
                elif called in _RELATION_FIELDS and "." in first.value:
                    names = [first.value]
        for name in names:
            if name.split(".")[0] in apps:
                found.append((node.lineno, name))
    return sorted(found)


def _app_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.relative_to(ROOT).parts:
            yield path


def test_import_direction_each_app_imports_only_apps_below_it():
    # given
    offending = []
    for level, app in enumerate(LAYERS):
        below = set(LAYERS[:level])
        # when
        for path in _app_files(app):
            for line, name in imported_apps(path.read_text(), apps=LAYERS):
                target = name.split(".")[0]
                if target != app and target not in below:
                    offending.append(f"{path.relative_to(ROOT)}:{line} {app} -> {name}")
    # then
    assert not offending, (
        "imports against the layering (an app may import only the apps before it "
        f"in {LAYERS}):\n" + "\n".join(offending)
    )


def test_import_direction_lists_every_app_in_installed_order():
    # given: the project's own packages (a directory with an apps.py or settings)
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name != "tests"
    }
    # when
    installed = [app for app in settings.INSTALLED_APPS if app in packages]
    # then: a new app must be given its place in LAYERS
    assert packages == set(LAYERS)
    assert installed == LAYERS


def test_imported_apps_counts_imports_inside_functions_and_model_strings():
    # given
    source = (
        "from org.models import Department\n"
        "def late():\n"
        "    from notices import services\n"
        "    import evaluation.selectors\n"
        "    importlib.import_module('portal.demo')\n"
        "project = models.ForeignKey('workflows.ExecutionProject', on_delete=None)\n"
        "label = 'notices.Notice'\n"
    )
    # when
    found = imported_apps(source, apps=LAYERS)
    # then: every reference but the plain string
    assert found == [
        (1, "org.models"),
        (3, "notices"),
        (4, "evaluation.selectors"),
        (5, "portal.demo"),
        (6, "workflows.ExecutionProject"),
    ]
