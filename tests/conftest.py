from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ab_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


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


def write(root: Path, files: dict[str, str]) -> Path:
    """Write a small tree of files under `root`."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


def lint_json(path: Path | str) -> dict[str, Any]:
    result = run("--format", "json", "--exit-zero", str(path))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def fixture_reports() -> dict[str, dict[str, Any]]:
    return {name: lint_json(FIXTURES / name) for name in fixture_names()}
