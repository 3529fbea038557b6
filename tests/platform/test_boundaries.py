"""App boundaries: the layers in ``.importlinter`` hold and cover every module; no app imports another in a function.

An import hidden in a function is how a cycle between apps used to be dodged;
the layers contract only sees it as an import like any other, so this test also
refuses them outright (``AppConfig.ready`` included: hook modules import nothing
that needs the app registry).
"""

import ast
import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _config() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config


def _apps() -> list[str]:
    return _config()["importlinter"]["root_packages"].split()


def _layered_modules() -> set[str]:
    layers = _config()["importlinter:contract:layers"]["layers"]
    return {module.strip() for line in layers.splitlines() for module in line.split(":") if module.strip()}


def _top_level_modules(app: str) -> set[str]:
    found = set()
    for path in (ROOT / app).iterdir():
        if path.name in ("__init__.py", "__pycache__", "migrations", "templates", "static"):
            continue
        if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists()):
            found.add(f"{app}.{path.stem if path.suffix else path.name}")
    return found


def test_the_layers_contract_is_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def test_every_module_of_every_app_sits_in_a_layer():
    layered = _layered_modules()
    for app in _apps():
        unplaced = _top_level_modules(app) - layered
        assert not unplaced, f"put these in a layer of .importlinter: {sorted(unplaced)}"


def _function_level_imports(path: Path, apps: set[str], own: str, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    top = {id(node) for node in tree.body}
    # Imports under a module-level ``if TYPE_CHECKING:`` are not run: they don't count.
    for node in tree.body:
        if isinstance(node, ast.If):
            top.update(id(child) for child in node.body)
    found = []
    for node in ast.walk(tree):
        if id(node) in top:
            continue
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name.split(".")[0] in apps - {own}:
                found.append(f"{path.relative_to(root)}:{node.lineno} imports {name}")
    return found


def test_no_app_imports_another_inside_a_function():
    apps = set(_apps())
    found = []
    for app in sorted(apps):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                found += _function_level_imports(path, apps, app)
    assert found == []


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    # The detector itself: a module importing another app inside a function is caught, a top-level one is not.
    module = tmp_path / "sample.py"
    module.write_text("import os\nfrom listings import models\n\n\ndef f():\n    from bookings.models import Booking\n")
    found = _function_level_imports(module, {"bookings", "listings"}, "search", root=tmp_path)
    assert found == ["sample.py:6 imports bookings.models"]
