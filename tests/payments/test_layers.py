"""payments sits below bookings (docs/architecture.md, "Layers"): checked on the source, not remembered.

payments never imports bookings, not even inside a function (it learns what it
needs through ``payments.hooks``); bookings reaches payments through its
services, hooks, models' public names, and the serializer and admin inline it
shows, never a gateway, a task or the webhook view.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOKINGS_MAY_IMPORT = {
    "payments.services",
    "payments.services.payments",
    "payments.services.payouts",
    "payments.hooks",
    "payments.errors",
    "payments.models",
    "payments.api.serializers",
    "payments.admin",
}


def _imports(app: str):
    """(file, line, module) for every import in the app's Python files, migrations included."""
    for path in sorted((ROOT / app).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.relative_to(ROOT), node.lineno, alias.name
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path.relative_to(ROOT), node.lineno, node.module
                for alias in node.names:  # ``from payments import hooks`` imports payments.hooks
                    yield path.relative_to(ROOT), node.lineno, f"{node.module}.{alias.name}"


def test_payments_never_imports_bookings():
    found = [
        f"{path}:{line} {module}" for path, line, module in _imports("payments") if module.split(".")[0] == "bookings"
    ]
    assert found == []
    for path in (ROOT / "payments").rglob("*.py"):
        assert 'get_model("bookings"' not in path.read_text(), path


def test_bookings_uses_only_the_public_face_of_payments():
    found = []
    for path, line, module in _imports("bookings"):
        parts = module.split(".")
        if parts[0] != "payments" or module == "payments":
            continue
        # ``from payments.services.payments import CardDeclined`` yields the module and module.name.
        if module not in BOOKINGS_MAY_IMPORT and ".".join(parts[:-1]) not in BOOKINGS_MAY_IMPORT:
            found.append(f"{path}:{line} {module}")
    assert found == []
