"""The layers run one way, and callers use the engine's face, never its fitted state."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT


def _modules(*folders: str):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_callers_never_read_fitted_attributes():
    # service/ and the CLI are callers: a fitted attribute (`catalog_`, `index_`, ...) is the engine's own
    offenders = []
    for path in _modules("service", "recommender/cli", "bench"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute) and node.attr.endswith("_") and not node.attr.startswith("__"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
    assert not offenders, offenders


def test_the_library_never_imports_the_service():
    offenders = []
    for path in _modules("recommender"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
                names = [getattr(node.args[0], "value", "")] if node.args else []
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno}: {n}" for n in names
                          if isinstance(n, str) and (n == "service" or n.startswith("service."))]
    assert not offenders, offenders


def test_help_does_not_import_scikit_learn():
    code = ("import sys\nfrom recommender.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('heavy:', sorted(m for m in ('sklearn', 'scipy', 'numpy', 'pandas') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "serve" in proc.stdout  # the service's command still registers, through its entry point
    assert proc.stdout.strip().splitlines()[-1] == "heavy: []"
