from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from ab_lint.cli import main

# The long run of the property tests (before saying a robustness issue is done):
# `pytest --hypothesis-profile=long`, or AB_LINT_LONG=1
settings.register_profile("long", max_examples=4000, deadline=None)
if os.environ.get("AB_LINT_LONG"):
    settings.load_profile("long")

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FIXTURES = ROOT / "fixtures"


def _fixtures_outside_git() -> Path:
    """Each fixture stands for a repository of its own, but inside this project's git work tree
    ab-lint (rightly) names its files from the project's top: `fixtures/x/runtime/src/lib.rs`.
    The tests read a copy made once per session outside any work tree, where the paths are
    the fixture's own; tests/test_root.py covers paths inside a larger repository."""
    where = Path(tempfile.mkdtemp(prefix="ab-lint-fixtures-")).resolve()
    atexit.register(shutil.rmtree, where, True)
    shutil.copytree(SOURCE_FIXTURES, where / "fixtures", symlinks=True)
    return where / "fixtures"


FIXTURES = _fixtures_outside_git()


def fixture_names(with_error: bool = False) -> list[str]:
    names = []
    for d in sorted(FIXTURES.iterdir()):
        expected = d / "expected.json"
        if d.is_dir() and expected.is_file():
            if json.loads(expected.read_text()).get("error") and not with_error:
                continue
            names.append(d.name)
    return names


def expected(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name / "expected.json").read_text())


def write(root: Path, files: dict[str, str] | dict[str, str | bytes]) -> Path:
    """Write a small tree of files under `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


@pytest.fixture
def ab_lint_on_path(tmp_path: Path) -> dict[str, str]:
    """An `ab-lint` command on PATH that runs this checkout, as the Action installs it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "ab-lint"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m ab_lint "$@"\n')
    shim.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "NO_COLOR": "1"}


def _runner() -> CliRunner:
    """stdout and stderr kept apart: click 8.2 always does (and has no `mix_stderr`), 8.1,
    which pyproject allows, mixes them unless told not to."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def run(*args: str) -> Result:
    return _runner().invoke(main, list(args), catch_exceptions=True)


def lint_json(path: Path | str) -> dict[str, Any]:
    result = run("--format", "json", "--exit-zero", str(path))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def fixture_reports() -> dict[str, dict[str, Any]]:
    return {name: lint_json(FIXTURES / name) for name in fixture_names()}
