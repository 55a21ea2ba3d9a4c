"""The GitHub Action's steps, run as CI would (the pre-commit hook: test_pre_commit.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import yaml
from action_runner import run_step

from conftest import FIXTURES, ROOT


def run_action(tmp_path: Path, env: dict[str, str], **inputs: str):
    """Run the Action's lint step the way the runner does, with the `ab-lint` on env's PATH as
    the one the install step made."""
    done = run_step("lint", tmp_path, tmp_path / "runner_temp", env, inputs,
                    {"install": {"ab-lint": "ab-lint", "python": sys.executable}},
                    previous_summary="previous step's summary\n")
    return done.result, done.outputs, done.summary


def test_action_annotates_writes_sarif_and_summary(tmp_path: Path, ab_lint_on_path) -> None:
    result, outputs, summary = run_action(tmp_path, ab_lint_on_path,
                                          path=str(FIXTURES / "phase2-done"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::") for line in lines)
    assert any(line.startswith("::error file=runtime/src/lib.rs,line=") for line in lines)
    assert outputs == {"sarif-file": "ab-lint.sarif", "exit-code": "1",
                       "phases": '{"runtime":2}', "lowest-phase": "2"}
    sarif = json.loads((tmp_path / "ab-lint.sarif").read_text())
    assert sarif["runs"][0]["results"]
    assert summary.startswith("previous step's summary\n## ab-lint")  # appended, not replaced


@pytest.mark.parametrize(("fail_on", "fixture", "code"), [
    ("never", "phase2-done", 0), ("error", "phase3-done", 0),
    ("warning", "rules/AB404-short-authoring", 1), ("error", "rules/AB404-short-authoring", 0),
])
def test_action_fail_on(tmp_path: Path, ab_lint_on_path, fail_on: str, fixture: str,
                        code: int) -> None:
    result, _, _ = run_action(tmp_path, ab_lint_on_path, path=str(FIXTURES / fixture),
                              **{"fail-on": fail_on})
    assert result.returncode == code, result.stderr


def test_action_input_error_always_fails(tmp_path: Path, ab_lint_on_path) -> None:
    result, outputs, _ = run_action(tmp_path, ab_lint_on_path, path=str(tmp_path / "missing"),
                                    **{"fail-on": "never"})
    assert result.returncode == 2 and outputs["exit-code"] == "2"


def test_action_installs_from_its_own_checkout() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    install = next(s for s in action["runs"]["steps"] if s.get("name") == "Install ab-lint")
    assert '"${{ github.action_path }}/action/install.sh"' in install["run"]
    assert '"$here/.."' in (ROOT / "action" / "install.sh").read_text()
    assert action["outputs"]["sarif-file"]["value"] == "${{ steps.lint.outputs.sarif-file }}"


def test_a_crash_fails_the_action_even_with_fail_on_never(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    crashing = bin_dir / "ab-lint"
    crashing.write_text("#!/bin/sh\nexit 3\n")  # ab-lint met a bug
    crashing.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result, outputs, _ = run_action(tmp_path, env, **{"fail-on": "never"})
    assert result.returncode == 3 and outputs["exit-code"] == "3"
