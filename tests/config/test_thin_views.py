"""Views and API classes stay thin: transactions belong to the services."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["regulations", "responsibilities", "workflows", "notices", "evaluation"]


def _interface_modules():
    for app in APPS:
        base = ROOT / app
        yield from base.glob("views.py")
        yield from base.glob("views/*.py")
        yield from base.glob("api.py")


def test_views_and_api_open_no_transactions():
    # given every browser-view and API module
    offenders = []
    for path in _interface_modules():
        tree = ast.parse(path.read_text())
        # when: look for django.db.transaction being imported
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.db":
                if any(alias.name == "transaction" for alias in node.names):
                    offenders.append(str(path.relative_to(ROOT)))
    # then
    assert list(_interface_modules()), "no view modules found"
    assert offenders == []
